"""The admin site's measure leads: only members of the measure's partnership
(issue 12), said beside the row rather than failing the save at commit."""

import pytest

from kpis.admin import MeasureLeadForm
from kpis.models import MeasureLead
from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(measure, user):
    return MeasureLeadForm(
        data={
            "partnership": measure.partnership_id,
            "measure": measure.pk,
            "user": user.pk,
        },
        instance=MeasureLead(measure=measure, partnership=measure.partnership),
    )


def test_a_member_can_be_made_a_lead_in_the_admin_site():
    measure = MeasureFactory()
    lead = MembershipFactory(partnership=measure.partnership, role=Role.LEAD).user
    assert _form(measure, lead).is_valid()


def test_someone_who_is_not_a_member_is_refused_beside_the_field():
    measure = MeasureFactory()
    elsewhere = MembershipFactory().user
    for user in (UserFactory(), elsewhere):
        form = _form(measure, user)
        assert not form.is_valid()
        assert form.errors["user"] == [
            "Only a member of the measure's partnership can lead it."
        ]
