import pytest

from kpis import policy
from kpis.models import ReviewStatus
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    partnership = PartnershipFactory()
    led, other = MeasureFactory.create_batch(2, partnership=partnership)
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD)
    MeasureLeadFactory(measure=led, user=lead.user)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER)
    return partnership, led, other, lead, admin, viewer


def test_leads_enter_their_own_measures_admins_every_one_viewers_none(people):
    partnership, led, other, lead, admin, viewer = people
    assert policy.measures_led(lead) == {led.pk}
    assert policy.measures_led(admin) is None
    assert policy.measures_led(viewer) == set()
    assert (policy.may_enter(lead, led), policy.may_enter(lead, other)) == (True, False)
    assert policy.may_enter(admin, other) and not policy.may_enter(viewer, led)
    measures = led.__class__.objects.filter(partnership=partnership)
    assert list(policy.measures_to_enter(measures, lead)) == [led]
    assert set(policy.measures_to_enter(measures, admin)) == {led, other}
    assert not policy.measures_to_enter(measures, viewer).exists()
    elsewhere = MeasureFactory()
    assert not policy.may_enter(admin, elsewhere)


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_a_figure_is_editable_exactly_when_the_service_would_take_it(people, status):
    _partnership, led, _other, lead, admin, _viewer = people
    reason = "Check it" if status == ReviewStatus.RETURNED else ""
    record = QuarterlyValueFactory(measure=led, status=status, return_reason=reason)
    for_lead = policy.figure_edit_refusal(lead, record, record.period, locked=False)
    blocked = status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
    assert (for_lead is not None) == blocked
    assert policy.figure_editable(lead, record, record.period, locked=False) != blocked
    assert policy.figure_editable(admin, record, record.period, locked=False)
    assert "is locked" in policy.figure_edit_refusal(
        admin, record, record.period, locked=True
    )


def test_a_measure_read_for_a_lead_needs_no_second_question_only_for_them(
    people, django_assert_num_queries
):
    partnership, led, other, lead, _admin, _viewer = people
    measures = led.__class__.objects.filter(partnership=partnership)
    read = policy.measure_to_enter_get(measures, lead, led.pk)
    assert read == led
    assert policy.measure_to_enter_get(measures, lead, other.pk) is None
    with django_assert_num_queries(0):
        assert policy.may_enter(lead, read)
    # Another lead of the partnership is asked about, not taken on trust.
    stranger = MembershipFactory(partnership=partnership, role=Role.LEAD)
    with django_assert_num_queries(1):
        assert not policy.may_enter(stranger, read)
    # A lead made a viewer since cannot enter it, read or not.
    lead.role = Role.VIEWER
    assert not policy.may_enter(lead, read)
