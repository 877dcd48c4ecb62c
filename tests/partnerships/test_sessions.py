"""Sessions and the session's user, read by hand-written statements
(partnerships.sessions, partnerships.backends.EmailBackend.get_user): what a
session admits stays what Django's own backends admit."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Role
from partnerships.sessions import SessionStore
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(role=Role.LEAD)


def page(membership) -> str:
    return reverse("kpis:my_measures", kwargs={"slug": membership.partnership.slug})


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login") + "?next="
    )


def test_the_settings_use_the_session_store():
    assert settings.SESSION_ENGINE == "partnerships.sessions"


def test_a_saved_session_loads_and_an_unknown_key_is_none():
    store = SessionStore()
    store["colour"] = "green"
    store.create()
    assert SessionStore(store.session_key).load() == {"colour": "green"}
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_an_expired_session_is_no_session(client, member):
    client.force_login(member.user)
    assert client.get(page(member)).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert signed_out(client.get(page(member)))


def test_signing_in_rotates_the_session_key(client, member):
    client.get(reverse("login"))
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    response = client.post(
        reverse("login"), {"username": member.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert not SessionStore(before).exists(before)


def test_a_deactivated_person_is_signed_out_on_the_next_request(client, member):
    client.force_login(member.user)
    assert client.get(page(member)).status_code == 200
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert signed_out(client.get(page(member)))


def test_a_new_password_ends_the_other_sessions(client, member):
    client.force_login(member.user)
    assert client.get(page(member)).status_code == 200
    member.user.set_password("a different long passphrase")
    member.user.save(update_fields=["password"])
    assert signed_out(client.get(page(member)))


def test_signing_out_deletes_the_session(client, member):
    client.force_login(member.user)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert signed_out(client.get(page(member)))
