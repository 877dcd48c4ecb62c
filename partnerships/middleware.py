import time

import pghistory
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import ngettext

from . import mfa, selectors, tenancy

TENANT_URL_KWARG = "slug"


class TenantMiddleware:
    """Wraps each request in one transaction carrying its tenant context.

    ``__call__`` opens the transaction and names the user; ``process_view``
    (which Django runs inside that call) resolves ``/p/<slug>/`` to a
    partnership the user belongs to, or answers 404 exactly as for a
    partnership that does not exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in settings.TENANT_EXEMPT_PATHS:
            return self.get_response(request)
        user = request.user
        platform = (
            user.is_authenticated
            and user.is_staff
            and request.path_info.startswith(settings.ADMIN_URL_PREFIX)
        )
        with tenancy.scope(
            user_id=user.pk if user.is_authenticated else None, platform=platform
        ):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "tenant_view", False):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Also points the transaction at the partnership (row-level security).
        membership = selectors.membership_enter(
            user=request.user, slug=view_kwargs[TENANT_URL_KWARG]
        )
        if membership is None:
            raise Http404("No such partnership.")
        request.membership = membership
        request.partnership = membership.partnership
        return None


def is_public_path(path: str) -> bool:
    return path.startswith(settings.PUBLIC_PATH_PREFIXES)


class PublicPathsMiddleware:
    """On public paths every visitor is anonymous, and the session is never
    read.

    Django adds ``Vary: Cookie`` to any answer whose request read the
    session (SessionMiddleware), and reading ``request.user`` reads it (the
    tenant, idle-timeout and second-factor middleware all do). A public
    page is the same for everyone, so it must be cacheable by shared caches:
    here the user is the anonymous one before any later middleware or view
    asks, so the session stays unread, no cookie is set or renewed and no
    ``Vary: Cookie`` is added. Its language is its address's (/cy/).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_public_path(request.path_info):
            from django.contrib.auth.models import AnonymousUser

            anonymous = AnonymousUser()
            request.user = anonymous
            request._cached_user = anonymous

            async def auser():
                return anonymous

            request.auser = auser
        return self.get_response(request)


class HistoryContextMiddleware:
    """Names who changed what, and through which path, in the change history.

    The database triggers that write the history read this context; a change
    made outside any request or task (raw SQL, a shell) is recorded without
    one, which the history shows as made directly in the database.
    """

    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.SAFE_METHODS:
            return self.get_response(request)
        if request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            path = "admin"
        elif request.path_info.startswith(settings.API_URL_PREFIX):
            # A token's user is known only inside the API view, which adds it.
            path = "api"
        else:
            path = "web"
        user = request.user.pk if request.user.is_authenticated else None
        with pghistory.context(user=user, path=path):
            return self.get_response(request)


IDLE_LIMIT_KEY = "civic_idle_limit_minutes"
LAST_SEEN_KEY = "civic_last_seen"
# Last activity is written to the session at most this often, not on every
# request (each write is a database write).
LAST_SEEN_RESOLUTION_SECONDS = 60


def idle_limit_minutes(user) -> int:
    """How long this person's session may sit idle: short for platform staff
    and partnership admins, whose sessions can do the most harm."""
    from .models import Membership, Role

    if user.is_staff or user.is_superuser:
        return settings.IDLE_TIMEOUT_ADMIN_MINUTES
    # Memberships are visible to their own user (row-level security).
    with tenancy.scope(user_id=user.pk):
        is_admin = Membership.objects.filter(user=user, role=Role.ADMIN).exists()
    if is_admin:
        return settings.IDLE_TIMEOUT_ADMIN_MINUTES
    return settings.IDLE_TIMEOUT_MINUTES


def session_start(request, user) -> None:
    """Stamp a new session with its idle limit and first activity (at sign-in)."""
    request.session[IDLE_LIMIT_KEY] = idle_limit_minutes(user)
    request.session[LAST_SEEN_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Signs out a session idle for longer than its limit, saying so on the
    sign-in page it redirects to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            if IDLE_LIMIT_KEY not in session:
                session_start(request, user)
            limit = session[IDLE_LIMIT_KEY]
            last_seen = session.get(LAST_SEEN_KEY, now)
            if now - last_seen > limit * 60:
                logout(request)
                if request.path_info.startswith(settings.API_URL_PREFIX):
                    # The API answers for itself (401) to a signed-out caller.
                    return self.get_response(request)
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)d minute without "
                        "activity.",
                        "You were signed out after %(minutes)d minutes without "
                        "activity.",
                        limit,
                    )
                    % {"minutes": limit},
                )
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages a session owing a second factor may still open.
SECOND_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "admin:logout",
        "partnerships:healthz",
        "partnerships:mfa_verify",
        "partnerships:mfa_enrol",
        # Passkeys: adding one (someone who must and has none may choose a
        # passkey instead of an app; the endpoints refuse a session that has
        # a second factor but has not passed it) and using one.
        "partnerships:mfa_passkey_add",
        "partnerships:passkey_registration_begin",
        "partnerships:passkey_registration_complete",
        "partnerships:passkey_authentication_begin",
        "partnerships:passkey_authentication_complete",
        "partnerships:passkey_javascript_catalog",
        "set_language",
        "javascript-catalog",
    }
)


class SecondFactorMiddleware:
    """Holds a session that owes a second factor at the verify page (or, for
    someone who must have one and has none, at the enrolment page) whatever
    it asks for, the admin site included; to the API such a session is
    signed out.

    Also catches a session that was "none" at sign-in but reaches a
    partnership it administers (a role given since) or one that has since
    asked a second factor of all its members: enrol first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        session = request.session
        if mfa.SECOND_FACTOR_KEY not in session:
            session[mfa.SECOND_FACTOR_KEY] = mfa.second_factor_owed(user)
        owed = session[mfa.SECOND_FACTOR_KEY]
        if owed == mfa.SECOND_FACTOR_PASSED:
            return self._admin_site_reauthentication(request, view_name)
        if view_name in SECOND_FACTOR_EXEMPT_VIEWS:
            return None
        if owed == mfa.SECOND_FACTOR_NONE and settings.MFA_REQUIRED:
            membership = getattr(request, "membership", None)
            if user.is_staff or mfa.membership_needs_second_factor(membership):
                owed = mfa.SECOND_FACTOR_ENROL
        if owed == mfa.SECOND_FACTOR_NONE:
            return self._admin_site_reauthentication(request, view_name)
        if request.path_info.startswith(settings.API_URL_PREFIX):
            # The API answers for itself (401) to a caller not fully signed in.
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
            request._cached_user = request.user
            return None
        name = "mfa_verify" if owed == mfa.SECOND_FACTOR_VERIFY else "mfa_enrol"
        return _redirect_keeping_next(request, f"partnerships:{name}")

    @staticmethod
    def _admin_site_reauthentication(request, view_name: str):
        """Every change made in the admin site (roles and memberships,
        people, second factors, reference data) is a sensitive action: it
        needs a recent sign-in, as the site's own sensitive pages do."""
        if (
            request.method == "POST"
            and request.path_info.startswith(settings.ADMIN_URL_PREFIX)
            and view_name not in ("admin:login", "admin:logout")
        ):
            from .decorators import reauthentication_redirect

            if not mfa.authenticated_recently(request):
                return reauthentication_redirect(request)
        return None


def _redirect_keeping_next(request, view_name: str):
    from urllib.parse import urlencode

    from django.http import HttpResponseRedirect
    from django.urls import reverse
    from django_htmx.http import HttpResponseClientRedirect

    target = reverse(view_name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
