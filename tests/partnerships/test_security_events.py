"""Security events (issue 17, Deliver 2): each kind written, append-only in
the database, and each partnership's kept from every other."""

import json
import logging

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partnerships import selectors, services, tenancy
from partnerships.models import Membership, Role, SecurityEvent, SecurityEventKind
from partnerships.security import security_event_record
from tests.database_roles import owner_connection
from tests.factories import (
    PASSWORD,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Kind = SecurityEventKind


def kinds(**filters) -> list[str]:
    return list(
        SecurityEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_signing_in_failing_and_being_locked_out_are_recorded(client, clock):
    user = MembershipFactory().user
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    event = SecurityEvent.objects.get(kind=Kind.SIGNED_IN)
    assert (event.actor, event.email, event.address) == (user, user.email, "127.0.0.1")
    assert event.partnership is None
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f" {user.email.upper()}", "password": f"x{n}"},
        )
    failed = SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert {e.email for e in failed} == {user.email}
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, email=user.email).exists()


def test_a_failed_sign_in_for_an_unknown_email_is_recorded_too(client, clock):
    client.post(reverse("login"), {"username": "nobody@example.org", "password": "x"})
    event = SecurityEvent.objects.get()
    assert (event.kind, event.email, event.actor) == (
        Kind.SIGN_IN_FAILED,
        "nobody@example.org",
        None,
    )


def test_password_changes_and_resets_are_recorded(client):
    user = MembershipFactory().user
    client.force_login(user)
    new = "a whole new passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert kinds(actor=user) == [Kind.PASSWORD_CHANGED]
    client.logout()
    user.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]
    newer = "another fresh passphrase"
    client.post(form_url, {"new_password1": newer, "new_password2": newer})
    assert kinds(actor=user) == [Kind.PASSWORD_CHANGED, Kind.PASSWORD_RESET]


def test_tokens_made_and_revoked_are_recorded(client):
    user = MembershipFactory().user
    client.force_login(user)
    client.post(reverse("partnerships:api_tokens"), {"name": "Power BI"})
    token = user.api_tokens.get()
    client.post(reverse("partnerships:api_token_revoke", args=[token.pk]))
    events = SecurityEvent.objects.filter(actor=user).order_by("pk")
    assert [e.kind for e in events] == [Kind.TOKEN_CREATED, Kind.TOKEN_REVOKED]
    assert events[0].detail == {
        "token_id": token.pk,
        "name": "Power BI",
        "prefix": token.prefix,
    }
    assert "secret" not in json.dumps(events[0].detail)
    assert events[1].detail["owner"] == user.email


