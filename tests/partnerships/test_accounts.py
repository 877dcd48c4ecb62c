"""Sign-in lockout, idle sessions and password rules (issue 17, Deliver 1)."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partnerships.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-ins"


def without_tokens(response) -> str:
    """The page without its per-request CSRF tokens."""
    page = response.content.decode()
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def sign_in(client, email, password, **extra):
    return client.post(
        reverse("login"), {"username": email, "password": password}, **extra
    )


def test_fifty_wrong_passwords_lock_the_account_even_against_the_right_one(
    client, clock
):
    user = MembershipFactory().user
    answers = [sign_in(client, user.email, f"wrong-{n}") for n in range(50)]
    assert [a.status_code for a in answers[: settings.AXES_FAILURE_LIMIT - 1]] == [
        200
    ] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_holds_from_another_address_and_ends_after_the_cool_off(
    client, clock
):
    user = MembershipFactory().user
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, f"wrong-{n}")
    # The account is locked, wherever the next attempt comes from.
    response = sign_in(client, user.email, PASSWORD, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    clock.shift(datetime.timedelta(minutes=settings.AXES_COOLOFF_MINUTES - 1))
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=2))
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_one_address_trying_many_accounts_is_locked_out(client, clock):
    user = MembershipFactory().user
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"nobody-{n}@example.org", "guess-guess-guess")
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    # Another address is not held back by this one's failures.
    assert (
        sign_in(client, user.email, PASSWORD, REMOTE_ADDR="192.0.2.9").status_code
        == 302
    )


def test_an_unknown_email_gets_the_same_answers_as_a_known_one(client, clock):
    user = MembershipFactory().user
    known, unknown = [], []
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        known.append(sign_in(client, user.email, f"wrong-{n}", REMOTE_ADDR="192.0.2.1"))
        unknown.append(
            sign_in(client, "nobody@example.org", f"wrong-{n}", REMOTE_ADDR="192.0.2.2")
        )
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    for a, b in zip(known, unknown, strict=True):
        page_a = without_tokens(a).replace(user.email, "EMAIL")
        page_b = without_tokens(b).replace("nobody@example.org", "EMAIL")
        assert page_a == page_b
    assert LOCKED in unknown[-1].content.decode()


def test_the_email_s_case_and_spaces_do_not_dodge_the_count(client, clock):
    user = MembershipFactory().user
    for n in range(settings.AXES_FAILURE_LIMIT):
        typed = f" {user.email.upper()} " if n % 2 else user.email
        sign_in(client, typed, f"wrong-{n}", REMOTE_ADDR=f"192.0.2.{n + 1}")
    response = sign_in(client, user.email, PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429


def test_the_admin_site_s_sign_in_is_locked_out_too(client, clock):
    user = UserFactory(is_staff=True, is_superuser=True)
    url = settings.ADMIN_URL_PREFIX + "login/"
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": user.email, "password": f"wrong-{n}"})
    response = client.post(url, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_a_right_password_clears_the_account_s_failures(client, clock):
    user = MembershipFactory().user
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.email, f"wrong-{n}")
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.email, f"wrong-{n}")
    assert sign_in(client, user.email, PASSWORD).status_code == 302


# Idle sessions


def signed_in(client, role):
    membership = MembershipFactory(role=role)
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize(
    ("role", "minutes"),
    [(Role.ADMIN, 30), (Role.LEAD, 8 * 60), (Role.VIEWER, 8 * 60)],
)
def test_an_idle_session_ends_after_its_role_s_limit(client, clock, role, minutes):
    membership = signed_in(client, role)
    home = reverse("partnerships:home")
    clock.shift(datetime.timedelta(minutes=minutes - 1))
    assert client.get(home).status_code == 302  # to the partnership: signed in
    assert client.session["_auth_user_id"] == str(membership.user.pk)
    # Activity restarts the count.
    clock.shift(datetime.timedelta(minutes=minutes - 1))
    assert client.get(home)["Location"] == f"/p/{membership.partnership.slug}/"
    clock.shift(datetime.timedelta(minutes=minutes + 1))
    response = client.get(home, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert (
        f"You were signed out after {minutes} minutes without activity."
        in response.content.decode()
    )


def test_platform_staff_have_the_admins_limit(client, clock):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(reverse("partnerships:home"))
    assert response["Location"].startswith(reverse("login"))


def test_the_limits_come_from_the_settings(client, clock, settings):
    settings.IDLE_TIMEOUT_MINUTES = 5
    signed_in(client, Role.LEAD)
    clock.shift(datetime.timedelta(minutes=6))
    response = client.get(reverse("partnerships:home"), follow=True)
    assert "signed out after 5 minutes without activity" in response.content.decode()


def test_signing_in_through_the_form_stamps_the_admin_limit(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    assert sign_in(client, membership.user.email, PASSWORD).status_code == 302
    assert client.session["civic_idle_limit_minutes"] == 30


# Passwords


def test_passwords_need_twelve_characters_and_nothing_else(db):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        password_validation.validate_password("tiny-words9")
    # No composition rules: a long lower-case passphrase is fine.
    password_validation.validate_password("purple tractor evening")


def test_common_and_breached_passwords_are_refused(db):
    for password in ("password1234", "qwertyuiop123", "qwerty123456", "administrator"):
        with pytest.raises(ValidationError):
            password_validation.validate_password(password)


def test_the_minimum_length_is_settable(settings):
    assert settings.PASSWORD_MIN_LENGTH == 12
    validators = password_validation.get_password_validators(
        [
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 16},
            }
        ]
    )
    with pytest.raises(ValidationError):
        password_validation.validate_password("fifteen-chars!!", None, validators)


def test_a_reset_refuses_the_current_password(client):
    user = MembershipFactory().user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]
    response = client.post(
        form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "different from your current one" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    new = "a whole new passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_change_refuses_the_current_password(client):
    user = MembershipFactory().user
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "different from your current one" in response.content.decode()


def test_an_idle_session_s_api_call_is_answered_by_the_api(client, clock):
    membership = signed_in(client, Role.ADMIN)
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get("/api/v1/partnerships/")
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session
    client.force_login(membership.user)
    assert client.get("/api/v1/partnerships/").status_code == 200


def test_platform_staff_lift_a_lockout_in_the_admin_site(client, clock):
    from axes.models import AccessAttempt

    user = MembershipFactory().user
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, f"wrong-{n}")
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = settings.ADMIN_URL_PREFIX + "axes/accessattempt/"
    assert user.email in staff.get(changelist).content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = staff.post(
        changelist,
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert sign_in(client, user.email, PASSWORD).status_code == 302
