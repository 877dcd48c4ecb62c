import pytest
from django.utils import timezone

from kpis import selectors
from kpis.models import ReviewStatus
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours_and_theirs():
    ours = QuarterlyValueFactory()
    theirs = QuarterlyValueFactory()
    return ours, theirs


def test_measure_list_never_returns_another_partnerships_measures(ours_and_theirs):
    ours, theirs = ours_and_theirs
    assert list(selectors.measure_list(partnership=ours.partnership)) == [ours.measure]


def test_value_list_never_returns_another_partnerships_values(ours_and_theirs):
    ours, _theirs = ours_and_theirs
    assert list(selectors.value_list(partnership=ours.partnership)) == [ours]


def test_period_list_never_returns_another_partnerships_periods(ours_and_theirs):
    ours, _theirs = ours_and_theirs
    assert list(selectors.period_list(partnership=ours.partnership)) == [ours.period]


def test_measure_detail_of_another_partnership_does_not_exist(ours_and_theirs):
    ours, theirs = ours_and_theirs
    with pytest.raises(type(theirs.measure).DoesNotExist):
        selectors.measure_detail(partnership=ours.partnership, pk=theirs.measure.pk)


def test_measure_list_for_entry_by_role():
    mine = MeasureFactory()
    partnership = mine.partnership
    not_mine = MeasureFactory(partnership=partnership)
    MeasureFactory()  # another partnership's
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD)
    MeasureLeadFactory(measure=mine, user=lead.user)
    # The same person leads a measure elsewhere too: it must not leak in.
    MeasureLeadFactory(user=lead.user)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER)
    assert list(selectors.measure_list_for_entry(membership=lead)) == [mine]
    assert set(selectors.measure_list_for_entry(membership=admin)) == {mine, not_mine}
    assert not selectors.measure_list_for_entry(membership=viewer).exists()


def test_figures_unsubmitted_count_counts_the_members_own_saved_figures():
    partnership = PartnershipFactory()
    led, other, retired, done = MeasureFactory.create_batch(4, partnership=partnership)
    period = PeriodFactory(partnership=partnership)
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER)
    for measure in (led, retired, done):
        MeasureLeadFactory(measure=measure, user=lead.user)
    QuarterlyValueFactory(measure=led, period=period, status=ReviewStatus.DRAFT)
    QuarterlyValueFactory(
        measure=other,
        period=period,
        status=ReviewStatus.RETURNED,
        return_reason="Check it",
    )
    QuarterlyValueFactory(measure=retired, period=period, status=ReviewStatus.DRAFT)
    QuarterlyValueFactory(measure=done, period=period, status=ReviewStatus.SUBMITTED)
    retired.retired_at = timezone.now()
    retired.save()
    # Another quarter's figure, and another partnership's (of a measure the
    # same person leads there): neither is counted.
    earlier = PeriodFactory(partnership=partnership, year=period.year - 1)
    QuarterlyValueFactory(measure=led, period=earlier, status=ReviewStatus.DRAFT)
    theirs = MeasureFactory()
    MembershipFactory(partnership=theirs.partnership, user=lead.user, role=Role.LEAD)
    MeasureLeadFactory(measure=theirs, user=lead.user)
    QuarterlyValueFactory(measure=theirs, status=ReviewStatus.DRAFT)

    def count(membership):
        return selectors.figures_unsubmitted_count(membership=membership, period=period)

    assert (count(lead), count(admin), count(viewer)) == (1, 2, 0)
