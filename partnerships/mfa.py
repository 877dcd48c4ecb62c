"""Multi-factor authentication: who must have a second factor, enrolling an
authenticator app, recovery codes, and passing the second factor at sign-in.

The devices are django-otp's: ``TOTPDevice`` (an authenticator app),
``WebAuthnCredential`` (a passkey, django-otp-webauthn's; see passkeys.py)
and ``RecoveryCodeDevice`` (single-use codes, kept as digests). A session that
passed a second factor says so (``SECOND_FACTOR_KEY``) and carries
django-otp's device id; the ``SecondFactorMiddleware`` sends a session that
has not, but must, to the verify or the enrolment page.
"""

import secrets
import time
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import passkeys, tenancy
from .models import (
    Membership,
    RecoveryCodeDevice,
    Role,
    SecurityEventKind,
    User,
    recovery_code_digest,
)
from .security import security_event_record

RECOVERY_CODE_COUNT = 10
# 12 characters of a 32-letter alphabet without look-alikes: 60 bits.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12
# Session keys: when the person last proved who they are (password, and
# code if enrolled), for re-authentication before sensitive actions.
AUTHENTICATED_AT_KEY = "civic_authenticated_at"
# Marks the credentials of a failed code (user_login_failed), so the lockout
# counts it and the security log records it as a wrong code.
SECOND_FACTOR_CREDENTIAL = "second_factor"
# What a signed-in session still owes, decided at sign-in (signin.py) and kept
# in the session, so that no request needs a query to know: "verify"
# (enrolled: give a code), "enrol" (must have a second factor and has none),
# "none" (need not), or "passed" (gave one). django-otp's OTPMiddleware would
# load the device on every request instead; a device removed in the admin
# site therefore ends nothing but later sign-ins (and the idle timeout, 30
# minutes for admins, ends the session soon enough).
SECOND_FACTOR_KEY = "civic_second_factor"
SECOND_FACTOR_VERIFY = "verify"
SECOND_FACTOR_ENROL = "enrol"
SECOND_FACTOR_NONE = "none"
SECOND_FACTOR_PASSED = "passed"


def mfa_required(user: User) -> bool:
    """Whether this person must use a second factor: platform staff, anyone
    who administers a partnership, and every member of a partnership that
    asks it of all its members (unless the setting lifts it)."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Memberships are visible to their own user (row-level security).
    with tenancy.scope(user_id=user.pk):
        return (
            Membership.objects.filter(user=user)
            .filter(
                Q(role=Role.ADMIN) | Q(partnership__members_need_second_factor=True)
            )
            .exists()
        )


def membership_needs_second_factor(membership: Membership | None) -> bool:
    """Whether this partnership's pages ask a second factor of this member."""
    if membership is None or not settings.MFA_REQUIRED:
        return False
    return (
        membership.role == Role.ADMIN
        or membership.partnership.members_need_second_factor
    )


def second_factor_owed(user: User) -> str:
    if has_second_factor(user):
        return SECOND_FACTOR_VERIFY
    if mfa_required(user):
        return SECOND_FACTOR_ENROL
    return SECOND_FACTOR_NONE


def session_verified(request) -> bool:
    """Whether this session passed a second factor."""
    return request.session.get(SECOND_FACTOR_KEY) == SECOND_FACTOR_PASSED


def _session_passed(request, device: Device) -> None:
    otp_login(request, device)
    request.session[SECOND_FACTOR_KEY] = SECOND_FACTOR_PASSED
    authenticated_now(request)


def totp_device_list(*, user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def recovery_device_get(*, user: User) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey (recovery codes only back them up)."""
    return TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).exists() or passkeys.has_passkey(user)


def has_authenticator_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_count(user: User) -> int:
    """How many apps and passkeys the person has."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).count() + len(
        passkeys.passkey_list(user=user)
    )


def session_passed(request, device: Device) -> None:
    """The session has just passed its second factor with this device."""
    _session_passed(request, device)


def authenticated_now(request) -> None:
    """Stamp the session: its person has just proved who they are."""
    request.session[AUTHENTICATED_AT_KEY] = int(time.time())


def authenticated_recently(request) -> bool:
    at = request.session.get(AUTHENTICATED_AT_KEY)
    if at is None:
        return False
    return time.time() - at <= settings.REAUTHENTICATION_MINUTES * 60


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator app being added: an unconfirmed device, the same one
    on every visit of the page until it is confirmed with a code."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Authenticator app"), confirmed=False
        )
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no image
    request: nothing the content security policy has to allow)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)


def _normalise_code(code: str) -> str:
    return "".join(str(code).split())


