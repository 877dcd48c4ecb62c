"""A person's sign-in security: the second factor at sign-in, adding and
removing authenticator apps and passkeys, recovery codes, and confirming who they are
again before a sensitive action."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware import csrf
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import mfa, passkeys
from .decorators import recent_authentication_required
from .forms import (
    EnrolmentCodeForm,
    PasskeyNameForm,
    ReauthenticateForm,
    SecondFactorCodeForm,
)
from .models import SecurityEventKind
from .security import security_event_record
from .views import locked_out


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request: HttpRequest) -> HttpResponse:
    """Too many wrong codes or passwords: the session ends, as a lockout at
    the sign-in page would have refused it."""
    logout(request)
    return locked_out(request)


def _passkey_configuration(request: HttpRequest) -> dict:
    """What django-otp-webauthn's scripts read (a JSON script element, so no
    inline script): our endpoints and the CSRF token."""
    return {
        "autocompleteLoginFieldSelector": None,
        # Not the language switch's "next" in the header: the page's own.
        "nextFieldSelector": "#passkey-next",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("partnerships:passkey_authentication_begin"),
        "completeAuthenticationUrl": reverse(
            "partnerships:passkey_authentication_complete"
        ),
        "beginRegistrationUrl": reverse("partnerships:passkey_registration_begin"),
        "completeRegistrationUrl": reverse(
            "partnerships:passkey_registration_complete"
        ),
    }


def _recovery_used_message(request, device) -> None:
    if not hasattr(device, "digests"):
        return
    left = len(device.digests)
    messages.warning(
        request,
        ngettext(
            "You used a recovery code: %(left)d is left. Make new ones on "
            "the two-step sign-in page.",
            "You used a recovery code: %(left)d are left. Make new ones on "
            "the two-step sign-in page.",
            left,
        )
        % {"left": left},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Sign-in's second step: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if mfa.session_verified(request):
        return redirect(next_url)
    if not mfa.has_second_factor(user):
        # Its apps were removed since sign-in: owe what the person now owes.
        request.session[mfa.SECOND_FACTOR_KEY] = mfa.second_factor_owed(user)
        return redirect(next_url)
    if mfa.is_locked_out(request, user):
        return _locked_out(request)
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = mfa.code_verify(
                request=request,
                user=user,
                code=form.cleaned_data["code"],
                purpose="sign_in",
            )
            if device is not None:
                _recovery_used_message(request, device)
                return redirect(next_url)
            if mfa.is_locked_out(request, user):
                return _locked_out(request)
            form.add_error(
                "code",
                _(
                    "That code is not right. Enter the code your app shows now, "
                    "or an unused recovery code."
                ),
            )
    with_passkey = passkeys.has_passkey(user)
    return render(
        request,
        "partnerships/mfa_verify.html",
        {
            "form": form,
            "next": next_url,
            "with_passkey": with_passkey,
            "with_app": mfa.has_authenticator_app(user),
            "passkey_configuration": (
                _passkey_configuration(request) if with_passkey else None
            ),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then
    confirm with a code. The first app also brings recovery codes, shown once."""
    user = request.user
    next_url = _next_url(request)
    verified = mfa.session_verified(request)
    if not verified and mfa.has_second_factor(user):
        # Adding an app is no way round the one already enrolled.
        return redirect("partnerships:mfa_verify")
    device = mfa.totp_device_start(user=user)
    form = EnrolmentCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = mfa.totp_device_confirm(
                    request=request,
                    user=user,
                    device=device,
                    code=form.cleaned_data["code"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if codes:
                    return render(
                        request,
                        "partnerships/mfa_recovery_codes.html",
                        {"codes": codes, "next": next_url, "first": True},
                    )
                messages.success(request, _("Added the authenticator app."))
                return redirect(next_url)
    return render(
        request,
        "partnerships/mfa_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mfa.totp_qr_svg(device),
            "secret": mfa.totp_secret(device),
            "required": mfa.mfa_required(user),
            "verified": verified,
        },
        status=status,
    )


@login_required
@never_cache
def mfa_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "partnerships/mfa_overview.html",
        {
            "devices": mfa.totp_device_list(user=user),
            "passkeys": passkeys.passkey_list(user=user),
            "any_factor": mfa.has_second_factor(user),
            "recovery_left": mfa.recovery_codes_left(user),
            "required": mfa.mfa_required(user),
        },
    )


