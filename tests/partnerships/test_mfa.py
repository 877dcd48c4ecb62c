"""Multi-factor authentication and re-authentication (issue 17, Deliver 1).

Everyone here signs in through the sign-in page, as a person would: the
suite's force_login (tests/mfa.py) would pass the second factor for them.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.models import (
    ApiToken,
    RecoveryCodeDevice,
    Role,
    SecurityEvent,
    SecurityEventKind,
)
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.mfa import code_at, code_for, code_for_secret, enrol

pytestmark = pytest.mark.django_db

Kind = SecurityEventKind
VERIFY = reverse("partnerships:mfa_verify")
ENROL = reverse("partnerships:mfa_enrol")
CONFIRM = reverse("partnerships:reauthenticate")
TOKENS = reverse("partnerships:api_tokens")


def sign_in(client, user, password=PASSWORD, url=None, **extra):
    return client.post(
        url or reverse("login"),
        {"username": user.email, "password": password},
        **extra,
    )


def admin_membership():
    return MembershipFactory(role=Role.ADMIN)


def secret_on(page: str) -> str:
    return re.search(r'id="mfa-secret"[^>]*value="([A-Z2-7 ]+)"', page).group(1)


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)


def test_an_admin_enrols_an_app_at_first_sign_in(client, clock):
    membership = admin_membership()
    user = membership.user
    response = sign_in(client, user)
    # Wherever the sign-in sends them, enrolment comes first.
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)

    page = client.get(ENROL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    secret = secret_on(content)

    response = client.post(ENROL, {"code": code_for_secret(secret), "next": "/"})
    assert response.status_code == 200
    codes = recovery_codes_on(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    # Only digests are kept.
    stored = RecoveryCodeDevice.objects.get(user=user).digests
    assert len(stored) == 10
    assert not any(code.replace("-", "") in "".join(stored) for code in codes)
    assert SecurityEvent.objects.filter(kind=Kind.MFA_ENROLLED, actor=user).exists()
    assert SecurityEvent.objects.filter(
        kind=Kind.RECOVERY_CODES_MADE, actor=user
    ).exists()
    # Enrolled and verified: the partnership's pages open.
    dashboard = client.get(membership.partnership.get_absolute_url())
    assert dashboard.status_code == 200


def test_a_wrong_enrolment_code_is_refused_beside_the_field(client, clock):
    user = admin_membership().user
    sign_in(client, user)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "12345"})
    assert response.status_code == 400
    assert "6-digit code" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "partnership",
        TOKENS,
        reverse("partnerships:mfa_overview"),
        reverse("password_change"),
    ],
)
def test_an_admin_without_an_app_is_sent_to_enrol_from_every_page(client, clock, path):
    membership = admin_membership()
    sign_in(client, membership.user)
    if path == "partnership":
        path = membership.partnership.get_absolute_url()
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)
    assert "next=" in response.url


def test_platform_staff_must_enrol_before_the_admin_site(client, clock):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff, url=settings.ADMIN_URL_PREFIX + "login/")
    response = client.get(settings.ADMIN_URL_PREFIX)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_a_session_owing_a_second_factor_is_signed_out_to_the_api(client, clock):
    membership = admin_membership()
    sign_in(client, membership.user)
    response = client.get(reverse("api:partnership_list"))
    assert response.status_code in (401, 403)


def test_a_lead_is_not_required_to_enrol(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    response = client.get(membership.partnership.get_absolute_url())
    assert response.status_code == 200


def test_a_lead_who_enrolled_gives_a_code_at_sign_in(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    device = enrol(membership.user)
    sign_in(client, membership.user)
    response = client.get(membership.partnership.get_absolute_url())
    assert response.url.startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    assert client.get(membership.partnership.get_absolute_url()).status_code == 200


def test_a_lead_made_admin_mid_session_enrols_before_the_partnership(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    membership.role = Role.ADMIN
    membership.save()
    response = client.get(membership.partnership.get_absolute_url())
    assert response.url.startswith(ENROL)


def test_an_enrolled_admin_signs_in_with_a_code(client, clock):
    membership = admin_membership()
    device = enrol(membership.user)
    response = sign_in(client, membership.user)
    response = client.get(response.url)
    assert response.url.startswith(VERIFY)
    # Adding another app is no way round the code.
    assert client.get(ENROL).url.startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    response = client.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    assert client.get(membership.partnership.get_absolute_url()).status_code == 200


def test_a_wrong_code_is_refused_and_logged(client, clock):
    membership = admin_membership()
    device = enrol(membership.user)
    sign_in(client, membership.user)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    event = SecurityEvent.objects.get(kind=Kind.MFA_FAILED)
    assert event.email == membership.user.email
    assert event.detail["for"] == "sign_in"
    assert client.get(membership.partnership.get_absolute_url()).status_code == 302


def test_wrong_codes_lock_the_account_out(client, clock):
    membership = admin_membership()
    enrol(membership.user)
    sign_in(client, membership.user)
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(VERIFY, {"code": f"{n:06d}"})
        # django-otp's own throttle doubles the wait after each failure.
        clock.shift(datetime.timedelta(seconds=2**n))
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # And the password alone no longer lets them in.
    assert sign_in(client, membership.user).status_code == 429
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT).exists()


def test_a_recovery_code_works_once(client, clock):
    membership = admin_membership()
    user = membership.user
    sign_in(client, user)
    secret = secret_on(client.get(ENROL).content.decode())
    page = client.post(ENROL, {"code": code_for_secret(secret)})
    code = recovery_codes_on(page.content.decode())[0]
    client.post(reverse("logout"))

    sign_in(client, user)
    response = client.post(VERIFY, {"code": code.upper(), "next": "/"})
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(
        kind=Kind.RECOVERY_CODE_USED, actor=user, detail__left=9
    ).exists()
    client.post(reverse("logout"))

    sign_in(client, user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert SecurityEvent.objects.filter(kind=Kind.MFA_FAILED).count() == 1


def test_the_demo_lifts_the_requirement_and_says_so(client, clock, settings):
    settings.MFA_REQUIRED = False
    membership = admin_membership()
    page = client.get(reverse("login"))
    assert "sign in with a password alone" in page.content.decode()
    sign_in(client, membership.user)
    assert client.get(membership.partnership.get_absolute_url()).status_code == 200


def test_the_sign_in_page_says_nothing_of_the_demo_in_production(client):
    page = client.get(reverse("login"))
    assert "password alone" not in page.content.decode()


def signed_in_admin_with_app(client):
    membership = admin_membership()
    device = enrol(membership.user)
    sign_in(client, membership.user)
    client.post(VERIFY, {"code": code_for(device)})
    return membership, device


def test_an_old_sign_in_must_be_confirmed_before_making_a_token(client, clock):
    membership, device = signed_in_admin_with_app(client)
    assert client.post(TOKENS, {"name": "fresh"}).status_code == 200
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))

    response = client.post(TOKENS, {"name": "stale"}, HTTP_REFERER="http://testserver/")
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)
    assert not ApiToken.objects.filter(name="stale").exists()

    # The password alone is not enough for someone enrolled.
    page = client.get(response.url)
    assert 'name="code"' in page.content.decode()
    refused = client.post(CONFIRM, {"password": "wrong-password", "code": "000000"})
    assert refused.status_code == 400
    assert "That password is not right" in refused.content.decode()

    response = client.post(
        CONFIRM, {"password": PASSWORD, "code": code_for(device), "next": TOKENS}
    )
    assert response.status_code == 302 and response.url == TOKENS
    assert SecurityEvent.objects.filter(kind=Kind.REAUTHENTICATED).exists()
    assert client.post(TOKENS, {"name": "stale"}).status_code == 200
    assert ApiToken.objects.filter(name="stale").exists()


def test_a_lead_confirms_with_the_password_alone(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    assert client.post(TOKENS, {"name": "x"}).url.startswith(CONFIRM)
    page = client.get(CONFIRM)
    assert 'name="code"' not in page.content.decode()
    response = client.post(CONFIRM, {"password": PASSWORD})
    assert response.status_code == 302
    assert client.post(TOKENS, {"name": "x"}).status_code == 200


@pytest.mark.parametrize(
    "name, method",
    [
        ("kpis:quarter_lock", "post"),
        ("kpis:quarter_reopen", "post"),
        ("exchange:values_export", "get"),
        ("exchange:framework_export", "get"),
    ],
)
def test_locking_reopening_and_exports_need_a_recent_sign_in(
    client, clock, name, method
):
    membership, _device = signed_in_admin_with_app(client)
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    url = reverse(name, kwargs={"slug": membership.partnership.slug})
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)


def test_the_password_change_needs_a_recent_sign_in(client, clock):
    membership = MembershipFactory(role=Role.VIEWER)
    sign_in(client, membership.user)
    assert client.get(reverse("password_change")).status_code == 200
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    assert client.get(reverse("password_change")).url.startswith(CONFIRM)


def test_an_admin_cannot_remove_the_last_app_but_can_replace_it(client, clock):
    membership, device = signed_in_admin_with_app(client)
    remove = reverse("partnerships:mfa_device_remove", args=[device.pk])
    response = client.post(remove, follow=True)
    assert "add another authenticator app" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    second = enrol(membership.user, name="New phone")
    client.post(remove)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.filter(pk=second.pk).exists()
    assert SecurityEvent.objects.filter(kind=Kind.MFA_REMOVED).exists()


def test_removing_an_app_or_making_codes_needs_a_recent_sign_in(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    device = enrol(membership.user)
    sign_in(client, membership.user)
    client.post(VERIFY, {"code": code_for(device)})
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    remove = reverse("partnerships:mfa_device_remove", args=[device.pk])
    regenerate = reverse("partnerships:mfa_recovery_regenerate")
    assert client.post(remove).url.startswith(CONFIRM)
    assert client.post(regenerate).url.startswith(CONFIRM)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    client.post(CONFIRM, {"password": PASSWORD, "code": code_for(device)})
    page = client.post(regenerate)
    assert len(recovery_codes_on(page.content.decode())) == 10
    # A lead need not keep a second factor.
    client.post(remove)
    assert not TOTPDevice.objects.filter(user=membership.user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=membership.user).exists()


def test_someone_else_s_app_is_404(client, clock):
    _membership, _device = signed_in_admin_with_app(client)
    other = enrol(UserFactory())
    remove = reverse("partnerships:mfa_device_remove", args=[other.pk])
    assert client.post(remove).status_code == 404


def test_the_code_is_rfc_6238(db):
    # RFC 6238's SHA-1 test vector at T = 59 s (8 digits 94287082).
    assert code_at(b"12345678901234567890", 59) == "287082"


def test_a_change_in_the_admin_site_needs_a_recent_sign_in(client, clock):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    add = settings.ADMIN_URL_PREFIX + "partnerships/organisation/add/"
    assert client.get(add).status_code == 200
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    # Reading still works; a change asks for the password (and code) first.
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"name": "Nope"}, HTTP_REFERER="http://testserver" + add
    )
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)


def test_staff_remove_a_lost_app_in_the_admin_site_without_seeing_its_key(
    client, clock
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    lead = MembershipFactory(role=Role.LEAD).user
    device = enrol(lead)
    change = f"{settings.ADMIN_URL_PREFIX}otp_totp/totpdevice/{device.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    delete = f"{settings.ADMIN_URL_PREFIX}otp_totp/totpdevice/{device.pk}/delete/"
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = SecurityEvent.objects.get(kind=Kind.MFA_REMOVED)
    assert event.actor == staff and event.email == lead.email
