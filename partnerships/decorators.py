import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .mfa import authenticated_recently


def tenant_view(view: Callable) -> Callable:
    """Mark a view as living under /p/<slug>/.

    The tenant middleware sees the mark, checks membership (404 for
    non-members) and sets ``request.partnership``, ``request.membership`` and
    the row-level security context before the view runs.
    """
    view.tenant_view = True
    return view


def _return_address(request) -> str:
    """Where to come back to after confirming: the page itself for a GET; for
    a form's POST (which cannot be replayed) the page the form was on."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return referer
    return reverse("partnerships:home")


def recent_authentication_required(view: Callable) -> Callable:
    """Before a sensitive action: when the person last proved who they are
    (signing in, or confirming) more than REAUTHENTICATION_MINUTES ago, ask
    for the password (and a code, if enrolled) again, then come back.

    Apply it inside ``tenant_view``: the mark must stay on the outer function.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if authenticated_recently(request):
            return view(request, *args, **kwargs)
        return reauthentication_redirect(request)

    return wrapper


def reauthentication_redirect(request) -> HttpResponse:
    """To the confirmation page, and back here (or, after a POST, to the
    page the form was on) once confirmed."""
    if request.method != "GET":
        messages.info(
            request,
            _("Nothing was changed. Confirm it is you, then try again."),
        )
    target = (
        reverse("partnerships:reauthenticate")
        + "?"
        + urlencode({"next": _return_address(request)})
    )
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