@login_required
@require_POST
@recent_authentication_required
def mfa_recovery_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = mfa.recovery_codes_regenerate(request=request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partnerships:mfa_overview")
    return render(
        request,
        "partnerships/mfa_recovery_codes.html",
        {
            "codes": codes,
            "next": resolve_url("partnerships:mfa_overview"),
            "first": False,
        },
    )


@login_required
@require_POST
@recent_authentication_required
def mfa_device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        mfa.totp_device_remove(request=request, user=request.user, device_id=pk)
    except TOTPDevice.DoesNotExist:
        raise Http404(_("No such authenticator app.")) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed the authenticator app."))
    return redirect("partnerships:mfa_overview")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_passkey_add(request: HttpRequest) -> HttpResponse:
    """Add a passkey: name it, then let the browser make it (the package's
    script talks to the registration endpoints, passkey_views.py)."""
    user = request.user
    next_url = _next_url(request)
    verified = mfa.session_verified(request)
    if not verified and mfa.has_second_factor(user):
        # Adding a passkey is no way round the second factor one has.
        return redirect("partnerships:mfa_verify")
    form = PasskeyNameForm(request.POST or None)
    status = 200
    name = None
    if request.method == "POST":
        if form.is_valid():
            name = form.cleaned_data["name"]
            request.session[passkeys.PENDING_NAME_KEY] = name
        else:
            status = 400
    return render(
        request,
        "partnerships/mfa_passkey_add.html",
        {
            "form": form,
            "name": name,
            "next": next_url,
            "required": mfa.mfa_required(user),
            "verified": verified,
            "passkey_configuration": _passkey_configuration(request),
        },
        status=status,
    )


@login_required
@never_cache
def mfa_passkey_added(request: HttpRequest) -> HttpResponse:
    """Where the script goes once the passkey is made: the first recovery
    codes, shown once, or on to the next page."""
    next_url = _next_url(request)
    codes = mfa.recovery_codes_after_passkey(request=request, user=request.user)
    if codes:
        return render(
            request,
            "partnerships/mfa_recovery_codes.html",
            {"codes": codes, "next": next_url, "first": True, "passkey": True},
        )
    messages.success(request, _("Added the passkey."))
    return redirect(next_url)


@login_required
@require_POST
@recent_authentication_required
def mfa_passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        passkeys.passkey_remove(request=request, user=request.user, device_id=pk)
    except WebAuthnCredential.DoesNotExist:
        raise Http404(_("No such passkey.")) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed the passkey."))
    return redirect("partnerships:mfa_overview")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm who you are (password, and a code if enrolled) before a
    sensitive action; then back to where you were."""
    user = request.user
    next_url = _next_url(request)
    # With the password, a code from an app or a recovery code; someone with
    # a passkey may use it instead (passkey_views.py), or, having no app,
    # give a recovery code with the password.
    with_passkey = passkeys.has_passkey(user)
    with_code = mfa.has_authenticator_app(user) or (
        with_passkey and mfa.recovery_device_get(user=user) is not None
    )
    if mfa.is_locked_out(request, user):
        return _locked_out(request)
    form = ReauthenticateForm(request.POST or None, with_code=with_code)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            # Through the backends, django-axes included: a wrong password
            # counts towards the lockout like one at the sign-in page.
            confirmed = authenticate(
                request, username=user.email, password=form.cleaned_data["password"]
            )
            if confirmed is None or confirmed.pk != user.pk:
                form.add_error("password", _("That password is not right."))
            elif with_code and (
                mfa.code_verify(
                    request=request,
                    user=user,
                    code=form.cleaned_data["code"],
                    purpose="reauthenticate",
                )
                is None
            ):
                form.add_error("code", _("That code is not right."))
            else:
                mfa.authenticated_now(request)
                security_event_record(
                    kind=SecurityEventKind.REAUTHENTICATED,
                    actor=user,
                    request=request,
                )
                return redirect(next_url)
            if mfa.is_locked_out(request, user):
                return _locked_out(request)
    return render(
        request,
        "partnerships/reauthenticate.html",
        {
            "form": form,
            "next": next_url,
            "minutes": settings.REAUTHENTICATION_MINUTES,
            "with_passkey": with_passkey,
            "passkey_configuration": (
                _passkey_configuration(request) if with_passkey else None
            ),
        },
        status=status,
    )
