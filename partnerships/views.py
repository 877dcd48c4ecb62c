import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import ApiTokenForm
from .models import ApiToken


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
                    user=request.user, name=form.cleaned_data["name"]
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
        token = services.api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404(_("No such token.")) from None
    messages.success(
        request,
        _("Revoked “%(name)s”: it no longer works.") % {"name": token.name},
    )
    return redirect("partnerships:api_tokens")
