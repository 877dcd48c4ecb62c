"""Second factors in tests: an enrolled authenticator app, the codes it would
show, and a test client's sign-in that includes the second factor."""

import time
from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.mfa import (
    SECOND_FACTOR_KEY,
    SECOND_FACTOR_NONE,
    SECOND_FACTOR_PASSED,
    second_factor_owed,
)

# Django's own force_login: a password sign-in and nothing more.
password_only_force_login = Client.force_login


def enrol(user, name: str = "Test phone") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def code_at(key: bytes, when: float, *, step: int = 30, drift: int = 0) -> str:
    """The 6-digit code an authenticator app holding ``key`` shows at ``when``
    (RFC 6238, computed by django-otp's own TOTP)."""
    totp = TOTP(key, step=step, drift=drift)
    totp.time = when
    return f"{totp.token():06d}"


def code_for(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or (signing in
    again within the same 30 seconds, whose code is spent) the next step's,
    which the device's tolerance of one step admits."""
    device.refresh_from_db()
    now = time.time()
    current = (int(now) - device.t0) // device.step
    when = now if current > device.last_t else now + device.step
    return code_at(device.bin_key, when, step=device.step, drift=device.drift)


def code_for_secret(secret: str, when: float | None = None) -> str:
    """The code for a key as the enrolment page shows it (base32 in groups)."""
    text = "".join(secret.split()).upper()
    key = b32decode(text + "=" * (-len(text) % 8))
    return code_at(key, time.time() if when is None else when)


def force_login_with_second_factor(self, user, backend=None):
    """force_login standing for a whole sign-in: the password and, for
    someone who owes one, the second factor (their app enrolled if need be).
    Tests of the requirement itself sign in through the pages, or with
    ``password_only_force_login``."""
    password_only_force_login(self, user, backend)
    if second_factor_owed(user) == SECOND_FACTOR_NONE:
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SECOND_FACTOR_KEY] = SECOND_FACTOR_PASSED
    session.save()
