"""The WebAuthn ceremonies' JSON endpoints: django-otp-webauthn's views, with
our session flag, our refusals and our security events.

- Registration needs a signed-in person who has passed the second factor
  (or has none yet) and has named the passkey on the page.
- Authentication is the second step only: a signed-in session that owes its
  second factor (never a sign-in without a password), not locked out; a
  refused passkey counts towards the lockout like a wrong code.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
    _get_pywebauthn_logger,
)

from . import mfa, passkeys
from .models import SecurityEventKind
from .security import security_event_record


class NotSignedIn(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "not_signed_in"


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "locked_out"


class PasskeyRefused(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "passkey_refused"


class _Registration:
    def initial(self, request, *args, **kwargs):
        # Before the package's own check, for a message in the person's
        # language.
        if not request.user.is_authenticated:
            raise NotSignedIn(detail=_("Sign in with your password first."))
        super().initial(request, *args, **kwargs)

    def _check_user_verified(self, user) -> None:
        # The package asks django-otp's OTPMiddleware (user.is_verified);
        # our session says instead (partnerships.mfa).
        if not mfa.session_verified(self.request) and mfa.has_second_factor(user):
            raise exceptions.NotVerified(
                detail=_(
                    "Give your code or use a passkey you have before adding "
                    "another passkey."
                )
            )

    def check_can_register(self) -> None:
        if not self.request.session.get(passkeys.PENDING_NAME_KEY):
            raise exceptions.InvalidState(
                detail=_("Name the passkey first, then add it.")
            )


class PasskeyRegistrationBegin(_Registration, BeginCredentialRegistrationView):
    pass


class PasskeyRegistrationComplete(_Registration, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        helper = self.get_helper()
        with exceptions_rewritten():
            device = helper.register_complete(
                user=user, state=state, data=self.request.data
            )
        passkeys.passkey_added(request=self.request, device=device)
        if not mfa.session_verified(self.request):
            # Adding a first passkey passes the second step, as confirming a
            # first authenticator app does.
            mfa.session_passed(self.request, device)
        return JsonResponse({"id": device.pk})


class _Authentication:
    def get_user(self):
        user = self.request.user
        return user if user.is_authenticated else None

    def check_can_authenticate(self) -> None:
        user = self.get_user()
        if user is None or not user.is_active:
            raise NotSignedIn(detail=_("Sign in with your password first."))
        if mfa.is_locked_out(self.request, user):
            raise LockedOut(
                detail=_(
                    "Too many failed attempts: sign-in is paused for this "
                    "account. Try again later."
                )
            )


class PasskeyAuthenticationBegin(_Authentication, BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationComplete(
    _Authentication, CompleteCredentialAuthenticationView
):
    def post(self, *args, **kwargs):
        try:
            return super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError:
            mfa.record_failure(self.request, self.request.user, "passkey")
            raise

    def check_device_usable(self, device) -> None:
        super().check_device_usable(device)
        if device.user_id != self.request.user.pk:
            raise PasskeyRefused(detail=_("That passkey is not one of yours."))

    def complete_auth(self, device):
        # A session that had passed already is confirming who it is again
        # before a sensitive action (the reauthenticate page).
        again = mfa.session_verified(self.request)
        mfa.session_passed(self.request, device)
        passkeys.passkey_used(request=self.request, device=device)
        if again:
            security_event_record(
                kind=SecurityEventKind.REAUTHENTICATED,
                actor=device.user,
                request=self.request,
                detail={"with": "passkey"},
            )
        return device.user


def exceptions_rewritten():
    """The package's translation of py_webauthn's errors into API errors."""
    return rewrite_exceptions(logger=_get_pywebauthn_logger())
