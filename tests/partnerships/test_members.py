"""Members, invitations and organisations (issue 12, Deliver 1 and 2): the
services' rules, the members page and the invitation link."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from kpis.models import MeasureLead
from partnerships import members, selectors, tenancy
from partnerships.models import (
    Invitation,
    Membership,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

Kind = SecurityEventKind
NEW_PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def admin():
    return MembershipFactory(role=Role.ADMIN)


@pytest.fixture
def partnership(admin):
    return admin.partnership


def secret_of(url: str) -> str:
    return re.search(r"/invitations/([^/]+)/", url).group(1)


def invite(partnership, admin, *, email="new.lead@example.org", role=Role.LEAD, **kw):
    return members.invitation_create(
        partnership=partnership, email=email, role=role, actor=admin.user, **kw
    )


def emailed_link(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


# Invitations -------------------------------------------------------------------


def test_an_invitation_stores_only_a_hash_of_its_secret_and_emails_the_link(
    partnership, admin, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(partnership=partnership)
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(
            partnership, admin, full_name="Nia Lead", organisation=organisation
        )
    secret = secret_of(sent.url)
    invitation = Invitation.objects.get()
    assert invitation.digest == members.invitation_digest(secret)
    assert secret not in str(Invitation.objects.values().get()), (
        "the secret itself is never stored"
    )
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    (message,) = mail.outbox
    assert message.to == ["new.lead@example.org"]
    assert partnership.name in message.subject
    assert emailed_link(message) == sent.url
    assert "Nia Lead" in message.body
    event = SecurityEvent.objects.get(kind=Kind.INVITATION_SENT)
    assert (event.actor, event.partnership_id) == (admin.user, partnership.pk)


def test_accepting_as_a_new_person_sets_a_password_and_joins_with_the_role(
    client, partnership, admin
):
    organisation = OrganisationFactory(partnership=partnership)
    sent = invite(partnership, admin, full_name="Nia Lead", organisation=organisation)
    url = reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Choose your password" in page.text
    response = client.post(
        url,
        {
            "full_name": "Nia Lead",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == partnership.get_absolute_url()
    user = User.objects.get(email="new.lead@example.org")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.partnership, membership.role, membership.organisation) == (
        partnership,
        Role.LEAD,
        organisation,
    )
    assert client.get(partnership.get_absolute_url()).status_code == 200
    assert Invitation.objects.get().accepted_by == user


def test_a_new_password_follows_the_password_rules_and_nothing_is_saved(
    client, partnership, admin
):
    sent = invite(partnership, admin)
    url = reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    response = client.post(
        url, {"full_name": "", "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 400
    assert 'id="id_new_password1_error"' in response.text
    assert not User.objects.filter(email="new.lead@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_someone_with_an_account_signs_in_and_accepts(client, partnership, admin):
    other = MembershipFactory(role=Role.ADMIN)
    person = MembershipFactory(partnership=other.partnership, role=Role.VIEWER).user
    sent = invite(partnership, admin, email=person.email.upper(), role=Role.VIEWER)
    url = reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    page = client.get(url)
    assert "Sign in to accept" in page.text
    assert client.post(url, {"new_password1": "x", "new_password2": "x"}).status_code
    assert not Membership.objects.filter(partnership=partnership, user=person).exists()
    client.force_login(person)
    response = client.post(url)
    assert response.status_code == 302
    # One person, two partnerships, a role in each.
    roles = dict(
        Membership.objects.filter(user=person).values_list("partnership_id", "role")
    )
    assert roles == {other.partnership_id: Role.VIEWER, partnership.pk: Role.VIEWER}


def test_an_invitation_cannot_be_accepted_by_another_account(
    client, partnership, admin
):
    sent = invite(partnership, admin)
    stranger = UserFactory()
    client.force_login(stranger)
    url = reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    assert "You are signed in as" in client.get(url).text
    response = client.post(url)
    assert response.status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()


def test_an_invitation_works_once(client, partnership, admin):
    sent = invite(partnership, admin)
    secret = secret_of(sent.url)
    members.invitation_accept(secret=secret, password=NEW_PASSWORD)
    with pytest.raises(members.InvitationUnusable, match="used already"):
        members.invitation_accept(secret=secret, password=NEW_PASSWORD)
    response = client.get(reverse("partnerships:invitation_accept", args=[secret]))
    assert response.status_code == 410
    assert "used already" in response.text


def test_an_invitation_expires_after_seven_days(client, clock, partnership, admin):
    sent = invite(partnership, admin)
    secret = secret_of(sent.url)
    clock.move_to(Invitation.objects.get().expires_at + datetime.timedelta(seconds=1))
    response = client.get(reverse("partnerships:invitation_accept", args=[secret]))
    assert response.status_code == 410
    assert "expired" in response.text
    with pytest.raises(members.InvitationUnusable):
        members.invitation_accept(secret=secret, password=NEW_PASSWORD)
    assert not User.objects.filter(email="new.lead@example.org").exists()


def test_a_revoked_invitation_stops_working(client, partnership, admin):
    sent = invite(partnership, admin)
    members.invitation_revoke(
        partnership=partnership,
        invitation_id=sent.invitation.pk,
        actor=admin.user,
    )
    response = client.get(
        reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    )
    assert response.status_code == 410
    assert "withdrawn" in response.text


def test_a_forged_link_is_not_found(client, partnership, admin):
    invite(partnership, admin)
    response = client.get(
        reverse("partnerships:invitation_accept", args=["forged-secret-value"])
    )
    assert response.status_code == 404
    assert "not valid" in response.text


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(
    client, clock, partnership, admin, django_capture_on_commit_callbacks
):
    sent = invite(partnership, admin)
    clock.move_to(Invitation.objects.get().expires_at + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        again = members.invitation_resend(
            partnership=partnership,
            invitation_id=sent.invitation.pk,
            actor=admin.user,
        )
    assert again.url != sent.url
    assert emailed_link(mail.outbox[-1]) == again.url
    old = client.get(
        reverse("partnerships:invitation_accept", args=[secret_of(sent.url)])
    )
    assert old.status_code == 404
    new = client.get(
        reverse("partnerships:invitation_accept", args=[secret_of(again.url)])
    )
    assert new.status_code == 200


def test_inviting_a_member_or_an_open_invitee_again_is_refused(partnership, admin):
    with pytest.raises(ValidationError) as member_error:
        invite(partnership, admin, email=admin.user.email)
    assert "already a member" in str(member_error.value.message_dict["email"])
    invite(partnership, admin)
    with pytest.raises(ValidationError) as again:
        invite(partnership, admin, email="New.Lead@example.org")
    assert "invited already" in str(again.value.message_dict["email"])
    assert Invitation.objects.count() == 1


def test_an_invitation_email_is_in_the_invitation_language(
    settings, partnership, admin, django_capture_on_commit_callbacks
):
    settings.LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(partnership, admin, language="cy")
    assert sent.invitation.language == "cy"
    with django_capture_on_commit_callbacks(execute=True):
        other = invite(partnership, admin, email="b@example.org", language="xx")
    # An unknown language falls back to the inviter's current one.
    assert other.invitation.language == "en-gb"


def test_a_bad_invitation_is_refused_beside_the_field_and_nothing_saved(
    client, partnership, admin
):
    client.force_login(admin.user)
    url = reverse("partnerships:member_invite", args=[partnership.slug])
    response = client.post(url, {"email": "not an email", "role": "owner"})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.text
    assert 'id="id_role_error"' in response.text
    assert not Invitation.objects.exists()


def test_an_organisation_of_another_partnership_is_refused(partnership, admin):
    foreign = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        invite(partnership, admin, organisation=foreign)
    assert "organisation" in error.value.message_dict
    assert not Invitation.objects.exists()


# The last admin ----------------------------------------------------------------------


def test_the_last_admin_cannot_be_demoted_or_removed(partnership, admin):
    with pytest.raises(ValidationError) as demoted:
        members.membership_change(
            partnership=partnership,
            membership_id=admin.pk,
            role=Role.VIEWER,
            actor=admin.user,
        )
    assert "only admin" in str(demoted.value.message_dict["role"])
    with pytest.raises(ValidationError, match="only admin"):
        members.membership_remove(
            partnership=partnership, membership_id=admin.pk, actor=admin.user
        )
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_with_a_second_admin_one_can_step_down(partnership, admin):
    second = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    members.membership_change(
        partnership=partnership,
        membership_id=admin.pk,
        role=Role.LEAD,
        actor=admin.user,
    )
    with pytest.raises(ValidationError):
        members.membership_change(
            partnership=partnership,
            membership_id=second.pk,
            role=Role.LEAD,
            actor=second.user,
        )
    event = SecurityEvent.objects.get(kind=Kind.ROLE_CHANGED)
    assert event.detail["previous_role"] == Role.ADMIN
    assert event.detail["role"] == Role.LEAD


def test_the_page_says_why_beside_the_role(client, partnership, admin):
    client.force_login(admin.user)
    response = client.post(
        reverse("partnerships:member_change", args=[partnership.slug, admin.pk]),
        {f"m{admin.pk}-role": Role.VIEWER, f"m{admin.pk}-organisation": ""},
    )
    assert response.status_code == 400
    assert "only admin" in response.text
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


# Removing a member ---------------------------------------------------------------


def test_removing_a_member_keeps_their_figures_and_leaves_their_measures_without_a_lead(
    client, partnership, admin
):
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD)
    measure = MeasureFactory(partnership=partnership, code="CR-01")
    MeasureLead.objects.create(partnership=partnership, measure=measure, user=lead.user)
    client.force_login(admin.user)
    response = client.post(
        reverse("partnerships:member_remove", args=[partnership.slug, lead.pk])
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=lead.pk).exists()
    assert not MeasureLead.objects.filter(measure=measure).exists()
    assert User.objects.filter(pk=lead.user_id).exists()
    event = SecurityEvent.objects.get(kind=Kind.MEMBERSHIP_REMOVED)
    assert event.detail["measures_led"] == ["CR-01"]
    review = client.get(reverse("kpis:quarter_review", args=[partnership.slug]))
    assert "No lead assigned" in review.text


def test_the_database_refuses_a_lead_who_is_not_a_member(partnership):
    measure = MeasureFactory(partnership=partnership)
    outsider = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureLead.objects.create(
            partnership=partnership, measure=measure, user=outsider
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS kpis_measurelead_lead_is_member IMMEDIATE")


def test_a_member_of_another_partnership_cannot_lead_here(partnership):
    measure = MeasureFactory(partnership=partnership)
    elsewhere = MembershipFactory().user
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureLead.objects.create(
            partnership=partnership, measure=measure, user=elsewhere
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS kpis_measurelead_lead_is_member IMMEDIATE")


# The members page ---------------------------------------------------------------


def test_the_members_page_lists_role_organisation_measures_and_last_sign_in(
    client, partnership, admin, django_assert_max_num_queries
):
    organisation = OrganisationFactory(partnership=partnership, name="Wrexham Uni")
    for number in range(5):
        lead = MembershipFactory(
            partnership=partnership, role=Role.LEAD, organisation=organisation
        )
        measure = MeasureFactory(partnership=partnership, code=f"M-{number}")
        MeasureLead.objects.create(
            partnership=partnership, measure=measure, user=lead.user
        )
    invite(partnership, admin)
    client.force_login(admin.user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("partnerships:members", args=[partnership.slug]))
    assert response.status_code == 200
    assert "Wrexham Uni" in response.text
    assert "M-3" in response.text
    assert "new.lead@example.org" in response.text
    assert "Invited new.lead@example.org as Project lead." in response.text


def test_changing_role_and_organisation_is_recorded_and_shown(
    client, partnership, admin
):
    organisation = OrganisationFactory(partnership=partnership, name="Glyndŵr")
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER)
    client.force_login(admin.user)
    response = client.post(
        reverse("partnerships:member_change", args=[partnership.slug, viewer.pk]),
        {
            f"m{viewer.pk}-role": Role.LEAD,
            f"m{viewer.pk}-organisation": organisation.pk,
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.role, viewer.organisation) == (Role.LEAD, organisation)
    page = client.get(reverse("partnerships:members", args=[partnership.slug]))
    assert f"{viewer.user.email} is now Project lead" in page.text
    assert "is now Glyndŵr" in page.text


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
def test_only_admins_administer_members(client, partnership, role):
    person = MembershipFactory(partnership=partnership, role=role)
    other = MembershipFactory(partnership=partnership, role=Role.VIEWER)
    organisation = OrganisationFactory(partnership=partnership)
    client.force_login(person.user)
    slug = partnership.slug
    assert client.get(reverse("partnerships:members", args=[slug])).status_code == 403
    assert (
        client.get(reverse("partnerships:organisations", args=[slug])).status_code
        == 403
    )
    posts = [
        (reverse("partnerships:member_invite", args=[slug]), {"email": "x@y.org"}),
        (reverse("partnerships:member_change", args=[slug, other.pk]), {}),
        (reverse("partnerships:member_remove", args=[slug, other.pk]), {}),
        (reverse("partnerships:organisations", args=[slug]), {"new-name": "X"}),
        (reverse("partnerships:organisation_rename", args=[slug, organisation.pk]), {}),
        (reverse("partnerships:organisation_merge", args=[slug, organisation.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Membership.objects.filter(pk=other.pk).exists()
    assert not Invitation.objects.exists()


def test_another_partnerships_members_and_invitations_are_not_found(
    client, partnership, admin
):
    other_admin = MembershipFactory(role=Role.ADMIN)
    theirs = invite(other_admin.partnership, other_admin)
    their_member = MembershipFactory(partnership=other_admin.partnership)
    client.force_login(admin.user)
    slug = partnership.slug
    for url in [
        reverse("partnerships:member_change", args=[slug, their_member.pk]),
        reverse("partnerships:member_remove", args=[slug, their_member.pk]),
        reverse("partnerships:invitation_resend", args=[slug, theirs.invitation.pk]),
        reverse("partnerships:invitation_revoke", args=[slug, theirs.invitation.pk]),
    ]:
        assert client.post(url).status_code == 404, url
    assert Membership.objects.filter(pk=their_member.pk).exists()
    assert Invitation.objects.get(pk=theirs.invitation.pk).revoked_at is None
    other_slug = other_admin.partnership.slug
    assert (
        client.get(reverse("partnerships:members", args=[other_slug])).status_code
        == 404
    )


def test_the_selectors_never_return_another_partnerships_rows(partnership, admin):
    other_admin = MembershipFactory(role=Role.ADMIN)
    invite(other_admin.partnership, other_admin)
    OrganisationFactory(partnership=other_admin.partnership)
    assert list(selectors.member_list(partnership=partnership)) == [admin]
    assert not selectors.invitation_list(partnership=partnership).exists()
    assert not selectors.organisation_list(partnership=partnership).exists()
    assert not selectors.member_event_list(partnership=partnership).exists()


def test_row_level_security_hides_invitations_from_other_partnerships(
    partnership, admin
):
    other_admin = MembershipFactory(role=Role.ADMIN)
    invite(other_admin.partnership, other_admin)
    with tenancy.scope(partnership_id=partnership.pk):
        assert Invitation.objects.count() == 0
    with tenancy.scope(partnership_id=other_admin.partnership_id):
        assert Invitation.objects.count() == 1


# Organisations ---------------------------------------------------------------------


def test_organisations_are_added_renamed_and_merged(client, partnership, admin):
    client.force_login(admin.user)
    slug = partnership.slug
    url = reverse("partnerships:organisations", args=[slug])
    assert client.post(url, {"new-name": "  Wrexham   Council "}).status_code == 302
    council = Organisation.objects.get(partnership=partnership)
    assert council.name == "Wrexham Council"
    duplicate = client.post(url, {"new-name": "wrexham council"})
    assert duplicate.status_code == 400
    assert 'id="id_new-name_error"' in duplicate.text
    rename = reverse("partnerships:organisation_rename", args=[slug, council.pk])
    assert client.post(rename, {f"o{council.pk}-name": "WCBC"}).status_code == 302
    old = OrganisationFactory(partnership=partnership, name="Old name")
    member = MembershipFactory(partnership=partnership, organisation=old)
    project = ProjectFactory(partnership=partnership, lead_organisation=old)
    merge = reverse("partnerships:organisation_merge", args=[slug, old.pk])
    assert client.post(merge, {f"merge{old.pk}-into": council.pk}).status_code == 302
    assert not Organisation.objects.filter(pk=old.pk).exists()
    member.refresh_from_db()
    project.refresh_from_db()
    assert member.organisation == council
    assert project.lead_organisation == council
    kinds = list(
        SecurityEvent.objects.filter(partnership=partnership)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        Kind.ORGANISATION_ADDED,
        Kind.ORGANISATION_RENAMED,
        Kind.ORGANISATION_MERGED,
    ]


def test_merging_into_another_partnerships_organisation_is_refused(
    client, partnership, admin
):
    mine = OrganisationFactory(partnership=partnership)
    foreign = OrganisationFactory()
    client.force_login(admin.user)
    response = client.post(
        reverse("partnerships:organisation_merge", args=[partnership.slug, mine.pk]),
        {f"merge{mine.pk}-into": foreign.pk},
    )
    assert response.status_code == 400
    assert Organisation.objects.filter(pk=mine.pk).exists()
    with pytest.raises(ValidationError):
        members.organisation_merge(
            partnership=partnership,
            organisation_id=mine.pk,
            into_id=foreign.pk,
            actor=admin.user,
        )


def test_an_account_made_from_an_invitation_signs_in_as_usual(
    client, partnership, admin
):
    sent = invite(partnership, admin)
    members.invitation_accept(secret=secret_of(sent.url), password=NEW_PASSWORD)
    response = client.post(
        reverse("login"),
        {"username": "new.lead@example.org", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(partnership.get_absolute_url()).status_code == 200