def test_platform_staff_revoking_a_token_are_named_as_its_revoker(client):
    owner = UserFactory()
    token, _secret = services.api_token_create(user=owner, name="leaked")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.post(
        settings.ADMIN_URL_PREFIX + "partnerships/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    event = SecurityEvent.objects.get(kind=Kind.TOKEN_REVOKED)
    assert (event.actor, event.detail["owner"]) == (staff, owner.email)


def test_memberships_granted_and_roles_changed_are_recorded():
    partnership, user, admin = PartnershipFactory(), UserFactory(), UserFactory()
    services.membership_grant(
        partnership=partnership, user=user, role=Role.VIEWER, actor=admin
    )
    services.membership_grant(partnership=partnership, user=user, role=Role.VIEWER)
    services.membership_grant(
        partnership=partnership, user=user, role=Role.ADMIN, actor=admin
    )
    events = SecurityEvent.objects.filter(partnership=partnership).order_by("pk")
    assert [e.kind for e in events] == [Kind.MEMBERSHIP_GRANTED, Kind.ROLE_CHANGED]
    assert events[1].actor == admin
    assert events[1].detail["role"] == "admin"
    assert events[1].detail["previous_role"] == "viewer"


def test_the_admin_site_s_membership_changes_are_recorded(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    membership = MembershipFactory(role=Role.VIEWER)
    client.force_login(staff)
    url = settings.ADMIN_URL_PREFIX + f"partnerships/membership/{membership.pk}/"
    response = client.post(
        url + "change/",
        {
            "user": membership.user.pk,
            "partnership": membership.partnership.pk,
            "role": Role.LEAD,
            "organisation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(url + "delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert kinds(partnership=membership.partnership) == [
        Kind.ROLE_CHANGED,
        Kind.MEMBERSHIP_REMOVED,
    ]
    assert (
        SecurityEvent.objects.filter(
            partnership=membership.partnership, actor=staff
        ).count()
        == 2
    )


def test_exports_are_recorded(client):
    membership = MembershipFactory(role=Role.ADMIN)
    MeasureFactory(partnership=membership.partnership)
    client.force_login(membership.user)
    slug = membership.partnership.slug
    assert client.get(reverse("exchange:values_export", args=[slug])).status_code == 200
    assert (
        client.get(reverse("exchange:framework_export", args=[slug])).status_code == 200
    )
    events = SecurityEvent.objects.filter(kind=Kind.EXPORTED).order_by("pk")
    assert [e.detail["export"] for e in events] == ["figures", "framework"]
    assert {e.partnership for e in events} == {membership.partnership}
    assert {e.actor for e in events} == {membership.user}


def test_each_event_is_logged_as_one_json_line(caplog):
    user = UserFactory()
    with caplog.at_level(logging.INFO, logger="civic.security"):
        security_event_record(kind=Kind.TOKEN_CREATED, actor=user, detail={"a": 1})
    (record,) = caplog.records
    line = json.loads(record.getMessage())
    assert line["kind"] == "token_created"
    assert line["actor_id"] == user.pk
    assert line["detail"] == {"a": 1}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE partnerships_securityevent SET email = 'someone@else.org'",
        "DELETE FROM partnerships_securityevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(sql):
    # Were row-level security relaxed (by the tables' owner, in a transaction
    # of its own, before this test's touches the table), the trigger refuses.
    with owner_connection() as owner:
        owner.execute(
            "ALTER TABLE partnerships_securityevent NO FORCE ROW LEVEL SECURITY"
        )
        owner.execute(
            "INSERT INTO partnerships_securityevent (occurred_at, kind, email, "
            "detail) VALUES (now(), 'signed_in', 'someone@example.org', '{}')"
        )
        with pytest.raises(psycopg.Error, match="Cannot update or delete"):
            owner.execute(sql)
    security_event_record(kind=Kind.SIGNED_IN, actor=UserFactory())
    # Row-level security has no UPDATE or DELETE policy: no row is reachable,
    # the platform scope included.
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert cursor.rowcount == 0
    # And the runtime role the application connects as cannot relax it.
    with (
        pytest.raises(DatabaseError, match="must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "ALTER TABLE partnerships_securityevent NO FORCE ROW LEVEL SECURITY"
        )
    assert SecurityEvent.objects.get().email


def test_another_partnership_s_events_and_platform_events_stay_hidden():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    for partnership in (ours, theirs):
        security_event_record(
            kind=Kind.EXPORTED, partnership=partnership, detail={"export": "x"}
        )
    security_event_record(kind=Kind.SIGNED_IN, actor=UserFactory())
    with tenancy.scope(partnership_id=ours.pk):
        assert [e.partnership_id for e in SecurityEvent.objects.all()] == [ours.pk]
        assert list(selectors.security_event_list(partnership=theirs)) == []
    with tenancy.scope():
        assert SecurityEvent.objects.count() == 0
    with tenancy.platform_scope():
        assert SecurityEvent.objects.count() == 3


def test_nobody_writes_an_event_into_another_partnership():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    with (
        pytest.raises(Exception, match="row-level security"),
        tenancy.scope(partnership_id=ours.pk),
    ):
        security_event_record(kind=Kind.EXPORTED, partnership=theirs)


def test_the_page_lists_the_partnership_s_events_for_its_admins_only(
    client, django_assert_max_num_queries
):
    admin = MembershipFactory(role=Role.ADMIN)
    partnership = admin.partnership
    other = PartnershipFactory()
    for n in range(5):
        services.membership_grant(
            partnership=partnership,
            user=UserFactory(email=f"ours-{n}@example.org"),
            role=Role.LEAD,
            actor=admin.user,
        )
    services.membership_grant(
        partnership=other,
        user=UserFactory(email="theirs@example.org"),
        role=Role.LEAD,
    )
    security_event_record(kind=Kind.SIGNED_IN, actor=UserFactory(email="x@y.org"))
    client.force_login(admin.user)
    url = reverse("partnerships:security_events", args=[partnership.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    for n in range(5):
        assert f"ours-{n}@example.org" in page
    assert "theirs@example.org" not in page
    assert "x@y.org" not in page
    # Another partnership's page: 404, as for one that does not exist.
    assert (
        client.get(
            reverse("partnerships:security_events", args=[other.slug])
        ).status_code
        == 404
    )
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD)
    client.force_login(lead.user)
    assert client.get(url).status_code == 403


def test_platform_staff_see_every_event_in_the_admin_site(client):
    security_event_record(kind=Kind.SIGNED_IN, actor=UserFactory(email="x@y.org"))
    security_event_record(
        kind=Kind.EXPORTED, partnership=PartnershipFactory(), actor=UserFactory()
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(settings.ADMIN_URL_PREFIX + "partnerships/securityevent/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "x@y.org" in page
    assert "Data exported" in page


def test_the_admin_site_s_password_and_platform_role_changes_are_recorded(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    client.force_login(staff)
    base = settings.ADMIN_URL_PREFIX + f"partnerships/user/{person.pk}/"
    new = "a whole new passphrase"
    response = client.post(
        base + "password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        base + "change/",
        {
            "email": person.email,
            "full_name": person.full_name,
            "is_active": "on",
            "is_staff": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    events = SecurityEvent.objects.filter(actor=staff).order_by("pk")
    assert [e.kind for e in events] == [Kind.PASSWORD_CHANGED, Kind.ROLE_CHANGED]
    assert events[0].detail["email"] == person.email
    assert events[1].detail["platform"] == {"is_staff": True}


def test_an_event_is_written_in_one_statement_and_comes_back_with_its_id(
    django_assert_num_queries,
):
    partnership = PartnershipFactory()
    user = UserFactory()
    with (
        tenancy.scope(partnership_id=partnership.pk),
        django_assert_num_queries(1) as captured,
    ):
        event = security_event_record(
            kind=Kind.EXPORTED,
            actor=user,
            partnership=partnership,
            detail={"export": "figures"},
        )
    assert "SAVEPOINT" not in captured.captured_queries[0]["sql"]
    stored = SecurityEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.actor, stored.partnership, stored.detail) == (
        Kind.EXPORTED,
        user,
        partnership,
        {"export": "figures"},
    )
    assert stored.occurred_at == event.occurred_at
    assert stored.email == user.email
