import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import members as members_services
from . import policy, selectors, services
from .decorators import recent_authentication_required, tenant_view
from .forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    DigestForm,
    InvitationForm,
    LanguageForm,
    MemberForm,
    OrganisationForm,
    OrganisationMergeForm,
    PartnershipCreateForm,
    PasswordResetForm,
)
from .i18n import language_of, twin_path
from .models import ApiToken, Invitation, Role, SecurityEventKind
from .security import security_event_record

# The backend a new account is signed in with after accepting an invitation.
SIGN_IN_BACKEND = "partnerships.backends.EmailBackend"

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
    """The person's API tokens: make one (its secret shown once; a sensitive
    action, so only with a recent sign-in), see, revoke."""
    if request.method == "POST":
        return _api_token_create(request)
    return _api_tokens_page(request, ApiTokenForm())


@recent_authentication_required
def _api_token_create(request: HttpRequest) -> HttpResponse:
    return _api_tokens_page(request, ApiTokenForm(request.POST))


def _api_tokens_page(request: HttpRequest, form: ApiTokenForm) -> HttpResponse:
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


@method_decorator(recent_authentication_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded as a security event; a sensitive
    action (a recent sign-in needed)."""

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


# The members page -------------------------------------------------------

MEMBER_EVENTS_SHOWN = 50


def _require_admin(request: HttpRequest) -> None:
    if not policy.may_administer(request.membership):
        raise PermissionDenied


def _members_page(
    request: HttpRequest,
    *,
    invite_form: InvitationForm | None = None,
    bound_rows: dict[int, MemberForm] | None = None,
    row_errors: dict[int, str] | None = None,
    invitation_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    partnership = request.partnership
    bound_rows = bound_rows or {}
    members = list(selectors.member_list(partnership=partnership))
    rows = [
        {
            "membership": membership,
            "form": bound_rows.get(membership.pk)
            or MemberForm(
                partnership=partnership,
                prefix=f"m{membership.pk}",
                form_id=f"member-{membership.pk}",
                initial={
                    "role": membership.role,
                    "organisation": membership.organisation_id,
                },
            ),
            "error": (row_errors or {}).get(membership.pk),
        }
        for membership in members
    ]
    context = {
        "rows": rows,
        "invite_form": invite_form or InvitationForm(partnership=partnership),
        "invitations": list(selectors.invitation_list(partnership=partnership)),
        "invitation_errors": invitation_errors or {},
        "events": [
            {"event": event, "summary": _event_summary(event)}
            for event in selectors.member_event_list(partnership=partnership)[
                :MEMBER_EVENTS_SHOWN
            ]
        ],
        "shown": MEMBER_EVENTS_SHOWN,
        "now": timezone.now(),
        "show_links": _shows_links(),
    }
    return render(request, "partnerships/members.html", context, status=status)


def _role_label(value) -> str:
    return str(Role(value).label) if value in Role.values else str(value or "")


def _event_summary(event) -> str:
    """What a change to the partnership's people was, in a sentence."""
    detail = event.detail or {}
    values = {
        "email": detail.get("email", ""),
        "role": _role_label(detail.get("role")),
        "previous": _role_label(detail.get("previous_role")),
        "organisation": detail.get("organisation") or _("none"),
        "previous_organisation": detail.get("previous_organisation") or _("none"),
    }
    kind = event.kind
    if kind == SecurityEventKind.MEMBERSHIP_GRANTED:
        text = _("%(email)s joined as %(role)s.")
    elif kind == SecurityEventKind.ROLE_CHANGED:
        text = _("%(email)s is now %(role)s (was %(previous)s).")
    elif kind == SecurityEventKind.MEMBERSHIP_REMOVED:
        text = _("%(email)s was removed (was %(role)s).")
    elif kind == SecurityEventKind.MEMBER_ORGANISATION_CHANGED:
        text = _(
            "The organisation of %(email)s is now %(organisation)s "
            "(was %(previous_organisation)s)."
        )
    elif kind == SecurityEventKind.INVITATION_SENT:
        text = _("Invited %(email)s as %(role)s.")
    elif kind == SecurityEventKind.INVITATION_RESENT:
        text = _("Sent the invitation to %(email)s again.")
    elif kind == SecurityEventKind.INVITATION_REVOKED:
        text = _("Revoked the invitation to %(email)s.")
    elif kind == SecurityEventKind.INVITATION_ACCEPTED:
        text = _("%(email)s accepted the invitation.")
    elif kind == SecurityEventKind.ORGANISATION_ADDED:
        text = _("Added the organisation %(organisation)s.")
    elif kind == SecurityEventKind.ORGANISATION_RENAMED:
        # Translators: organisations' names cannot take a mutation: avoid
        # putting them after "yn", "â" or "i" in Welsh.
        text = _("Renamed %(previous_organisation)s to %(organisation)s.")
    elif kind == SecurityEventKind.ORGANISATION_MERGED:
        text = _("Merged %(previous_organisation)s into %(organisation)s.")
    elif kind == SecurityEventKind.PARTNERSHIP_CREATED:
        text = _("Created the partnership.")
    else:
        text = event.get_kind_display()
    return text % values


def _shows_links() -> bool:
    """With the console email backend (the demo), nobody receives the email:
    the page shows the link itself."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


@tenant_view
@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone in the partnership, the open invitations and what changed."""
    _require_admin(request)
    return _members_page(request)


@tenant_view
@require_POST
@recent_authentication_required
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    form = InvitationForm(request.POST, partnership=request.partnership)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = members_services.invitation_create(
                partnership=request.partnership,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                organisation=data["organisation"],
                language=data["language"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": sent.invitation.email},
            )
            if _shows_links():
                messages.info(
                    request,
                    _(
                        "The invitation link (shown because email goes to the console): %(url)s"
                    )
                    % {"url": sent.url},
                )
            return redirect("partnerships:members", slug=slug)
    return _members_page(request, invite_form=form, status=400)


@tenant_view
@require_POST
@recent_authentication_required
def member_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    get_object_or_404(selectors.member_list(partnership=request.partnership), pk=pk)
    form = MemberForm(
        request.POST,
        partnership=request.partnership,
        prefix=f"m{pk}",
        form_id=f"member-{pk}",
    )
    if form.is_valid():
        try:
            membership = members_services.membership_change(
                partnership=request.partnership,
                membership_id=pk,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                change_organisation=True,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Saved the changes to %(name)s.")
                % {"name": membership.user.get_full_name()},
            )
            if membership.user_id == request.user.pk and membership.role != Role.ADMIN:
                return redirect(request.partnership)
            return redirect("partnerships:members", slug=slug)
    return _members_page(request, bound_rows={pk: form}, status=400)


@tenant_view
@require_POST
@recent_authentication_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    get_object_or_404(selectors.member_list(partnership=request.partnership), pk=pk)
    try:
        membership = members_services.membership_remove(
            partnership=request.partnership,
            membership_id=pk,
            actor=request.user,
            request=request,
        )
    except ValidationError as error:
        return _members_page(
            request, row_errors={pk: " ".join(error.messages)}, status=400
        )
    messages.success(
        request,
        _("Removed %(name)s from the partnership. Their figures and history stay.")
        % {"name": membership.user.get_full_name()},
    )
    if membership.user_id == request.user.pk:
        return redirect("partnerships:home")
    return redirect("partnerships:members", slug=slug)


@tenant_view
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    try:
        sent = members_services.invitation_resend(
            partnership=request.partnership,
            invitation_id=pk,
            actor=request.user,
            request=request,
        )
    except Invitation.DoesNotExist:
        raise Http404(_("No such invitation.")) from None
    except ValidationError as error:
        return _members_page(
            request, invitation_errors={pk: " ".join(error.messages)}, status=400
        )
    messages.success(
        request,
        _("Sent the invitation to %(email)s again, with a new link.")
        % {"email": sent.invitation.email},
    )
    if _shows_links():
        messages.info(
            request,
            _("The invitation link (shown because email goes to the console): %(url)s")
            % {"url": sent.url},
        )
    return redirect("partnerships:members", slug=slug)


@tenant_view
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    try:
        invitation = members_services.invitation_revoke(
            partnership=request.partnership,
            invitation_id=pk,
            actor=request.user,
            request=request,
        )
    except Invitation.DoesNotExist:
        raise Http404(_("No such invitation.")) from None
    except ValidationError as error:
        return _members_page(
            request, invitation_errors={pk: " ".join(error.messages)}, status=400
        )
    messages.success(
        request,
        _("Revoked the invitation to %(email)s: its link no longer works.")
        % {"email": invitation.email},
    )
    return redirect("partnerships:members", slug=slug)


# Organisations ------------------------------------------------------------


def _organisations_page(
    request: HttpRequest,
    *,
    add_form: OrganisationForm | None = None,
    bound: dict[int, dict] | None = None,
    status: int = 200,
) -> HttpResponse:
    partnership = request.partnership
    bound = bound or {}
    organisations = list(selectors.organisation_list(partnership=partnership))
    rows = [
        {
            "organisation": organisation,
            "rename_form": bound.get(organisation.pk, {}).get("rename")
            or OrganisationForm(
                prefix=f"o{organisation.pk}", initial={"name": organisation.name}
            ),
            "merge_form": bound.get(organisation.pk, {}).get("merge")
            or OrganisationMergeForm(
                partnership=partnership,
                exclude=organisation,
                prefix=f"merge{organisation.pk}",
            ),
        }
        for organisation in organisations
    ]
    return render(
        request,
        "partnerships/organisations.html",
        {"rows": rows, "add_form": add_form or OrganisationForm(prefix="new")},
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def organisations(request: HttpRequest, slug: str) -> HttpResponse:
    """The partner bodies: add, rename, merge."""
    _require_admin(request)
    if request.method == "GET":
        return _organisations_page(request)
    form = OrganisationForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            organisation = members_services.organisation_add(
                partnership=request.partnership,
                name=form.cleaned_data["name"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Added %(name)s.") % {"name": organisation.name}
            )
            return redirect("partnerships:organisations", slug=slug)
    return _organisations_page(request, add_form=form, status=400)


@tenant_view
@require_POST
def organisation_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    get_object_or_404(
        selectors.organisation_list(partnership=request.partnership), pk=pk
    )
    form = OrganisationForm(request.POST, prefix=f"o{pk}")
    if form.is_valid():
        try:
            organisation = members_services.organisation_rename(
                partnership=request.partnership,
                organisation_id=pk,
                name=form.cleaned_data["name"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Renamed it %(name)s.") % {"name": organisation.name}
            )
            return redirect("partnerships:organisations", slug=slug)
    return _organisations_page(request, bound={pk: {"rename": form}}, status=400)


@tenant_view
@require_POST
def organisation_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    merged = get_object_or_404(
        selectors.organisation_list(partnership=request.partnership), pk=pk
    )
    form = OrganisationMergeForm(
        request.POST,
        partnership=request.partnership,
        exclude=merged,
        prefix=f"merge{pk}",
    )
    if form.is_valid():
        try:
            kept = members_services.organisation_merge(
                partnership=request.partnership,
                organisation_id=pk,
                into_id=form.cleaned_data["into"].pk,
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Merged %(merged)s into %(kept)s.")
                % {"merged": merged.name, "kept": kept.name},
            )
            return redirect("partnerships:organisations", slug=slug)
    return _organisations_page(request, bound={pk: {"merge": form}}, status=400)


# Accepting an invitation ----------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """The emailed link: set a password (new to Civic) or sign in, then join."""
    try:
        invitation = members_services.invitation_for_secret(secret=secret)
    except members_services.InvitationUnusable as unusable:
        return render(
            request,
            "partnerships/invitation_unusable.html",
            {"message": unusable.message},
            status=unusable.status,
        )
    signed_in = request.user.is_authenticated
    has_account = signed_in or members_services.account_exists(invitation.email)
    form = None
    error = None
    status = 200
    if not signed_in and not has_account:
        form = AcceptInvitationForm(
            request.POST or None, initial={"full_name": invitation.full_name}
        )
    if request.method == "POST":
        status = 400
        try:
            if signed_in:
                membership = members_services.invitation_accept(
                    secret=secret, user=request.user, request=request
                )
            elif form is not None and form.is_valid():
                membership = members_services.invitation_accept(
                    secret=secret,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["new_password1"],
                    request=request,
                )
                login(request, membership.user, backend=SIGN_IN_BACKEND)
            else:
                membership = None
        except members_services.InvitationUnusable as unusable:
            return render(
                request,
                "partnerships/invitation_unusable.html",
                {"message": unusable.message},
                status=unusable.status,
            )
        except ValidationError as invalid:
            if form is not None and hasattr(invalid, "error_dict"):
                form.add_error(None, invalid)
            else:
                error = " ".join(invalid.messages)
            membership = None
        if membership is not None:
            messages.success(
                request,
                # Translators: %(name)s, the partnership's name, cannot take a
                # mutation: in Welsh put a noun before it ("i'r bartneriaeth").
                _("Welcome to %(name)s.") % {"name": membership.partnership.name},
            )
            return redirect(membership.partnership)
    wrong_account = signed_in and request.user.email.lower() != invitation.email
    return render(
        request,
        "partnerships/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "signed_in": signed_in,
            "has_account": has_account,
            "wrong_account": wrong_account,
            "error": error,
        },
        status=status,
    )


# Platform staff ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request: HttpRequest) -> HttpResponse:
    """Platform staff create a partnership and invite its first admin."""
    if not request.user.is_staff:
        raise PermissionDenied
    form = PartnershipCreateForm(
        request.POST or None, initial={"language": translation.get_language()}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = members_services.partnership_create_with_admin(
                    name=data["name"],
                    slug=data["slug"],
                    admin_email=data["admin_email"],
                    reporting_year_start_month=data["reporting_year_start_month"],
                    language=data["language"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Created %(name)s and invited %(email)s as its admin.")
                    % {
                        "name": sent.invitation.partnership.name,
                        "email": sent.invitation.email,
                    },
                )
                if _shows_links():
                    messages.info(
                        request,
                        _(
                            "The invitation link (shown because email goes to the "
                            "console): %(url)s"
                        )
                        % {"url": sent.url},
                    )
                return redirect("partnerships:partnership_new")
    return render(
        request, "partnerships/partnership_new.html", {"form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Your account: the language of your emails and of signing in, and the
    admins' daily digest."""
    digest_form = DigestForm(
        initial={"wants_daily_digest": request.user.wants_daily_digest}
    )
    if request.method == "POST" and request.POST.get("form") == "digest":
        digest_form = DigestForm(request.POST)
        if digest_form.is_valid():
            wants = digest_form.cleaned_data["wants_daily_digest"]
            services.user_digest_set(user=request.user, wants=wants)
            messages.success(
                request,
                _("You will get the daily digest.")
                if wants
                else _("You will not get the daily digest."),
            )
            return redirect(request.path)
        form = LanguageForm(initial={"language": language_of(request.user)})
    elif request.method == "POST":
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
    return render(
        request,
        "partnerships/account.html",
        {"form": form, "digest_form": digest_form},
    )


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
    """Django's sign-in, landing in the person's own language (a Welsh
    reader who signs in on the English page goes on in Welsh), and saying so
    where the MFA requirement is lifted (the demo)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(mfa_exempt=not settings.MFA_REQUIRED, **kwargs)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if not url.startswith("/") or url.startswith("//"):
            return url
        return twin_path(url, language_of(self.request.user))
