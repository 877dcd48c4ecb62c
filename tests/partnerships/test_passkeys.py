"""Passkeys (issue 17, Deliver 1): the pages and the WebAuthn endpoints'
refusals. Making a real passkey needs an authenticator: the browser test
(tests/browser/test_passkeys.py) does that with Chromium's virtual one; here
a stored passkey stands in where one must exist, and the session passes its
second step with a recovery code, as a person without their device would.
"""

import json
import os

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_otp_webauthn.models import WebAuthnCredential

from partnerships import mfa, passkeys
from partnerships.models import (
    RecoveryCodeDevice,
    Role,
    SecurityEvent,
    SecurityEventKind,
)
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.mfa import code_for, enrol

pytestmark = pytest.mark.django_db

Kind = SecurityEventKind
VERIFY = reverse("partnerships:mfa_verify")
ENROL = reverse("partnerships:mfa_enrol")
ADD = reverse("partnerships:mfa_passkey_add")
OVERVIEW = reverse("partnerships:mfa_overview")
REGISTER_BEGIN = reverse("partnerships:passkey_registration_begin")
REGISTER_COMPLETE = reverse("partnerships:passkey_registration_complete")
AUTH_BEGIN = reverse("partnerships:passkey_authentication_begin")
AUTH_COMPLETE = reverse("partnerships:passkey_authentication_complete")


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def stored_passkey(user, name="Work laptop") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=os.urandom(32),
        public_key=os.urandom(77),
        sign_count=0,
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def bogus_assertion() -> dict:
    return {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {
            "clientDataJSON": "AAAA",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
        },
        "clientExtensionResults": {},
    }


