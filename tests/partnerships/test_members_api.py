"""The members and invitations API (issue 12, Deliver 7): the members page's
operations through the same services, with the API's roles, 404s and error
shape."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from partnerships.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
)
from tests.api import bearer, post_json
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def admin():
    return MembershipFactory(role=Role.ADMIN)


def url(name, membership, *args):
    return reverse(f"api:{name}", args=[membership.partnership.slug, *args])


def patch_json(client, address, body, headers):
    return client.patch(
        address, json.dumps(body), content_type="application/json", headers=headers
    )


def test_members_are_listed_with_role_organisation_and_measures(client, admin):
    organisation = OrganisationFactory(partnership=admin.partnership, name="Uni")
    lead = MembershipFactory(
        partnership=admin.partnership, role=Role.LEAD, organisation=organisation
    )
    response = client.get(url("member_list", admin), headers=bearer(admin.user))
    assert response.status_code == 200
    rows = {row["email"]: row for row in response.json()["results"]}
    assert rows[lead.user.email]["role"] == "lead"
    assert rows[lead.user.email]["organisation"] == "Uni"
    assert rows[lead.user.email]["measures_led"] == []
    assert rows[admin.user.email]["role"] == "admin"


def test_an_invitation_is_created_with_201_and_emailed(
    client, admin, django_capture_on_commit_callbacks
):
    OrganisationFactory(partnership=admin.partnership, name="Uni")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            client,
            url("invitation_list", admin),
            {"email": "New@Example.org", "role": "lead", "organisation": "Uni"},
            headers=bearer(admin.user),
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "new@example.org"
    assert body["organisation"] == "Uni"
    assert "url" not in body and "digest" not in body
    assert mail.outbox[0].to == ["new@example.org"]
    listed = client.get(url("invitation_list", admin), headers=bearer(admin.user))
    assert [row["email"] for row in listed.json()["results"]] == ["new@example.org"]


def test_bad_invitations_get_field_errors_and_nothing_is_saved(client, admin):
    headers = bearer(admin.user)
    response = post_json(
        client,
        url("invitation_list", admin),
        {"email": "nope", "role": "owner"},
        headers=headers,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "role"}
    unknown = post_json(
        client,
        url("invitation_list", admin),
        {"email": "a@example.org", "role": "lead", "organisation": "Nobody"},
        headers=headers,
    )
    assert unknown.status_code == 400
    assert "organisation" in unknown.json()["errors"]
    member = post_json(
        client,
        url("invitation_list", admin),
        {"email": admin.user.email, "role": "lead"},
        headers=headers,
    )
    assert member.status_code == 400
    assert "already a member" in member.json()["errors"]["email"][0]
    assert not Invitation.objects.exists()


def test_resend_and_revoke(client, admin, django_capture_on_commit_callbacks):
    headers = bearer(admin.user)
    created = post_json(
        client,
        url("invitation_list", admin),
        {"email": "a@example.org", "role": "viewer"},
        headers=headers,
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(
            url("invitation_resend", admin, created["id"]), headers=headers
        )
    assert resent.status_code == 200
    assert len(mail.outbox) == 1
    revoked = client.post(
        url("invitation_revoke", admin, created["id"]), headers=headers
    )
    assert revoked.status_code == 200
    assert Invitation.objects.get().revoked_at is not None
    again = client.post(url("invitation_revoke", admin, created["id"]), headers=headers)
    assert again.status_code == 400
    assert again.json()["detail"]


def test_a_role_change_and_the_last_admin_rule(client, admin):
    headers = bearer(admin.user)
    viewer = MembershipFactory(partnership=admin.partnership)
    organisation = OrganisationFactory(partnership=admin.partnership, name="Uni")
    changed = patch_json(
        client,
        url("member_detail", admin, viewer.pk),
        {"role": "lead", "organisation": "Uni"},
        headers,
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["role"] == "lead"
    viewer.refresh_from_db()
    assert (viewer.role, viewer.organisation) == (Role.LEAD, organisation)
    refused = patch_json(
        client, url("member_detail", admin, admin.pk), {"role": "viewer"}, headers
    )
    assert refused.status_code == 400
    assert "only admin" in refused.json()["errors"]["role"][0]
    removed = client.delete(url("member_detail", admin, admin.pk), headers=headers)
    assert removed.status_code == 400
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert (
        client.delete(
            url("member_detail", admin, viewer.pk), headers=headers
        ).status_code
        == 204
    )
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert admin.partnership_id in set(
        Membership.objects.values_list("partnership_id", flat=True)
    )
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.MEMBERSHIP_REMOVED, actor=admin.user
    ).exists()


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
def test_only_admins_use_the_members_api(client, admin, role):
    person = MembershipFactory(partnership=admin.partnership, role=role)
    headers = bearer(person.user)
    invitation = post_json(
        client,
        url("invitation_list", admin),
        {"email": "a@example.org", "role": "viewer"},
        headers=bearer(admin.user),
    ).json()
    assert client.get(url("member_list", person), headers=headers).status_code == 403
    assert (
        client.get(url("invitation_list", person), headers=headers).status_code == 403
    )
    created = post_json(
        client,
        url("invitation_list", person),
        {"email": "b@example.org", "role": "admin"},
        headers=headers,
    )
    assert created.status_code == 403
    assert (
        patch_json(
            client, url("member_detail", person, person.pk), {"role": "admin"}, headers
        ).status_code
        == 403
    )
    assert (
        client.delete(
            url("member_detail", person, admin.pk), headers=headers
        ).status_code
        == 403
    )
    for name in ("invitation_resend", "invitation_revoke"):
        answer = client.post(url(name, person, invitation["id"]), headers=headers)
        assert answer.status_code == 403
    assert Invitation.objects.count() == 1
    person.refresh_from_db()
    assert person.role == role


def test_another_partnerships_members_and_invitations_are_404(client, admin):
    other = MembershipFactory(role=Role.ADMIN)
    theirs = post_json(
        client,
        url("invitation_list", other),
        {"email": "a@example.org", "role": "viewer"},
        headers=bearer(other.user),
    ).json()
    headers = bearer(admin.user)
    assert (
        client.get(url("member_detail", admin, other.pk), headers=headers).status_code
        == 404
    )
    assert (
        patch_json(
            client, url("member_detail", admin, other.pk), {"role": "viewer"}, headers
        ).status_code
        == 404
    )
    assert (
        client.delete(
            url("member_detail", admin, other.pk), headers=headers
        ).status_code
        == 404
    )
    for name in ("invitation_resend", "invitation_revoke"):
        answer = client.post(url(name, admin, theirs["id"]), headers=headers)
        assert answer.status_code == 404
    # Their partnership's own addresses: 404, as for one that does not exist.
    assert client.get(url("member_list", other), headers=headers).status_code == 404
    other.refresh_from_db()
    assert other.role == Role.ADMIN
    assert Invitation.objects.get().revoked_at is None


def test_organisations_are_added_renamed_and_merged(client, admin):
    headers = bearer(admin.user)
    added = post_json(
        client, url("organisation_list", admin), {"name": "Wrexham Council"}, headers
    )
    assert added.status_code == 201, added.json()
    council = added.json()["id"]
    duplicate = post_json(
        client, url("organisation_list", admin), {"name": "wrexham council"}, headers
    )
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()["errors"]
    renamed = patch_json(
        client, url("organisation_detail", admin, council), {"name": "WCBC"}, headers
    )
    assert renamed.json()["name"] == "WCBC"
    old = OrganisationFactory(partnership=admin.partnership, name="Old")
    member = MembershipFactory(partnership=admin.partnership, organisation=old)
    merged = post_json(
        client, url("organisation_merge", admin, old.pk), {"into": council}, headers
    )
    assert merged.status_code == 200, merged.json()
    assert merged.json() == {"id": council, "name": "WCBC", "member_count": 1}
    member.refresh_from_db()
    assert member.organisation_id == council


def test_another_partnerships_organisations_are_404_and_leads_get_403(client, admin):
    theirs = OrganisationFactory()
    mine = OrganisationFactory(partnership=admin.partnership)
    headers = bearer(admin.user)
    assert (
        client.get(url("organisation_detail", admin, theirs.pk), headers=headers)
    ).status_code == 404
    into_theirs = post_json(
        client, url("organisation_merge", admin, mine.pk), {"into": theirs.pk}, headers
    )
    assert into_theirs.status_code == 400
    lead = MembershipFactory(partnership=admin.partnership, role=Role.LEAD)
    answer = post_json(
        client, url("organisation_list", admin), {"name": "X"}, bearer(lead.user)
    )
    assert answer.status_code == 403
    assert Organisation.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert not Organisation.objects.filter(name="X").exists()