def _recovery_codes_replace(*, user: User) -> list[str]:
    codes = [
        "".join(
            secrets.choice(RECOVERY_CODE_ALPHABET)
            for _position in range(RECOVERY_CODE_LENGTH)
        )
        for _code in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCodeDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.create(
        user=user,
        name=_("Recovery codes"),
        confirmed=True,
        digests=[recovery_code_digest(code) for code in codes],
    )
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


@transaction.atomic
def totp_device_confirm(
    *, request, user: User, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the app being added with a code it shows. The session then
    counts as verified. Returns new recovery codes (to show once) when the
    person had none, an empty list when they keep theirs."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"code": _("Start adding the app again.")})
    code = _normalise_code(code)
    if not (code.isdecimal() and len(code) == device.digits):
        raise ValidationError(
            {"code": _("Enter the 6-digit code your app shows, without spaces.")}
        )
    if not device.verify_is_allowed()[0] or not device.verify_token(code):
        raise ValidationError(
            {
                "code": _(
                    "That code does not match. Check the app's clock and enter "
                    "the code it shows now."
                )
            }
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_event_record(
        kind=SecurityEventKind.MFA_ENROLLED,
        actor=user,
        request=request,
        detail={"device": device.persistent_id},
    )
    _session_passed(request, device)
    if recovery_device_get(user=user) is not None:
        return []
    codes = _recovery_codes_replace(user=user)
    security_event_record(
        kind=SecurityEventKind.RECOVERY_CODES_MADE, actor=user, request=request
    )
    return codes


@transaction.atomic
def recovery_codes_after_passkey(*, request, user: User) -> list[str]:
    """Once, after a passkey is added: recovery codes (to show once) for
    someone who has none, so that losing the passkey does not lock them out.
    An empty list otherwise."""
    if not request.session.pop(passkeys.CODES_DUE_KEY, False):
        return []
    if recovery_device_get(user=user) is not None or not has_second_factor(user):
        return []
    codes = _recovery_codes_replace(user=user)
    security_event_record(
        kind=SecurityEventKind.RECOVERY_CODES_MADE, actor=user, request=request
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, request, user: User) -> list[str]:
    """New recovery codes (the old ones stop working), to show once."""
    if not has_second_factor(user):
        raise ValidationError(_("Add an authenticator app or a passkey first."))
    codes = _recovery_codes_replace(user=user)
    security_event_record(
        kind=SecurityEventKind.RECOVERY_CODES_MADE, actor=user, request=request
    )
    return codes


@transaction.atomic
def totp_device_remove(*, request, user: User, device_id: int) -> TOTPDevice:
    """Remove one of the person's authenticator apps. Someone who must have a
    second factor keeps at least one; removing the last one of someone who
    need not also removes the recovery codes."""
    device = TOTPDevice.objects.select_for_update().get(
        user=user, confirmed=True, pk=device_id
    )
    # Another app or a passkey keeps the second factor.
    others = second_factor_count(user) - 1
    if others < 1 and mfa_required(user):
        raise ValidationError(
            _(
                "Your role requires a second factor: add another authenticator "
                "app before removing this one."
            )
        )
    device.delete()
    if others < 1:
        RecoveryCodeDevice.objects.filter(user=user).delete()
    security_event_record(
        kind=SecurityEventKind.MFA_REMOVED,
        actor=user,
        request=request,
        detail={"device": f"otp_totp.totpdevice/{device_id}"},
    )
    return device


def is_locked_out(request, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.email})


def _record_failure(request, user: User, reason: str) -> None:
    """A wrong code counts as a failed sign-in (django-axes locks the account
    and the address out after as many failures as wrong passwords do) and is
    logged as a wrong code."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.email, SECOND_FACTOR_CREDENTIAL: reason},
        request=request,
    )


record_failure = _record_failure


def code_verify(*, request, user: User, code: str, purpose: str) -> Device | None:
    """Check a code from an authenticator app or a recovery code. On success
    the session counts as verified and freshly authenticated; on failure the
    failure is counted and logged. Returns the device that accepted it."""
    code = _normalise_code(code)
    device: Device | None = None
    if code.isdecimal():
        for candidate in totp_device_list(user=user):
            # django-otp's own throttle: each failure doubles the wait.
            if candidate.verify_is_allowed()[0] and candidate.verify_token(code):
                device = candidate
                break
    elif code:
        recovery = recovery_device_get(user=user)
        if recovery is not None and recovery.verify_token(code):
            device = recovery
            security_event_record(
                kind=SecurityEventKind.RECOVERY_CODE_USED,
                actor=user,
                request=request,
                detail={"left": len(recovery.digests)},
            )
    if device is None:
        _record_failure(request, user, purpose)
        return None
    _session_passed(request, device)
    return device


def recovery_codes_left(user: User) -> int | None:
    device = recovery_device_get(user=user)
    return None if device is None else len(device.digests)
