"""The admin site keeps each object within its partnership: its choices offer
only the partnership's own organisations, people's memberships, priorities and
so on, a choice from another partnership is refused beside the field, and a
refusal by the database is a form error, never a server error."""

import pytest
from django.urls import reverse

from partnerships.models import Membership, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PriorityFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def ours():
    return PartnershipFactory(name="Ours")


@pytest.fixture
def theirs():
    return PartnershipFactory(name="Theirs")


def test_a_membership_offers_only_its_partnerships_organisations(staff, ours, theirs):
    mine = OrganisationFactory(partnership=ours, name="Our council")
    OrganisationFactory(partnership=theirs, name="Their council")
    membership = MembershipFactory(partnership=ours, organisation=mine)
    page = staff.get(
        reverse("admin:partnerships_membership_change", args=[membership.pk])
    ).content.decode()
    assert "Our council" in page
    assert "Their council" not in page


def test_another_partnerships_organisation_is_refused_beside_the_field(
    staff, ours, theirs
):
    other = OrganisationFactory(partnership=theirs, name="Their council")
    person = UserFactory()
    response = staff.post(
        reverse("admin:partnerships_membership_add"),
        {
            "user": person.pk,
            "partnership": ours.pk,
            "role": Role.LEAD,
            "organisation": other.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "organisation" in errors
    assert not Membership.objects.filter(user=person).exists()


def test_a_project_offers_only_its_partnerships_priorities_and_organisations(
    staff, ours, theirs
):
    project = ProjectFactory(partnership=ours)
    PriorityFactory(partnership=theirs, name="Their priority")
    OrganisationFactory(partnership=theirs, name="Their council")
    page = staff.get(
        reverse("admin:outcomes_project_change", args=[project.pk])
    ).content.decode()
    assert "Their priority" not in page
    assert "Their council" not in page


def test_a_project_moved_to_another_partnerships_priority_is_refused(
    staff, ours, theirs
):
    project = ProjectFactory(partnership=ours)
    their_priority = PriorityFactory(partnership=theirs)
    url = reverse("admin:outcomes_project_change", args=[project.pk])
    form = staff.get(url).context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None
    }
    data["priority"] = their_priority.pk
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "priority" in response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.priority_id != their_priority.pk


def test_the_partnership_pages_membership_rows_offer_only_its_organisations(
    staff, ours, theirs
):
    OrganisationFactory(partnership=ours, name="Our council")
    OrganisationFactory(partnership=theirs, name="Their council")
    MembershipFactory(partnership=ours)
    page = staff.get(
        reverse("admin:partnerships_partnership_change", args=[ours.pk])
    ).content.decode()
    assert "Our council" in page
    # Neither the rows shown nor the empty row the page adds from.
    assert "Their council" not in page


def test_the_last_admin_keeps_the_role_in_the_admin_site(staff, ours):
    only = MembershipFactory(partnership=ours, role=Role.ADMIN)
    url = reverse("admin:partnerships_membership_change", args=[only.pk])
    response = staff.post(
        url, {"user": only.user_id, "partnership": ours.pk, "role": Role.LEAD}
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert Membership.objects.get(pk=only.pk).role == Role.ADMIN
    delete = reverse("admin:partnerships_membership_delete", args=[only.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    staff.post(
        reverse("admin:partnerships_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [only.pk], "post": "yes"},
    )
    assert Membership.objects.filter(pk=only.pk).exists()


def test_an_admin_with_another_admin_beside_them_can_step_down(staff, ours):
    first = MembershipFactory(partnership=ours, role=Role.ADMIN)
    MembershipFactory(partnership=ours, role=Role.ADMIN)
    url = reverse("admin:partnerships_membership_change", args=[first.pk])
    response = staff.post(
        url, {"user": first.user_id, "partnership": ours.pk, "role": Role.LEAD}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=first.pk).role == Role.LEAD