def test_a_passkey_is_a_second_factor_offered_at_sign_in(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    stored_passkey(membership.user)
    sign_in(client, membership.user)
    # Someone with a passkey owes the second step, not enrolment.
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    page = client.get(VERIFY)
    content = page.content.decode()
    assert "Use a passkey" in content
    assert 'id="otp_webauthn_config"' in content
    assert "django_otp_webauthn/otp_webauthn_auth.js" in content
    config = json.loads(
        content.split('id="otp_webauthn_config" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert config["beginAuthenticationUrl"] == AUTH_BEGIN
    # The policy is the site's usual one: no inline script allowed.
    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy

    begin = post_json(client, AUTH_BEGIN)
    assert begin.status_code == 200
    options = begin.json()
    assert options["rpId"] == "testserver"
    assert len(options["allowCredentials"]) == 1


def test_the_ceremonies_refuse_anyone_not_signed_in(client):
    for url in (AUTH_BEGIN, AUTH_COMPLETE, REGISTER_BEGIN, REGISTER_COMPLETE):
        response = post_json(client, url, bogus_assertion())
        assert response.status_code == 403, url
        assert response.json()["code"] == "not_signed_in"
    assert "_auth_user_id" not in client.session


def test_adding_a_passkey_needs_the_second_factor_passed_first(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    enrol(membership.user)
    sign_in(client, membership.user)
    # The page and the endpoints are no way round the app one has.
    assert client.get(ADD).url.startswith(VERIFY)
    assert client.post(ADD, {"name": "Laptop"}).url.startswith(VERIFY)
    assert passkeys.PENDING_NAME_KEY not in client.session
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"
    assert "otp_webauthn_register_state" not in client.session


def test_a_passkey_is_named_first_and_bad_input_is_refused(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    # Not named yet: the ceremony does not start.
    response = post_json(client, REGISTER_BEGIN)
    assert response.status_code == 400
    assert "Name the passkey first" in response.json()["detail"]

    for name, message in (("   ", "Enter a name"), ("x" * 65, "at most 64")):
        page = client.post(ADD, {"name": name})
        assert page.status_code == 400
        assert message in page.content.decode()
        assert passkeys.PENDING_NAME_KEY not in client.session

    page = client.post(ADD, {"name": "  Work   laptop "})
    assert page.status_code == 200
    assert "Make the passkey" in page.content.decode()
    assert client.session[passkeys.PENDING_NAME_KEY] == "Work laptop"

    # A made-up credential: refused, nothing saved, never a 500.
    assert post_json(client, REGISTER_BEGIN).status_code == 200
    response = post_json(client, REGISTER_COMPLETE, {"id": "AAAA", "response": {}})
    assert 400 <= response.status_code < 500
    # The state is spent: completing again without beginning is refused.
    response = post_json(client, REGISTER_COMPLETE, {"id": "AAAA", "response": {}})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert not WebAuthnCredential.objects.filter(user=membership.user).exists()
    assert not SecurityEvent.objects.filter(kind=Kind.PASSKEY_ADDED).exists()


def test_a_refused_passkey_counts_as_a_wrong_code(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    stored_passkey(membership.user)
    sign_in(client, membership.user)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        begin = post_json(client, AUTH_BEGIN)
        if begin.status_code == 403:
            break
        assert begin.status_code == 200
        response = post_json(client, AUTH_COMPLETE, bogus_assertion())
        assert 400 <= response.status_code < 500
        assert client.session.get(mfa.SECOND_FACTOR_KEY) != mfa.SECOND_FACTOR_PASSED
    failures = SecurityEvent.objects.filter(kind=Kind.MFA_FAILED)
    assert failures.exists()
    assert failures.first().detail["for"] == "passkey"
    assert not SecurityEvent.objects.filter(kind=Kind.PASSKEY_USED).exists()
    # Locked out: the ceremony no longer starts.
    begin = post_json(client, AUTH_BEGIN)
    assert begin.status_code in (401, 403)


def signed_in_with_recovery_code(client, user):
    codes = mfa._recovery_codes_replace(user=user)
    sign_in(client, user)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 302
    return codes


def test_a_passkey_counts_for_keeping_a_second_factor(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    user = membership.user
    passkey = stored_passkey(user)
    app = enrol(user)
    sign_in(client, user)
    client.post(VERIFY, {"code": code_for(app)})

    page = client.get(OVERVIEW).content.decode()
    assert "Work laptop" in page and "Add a passkey" in page
    # Each factor's table row has its own remove form, with its CSRF token.
    for name, url in (
        ("partnerships:mfa_device_remove", app.pk),
        ("partnerships:mfa_passkey_remove", passkey.pk),
    ):
        action = f'<form method="post" action="{reverse(name, args=[url])}"'
        form = page[page.index(action) : page.index("</form>", page.index(action))]
        assert 'name="csrfmiddlewaretoken"' in form

    # The passkey keeps the admin's second factor: the app may go.
    client.post(reverse("partnerships:mfa_device_remove", args=[app.pk]))
    assert not app.__class__.objects.filter(pk=app.pk).exists()
    # But not the last one.
    remove = reverse("partnerships:mfa_passkey_remove", args=[passkey.pk])
    response = client.post(remove, follow=True)
    assert "add another passkey" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()

    second = stored_passkey(user, name="Phone")
    client.post(remove)
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert WebAuthnCredential.objects.filter(pk=second.pk).exists()
    event = SecurityEvent.objects.get(kind=Kind.PASSKEY_REMOVED)
    assert event.detail["name"] == "Work laptop"

    other = stored_passkey(UserFactory())
    other_remove = reverse("partnerships:mfa_passkey_remove", args=[other.pk])
    assert client.post(other_remove).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=other.pk).exists()


def test_recovery_codes_come_once_after_a_passkey_is_added(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    user = membership.user
    sign_in(client, user)
    added = reverse("partnerships:mfa_passkey_added")
    # Without a passkey just added, the page makes no codes.
    assert client.get(added).status_code == 302
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    assert not SecurityEvent.objects.filter(kind=Kind.RECOVERY_CODES_MADE).exists()


def test_removing_a_lead_s_last_passkey_removes_the_recovery_codes(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    user = membership.user
    passkey = stored_passkey(user)
    signed_in_with_recovery_code(client, user)
    client.post(reverse("partnerships:mfa_passkey_remove", args=[passkey.pk]))
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    assert not mfa.has_second_factor(user)


def test_the_passkey_scripts_speak_welsh(client):
    english = client.get(reverse("partnerships:passkey_javascript_catalog"))
    assert english.status_code == 200
    assert "Wedi dilysu" not in english.content.decode()
    with translation.override("cy"):
        url = reverse("partnerships:passkey_javascript_catalog")
    assert url.startswith("/cy/")
    welsh = client.get(url).content.decode()
    assert "Wedi dilysu!" in welsh
    assert "Creu allwedd mynediad" in welsh


def test_staff_remove_a_lost_passkey_in_the_admin_site_and_it_is_recorded(
    client, clock
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    lead = MembershipFactory(role=Role.LEAD).user
    passkey = stored_passkey(lead)
    base = f"{settings.ADMIN_URL_PREFIX}django_otp_webauthn/webauthncredential/"
    page = client.get(f"{base}{passkey.pk}/change/")
    assert page.status_code == 200
    # Nothing to edit: no rename or disable behind the person's back.
    assert client.post(f"{base}{passkey.pk}/change/", {"name": "x"}).status_code == 403
    response = client.post(f"{base}{passkey.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    event = SecurityEvent.objects.get(kind=Kind.PASSKEY_REMOVED)
    assert event.actor == staff and event.email == lead.email
    assert event.detail["by"] == "admin site"


@pytest.mark.parametrize(
    "refusal",
    ["CredentialNotFound", "CredentialUserMismatch", "InvalidState", "UserDisabled"],
)
def test_the_passkey_packages_refusals_reach_a_welsh_reader_in_welsh(refusal):
    """django-otp-webauthn ships no Welsh: its refusals are in our catalogue
    (partnerships/webauthn_messages.py)."""
    from django_otp_webauthn import exceptions

    error_class = getattr(exceptions, refusal)
    with translation.override("en-gb"):
        english = str(error_class.default_detail)
    with translation.override("cy"):
        welsh = str(error_class.default_detail)
    assert welsh != english
