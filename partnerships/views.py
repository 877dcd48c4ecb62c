import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import policy, selectors, services
from .decorators import tenant_view
from .forms import ApiTokenForm, LanguageForm, PasswordResetForm
from .i18n import language_of, twin_path
from .models import ApiToken, SecurityEventKind
from .security import security_event_record

# The most recent events the partnership's page lists; the admin site has all.
SECURITY_EVENTS_SHOWN = 200


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """After login: straight into the only partnership, or a choice of them."""
    memberships = list(selectors.membership_list_for_user(user=request.user))
    if len(memberships) == 1:
        return redirect(memberships[0].partnership)
    return render(request, "partnerships/home.html", {"memberships": memberships})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for load balancers and compose: the database, and the broker.

    Without the database nothing works: 503, so the web is taken out of
    service. Without the broker (Redis) pages, API reads and saves still
    work (throttles fail open for reads, reports and imports wait to be
    sent): 200 with ``"status": "degraded"``, so the web stays in service
    and monitoring can still see the outage.
    """
    checks: dict[str, str] = {}
    status = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
        status = "unavailable"
    if settings.CELERY_BROKER_URL:
        try:
            client = redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
            )
            client.ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
            if status == "ok":
                status = "degraded"
    return JsonResponse(
        {"status": status, **checks}, status=503 if status == "unavailable" else 200
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: make one (its secret shown once), see, revoke."""
    form = ApiTokenForm(request.POST or None)
    secret = created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"], request=request
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = ApiTokenForm()
        status = 200 if secret else 400
    tokens = selectors.api_token_list_for_user(user=request.user)
    return render(
        request,
        "partnerships/api_tokens.html",
        {"form": form, "tokens": tokens, "created": created, "secret": secret},
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(
            user=request.user, token_id=pk, request=request
        )
    except ApiToken.DoesNotExist:
        raise Http404(_("No such token.")) from None
    messages.success(
        request,
        _("Revoked “%(name)s”: it no longer works.") % {"name": token.name},
    )
    return redirect("partnerships:api_tokens")


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the
    same page whether or not the email address has an account."""
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded as a security event."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(
            kind=SecurityEventKind.PASSWORD_CHANGED,
            actor=form.user,
            request=self.request,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's password reset (from the emailed link), recorded as a
    security event."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(
            kind=SecurityEventKind.PASSWORD_RESET,
            actor=form.user,
            request=self.request,
        )
        return response


@tenant_view
@require_GET
def security_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's security events, for its admins."""
    if not policy.may_administer(request.membership):
        raise PermissionDenied
    events = selectors.security_event_list(partnership=request.partnership)[
        :SECURITY_EVENTS_SHOWN
    ]
    return render(
        request,
        "partnerships/security_events.html",
        {"events": events, "shown": SECURITY_EVENTS_SHOWN},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Your account: the language of your emails and of signing in."""
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            services.user_language_set(user=request.user, language=language)
            # Said in the language chosen: the next page is in it.
            with translation.override(language):
                messages.success(request, _("Your language is saved."))
            # Shown in the language just chosen: that page's own address.
            return redirect(twin_path(request.path, language))
    else:
        form = LanguageForm(initial={"language": language_of(request.user)})
    return render(request, "partnerships/account.html", {"form": form})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switch, for someone signed in: the same page in the other
    language, and that language recorded as theirs (emails included).

    Signed out, the switch is a plain link to the page's twin; this view
    only redirects.
    """
    form = LanguageForm(request.POST)
    following = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        following,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ) or not following.startswith("/"):
        following = "/"
    if not form.is_valid():
        return redirect(following)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    return redirect(twin_path(following, language))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, its email in the recipient's language."""

    form_class = PasswordResetForm


class LoginView(auth_views.LoginView):
    """Django's sign-in, landing in the person's own language: a Welsh
    reader who signs in on the English page goes on in Welsh."""

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if not url.startswith("/") or url.startswith("//"):
            return url
        return twin_path(url, language_of(self.request.user))
