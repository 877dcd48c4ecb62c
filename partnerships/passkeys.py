"""Passkeys (WebAuthn) as a second factor, beside authenticator apps and
recovery codes: django-otp-webauthn's credentials (a django-otp ``Device``)
and ceremonies, with our relying party, our session flag and our security
events.

A passkey is a second factor only: the password comes first
(``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off), and using one passes the
second step as a code from the app does.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from .models import RecoveryCodeDevice, SecurityEventKind, User
from .security import security_event_record

NAME_MAX_LENGTH = 64
# The name given on the page, kept in the session until the browser has made
# the passkey (the package's script posts only the credential).
PENDING_NAME_KEY = "civic_passkey_name"
# Set when a passkey is added: the page the script goes to next shows the
# first recovery codes once, if the person has none (mfa.py).
CODES_DUE_KEY = "civic_passkey_codes_due"


def relying_party_id(request: HttpRequest) -> str:
    """The domain passkeys belong to: CIVIC_WEBAUTHN_RP_ID, or the host the
    request came to (without its port)."""
    if settings.WEBAUTHN_RP_ID:
        return settings.WEBAUTHN_RP_ID
    host = request.get_host()
    if host.startswith("["):
        return host[1 : host.index("]")]
    return host.rsplit(":", 1)[0] if ":" in host else host


class PasskeyHelper(WebAuthnHelper):
    """The origins a passkey may answer from: CIVIC_WEBAUTHN_ORIGINS, or the
    request's own scheme and host."""

    def get_allowed_origins(self) -> list[str]:
        if settings.WEBAUTHN_ORIGINS:
            return list(settings.WEBAUTHN_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]


def passkey_list(*, user: User) -> list[WebAuthnCredential]:
    return list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")
    )


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkey_name_clean(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError(
            {"name": _("Enter a name for the passkey, such as the device it is on.")}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Enter a name of at most %(limit)d characters.")
                % {"limit": NAME_MAX_LENGTH}
            }
        )
    return name


def passkey_added(*, request, device: WebAuthnCredential) -> None:
    """Name the passkey the browser has just made and record it."""
    name = request.session.pop(PENDING_NAME_KEY, "") or _("Passkey")
    device.name = name
    device.save(update_fields=["name"])
    request.session[CODES_DUE_KEY] = True
    security_event_record(
        kind=SecurityEventKind.PASSKEY_ADDED,
        actor=device.user,
        request=request,
        detail={"device": device.persistent_id, "name": name},
    )


def passkey_used(*, request, device: WebAuthnCredential) -> None:
    security_event_record(
        kind=SecurityEventKind.PASSKEY_USED,
        actor=device.user,
        request=request,
        detail={"device": device.persistent_id},
    )


@transaction.atomic
def passkey_remove(*, request, user: User, device_id: int) -> WebAuthnCredential:
    """Remove one of the person's passkeys. Someone who must have a second
    factor keeps at least one (an app or a passkey); removing the last one of
    someone who need not also removes the recovery codes."""
    from . import mfa

    device = WebAuthnCredential.objects.select_for_update().get(
        user=user, confirmed=True, pk=device_id
    )
    others = mfa.second_factor_count(user) - 1
    if others < 1 and mfa.mfa_required(user):
        raise ValidationError(
            _(
                "Your role requires a second factor: add another passkey or an "
                "authenticator app before removing this one."
            )
        )
    name = device.name
    device.delete()
    if others < 1:
        RecoveryCodeDevice.objects.filter(user=user).delete()
    security_event_record(
        kind=SecurityEventKind.PASSKEY_REMOVED,
        actor=user,
        request=request,
        detail={
            "device": f"django_otp_webauthn.webauthncredential/{device_id}",
            "name": name,
        },
    )
    return device
