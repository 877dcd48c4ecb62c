"""What happens when someone signs in: Django's and django-axes' sign-in
signals are the only hook into their login views (the site's and the admin
site's), so the receivers here are connected in PartnershipsConfig.ready."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from .backends import login_username
from .mfa import (
    SECOND_FACTOR_CREDENTIAL,
    SECOND_FACTOR_KEY,
    authenticated_now,
    second_factor_owed,
)
from .middleware import session_start
from .models import SecurityEventKind
from .security import security_event_record


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    session_start(request, user)
    # Which second factor the session still owes (none, a code, or enrolment):
    # the SecondFactorMiddleware holds it at that page until then.
    request.session[SECOND_FACTOR_KEY] = second_factor_owed(user)
    authenticated_now(request)
    # A test client's force_login has a bare request: no address, no path.
    if "REMOTE_ADDR" in request.META:
        security_event_record(
            kind=SecurityEventKind.SIGNED_IN,
            actor=user,
            request=request,
            detail={"path": request.path},
        )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = login_username(request, credentials) if request is not None else None
    # A wrong second-factor code (partnerships.mfa) says what it was for.
    second_factor = (credentials or {}).get(SECOND_FACTOR_CREDENTIAL)
    detail = {"path": request.path if request is not None else ""}
    if second_factor:
        detail["for"] = second_factor
    security_event_record(
        kind=(
            SecurityEventKind.MFA_FAILED
            if second_factor
            else SecurityEventKind.SIGN_IN_FAILED
        ),
        email=email or "",
        request=request,
        detail=detail,
    )


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    security_event_record(
        kind=SecurityEventKind.LOCKED_OUT,
        email=username or "",
        request=request,
        detail={"path": request.path if request is not None else ""},
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="civic_signed_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="civic_sign_in_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="civic_locked_out")
