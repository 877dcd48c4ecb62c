"""The strategy editor and the partnership's settings: admins only.

Plain forms that work without JavaScript; each form posts to its own URL
and, when the service refuses it, the page comes back with the messages
beside the fields and nothing saved. The services (``outcomes.services``,
``kpis.services``) validate and save, as for the API.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpRequest

from outcomes import selectors as strategy
from outcomes import services as strategy_services
from partnerships import policy as roles
from partnerships import services as partnership_services
from partnerships.decorators import recent_authentication_required, tenant_view
from partnerships.models import Role, User

from . import selectors, services
from .editor_forms import (
    MeasureForm,
    MemberSecondFactorForm,
    MissionForm,
    OutcomeForm,
    PartnershipSettingsForm,
    PriorityForm,
    target_years,
)
from .models import PerformanceMeasure


def _require_admin(request: HttpRequest) -> None:
    if not roles.may_administer(request.membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))


def _editor_url(slug: str, anchor: str = "") -> str:
    return reverse("kpis:strategy", kwargs={"slug": slug}) + anchor


def _render_strategy(request: HttpRequest, *, status: int = 200, bound=None):
    """The editor's page; ``bound`` is a refused form, shown in its place."""
    partnership = request.partnership
    bound = bound or {}
    mission = strategy.mission_get(partnership=partnership)
    priorities = list(strategy.priority_list(partnership=partnership))
    outcomes = list(
        strategy.outcome_list(partnership=partnership).select_related("priority")
    )
    measures = list(
        selectors.measure_list(partnership=partnership).prefetch_related("leads")
    )

    def form_for(key, make):
        return bound.get(key) or make()

    context = {
        "mission_form": form_for(
            "mission", lambda: MissionForm(instance=mission, prefix="mission")
        ),
        "priority_forms": [
            form_for(
                f"p{p.pk}", lambda p=p: PriorityForm(instance=p, prefix=f"p{p.pk}")
            )
            for p in priorities
        ],
        "new_priority_form": form_for(
            "new_priority", lambda: PriorityForm(prefix="new-priority")
        ),
        "outcome_forms": [
            form_for(
                f"o{o.pk}",
                lambda o=o: OutcomeForm(
                    instance=o, prefix=f"o{o.pk}", partnership=partnership
                ),
            )
            for o in outcomes
        ],
        "new_outcome_form": form_for(
            "new_outcome",
            lambda: OutcomeForm(prefix="new-outcome", partnership=partnership),
        ),
        "measures": measures,
    }
    return render(request, "kpis/strategy.html", context, status=status)


@tenant_view
@require_http_methods(["GET"])
def strategy_editor(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    return _render_strategy(request)


def _save(request, form, key, write, done: str, anchor: str, partial: str = ""):
    """Validate ``form``, call ``write(form)``; on refusal show the page again.

    From htmx (an edit form with ``partial``), only that form comes back: the
    saved one fresh with "Saved.", or the refused one with its messages."""
    saved = None
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = write(form)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if not (request.htmx and partial):
                messages.success(request, done)
                return redirect(_editor_url(request.partnership.slug, anchor))
    if request.htmx and partial:
        if saved is not None:
            kwargs = {"instance": saved, "prefix": form.prefix}
            if isinstance(form, OutcomeForm):
                kwargs["partnership"] = request.partnership
            form = type(form)(**kwargs)
        return render(
            request,
            f"kpis/strategy.html#{partial}",
            {"form": form, "saved": saved is not None},
        )
    return _render_strategy(request, status=400, bound={key: form})


@tenant_view
@require_POST
def mission_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    mission = strategy.mission_get(partnership=request.partnership)
    form = MissionForm(request.POST, instance=mission, prefix="mission")
    return _save(
        request,
        form,
        "mission",
        lambda f: strategy_services.mission_update(
            partnership=request.partnership, actor=request.user, **f.changes()
        ),
        _("Saved the mission."),
        "#mission",
    )


@tenant_view
@require_POST
def priority_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    form = PriorityForm(request.POST, prefix="new-priority")
    return _save(
        request,
        form,
        "new_priority",
        lambda f: strategy_services.priority_create(
            partnership=request.partnership, actor=request.user, **f.changes()
        ),
        _("Added the priority."),
        "#priorities",
    )


@tenant_view
@require_POST
def priority_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    priority = get_object_or_404(
        strategy.priority_list(partnership=request.partnership), pk=pk
    )
    form = PriorityForm(request.POST, instance=priority, prefix=f"p{pk}")
    return _save(
        request,
        form,
        f"p{pk}",
        lambda f: strategy_services.priority_update(
            partnership=request.partnership,
            actor=request.user,
            priority=priority,
            **f.changes(),
        ),
        _("Saved the priority."),
        f"#priority-{pk}",
        partial="priority-form",
    )


@tenant_view
@require_POST
def outcome_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    form = OutcomeForm(
        request.POST, prefix="new-outcome", partnership=request.partnership
    )
    return _save(
        request,
        form,
        "new_outcome",
        lambda f: strategy_services.outcome_create(
            partnership=request.partnership, actor=request.user, **f.changes()
        ),
        _("Added the outcome."),
        "#outcomes",
    )


@tenant_view
@require_POST
def outcome_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    outcome = get_object_or_404(
        strategy.outcome_list(partnership=request.partnership), pk=pk
    )
    form = OutcomeForm(
        request.POST, instance=outcome, prefix=f"o{pk}", partnership=request.partnership
    )
    return _save(
        request,
        form,
        f"o{pk}",
        lambda f: strategy_services.outcome_update(
            partnership=request.partnership,
            actor=request.user,
            outcome=outcome,
            **f.changes(),
        ),
        _("Saved the outcome."),
        f"#outcome-{pk}",
        partial="outcome-form",
    )


def _members(partnership):
    """Who may lead a measure: the partnership's leads and admins."""
    return User.objects.filter(
        memberships__partnership=partnership,
        memberships__role__in=[Role.LEAD, Role.ADMIN],
    ).order_by("email")


def _measure_form(request, measure: PerformanceMeasure | None, data=None):
    partnership = request.partnership
    now = selectors.current_quarter(partnership=partnership)
    seen = set()
    if measure is not None:
        seen = set(getattr(measure, "target_years", None) or [])
        seen |= set(
            measure.values.filter(partnership=partnership)
            .values_list("period__year", flat=True)
            .distinct()
        )
    return MeasureForm(
        data,
        instance=measure,
        partnership=partnership,
        years=target_years(partnership, now.year, seen),
        members=_members(partnership),
    )


def _measure_write(request, form: MeasureForm, measure: PerformanceMeasure | None):
    changes = form.changes()
    quarter = form.baseline_as_quarter()
    changes["baseline_period"] = (
        services.period_get_or_create(partnership=request.partnership, quarter=quarter)
        if quarter
        else None
    )
    changes.update(form.due_fields())
    leads = list(form.cleaned_data["leads"])
    if measure is None:
        return services.measure_create(
            partnership=request.partnership,
            actor=request.user,
            fields=changes,
            leads=leads,
            targets=form.targets(),
        )
    return services.measure_update(
        partnership=request.partnership,
        actor=request.user,
        measure=measure,
        changes=changes,
        leads=leads,
        targets=form.targets(),
    )


def _measure_page(request, measure, form, status=200):
    has_figures = measure is not None and services.measure_has_figures(
        partnership=request.partnership, measure=measure
    )
    return render(
        request,
        "kpis/strategy_measure.html",
        {"measure": measure, "form": form, "has_figures": has_figures},
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, slug: str, pk: int | None = None):
    """A new measure, or every field of one, with its leads and targets."""
    _require_admin(request)
    measure = None
    if pk is not None:
        measure = get_object_or_404(
            selectors.measure_list(partnership=request.partnership), pk=pk
        )
    if request.method == "GET":
        return _measure_page(request, measure, _measure_form(request, measure))
    form = _measure_form(request, measure, request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = _measure_write(request, form, measure)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect(_editor_url(slug, f"#measure-{saved.pk}"))
    if measure is not None:
        measure.refresh_from_db()
    return _measure_page(request, measure, form, status=400)


@tenant_view
@require_POST
def measure_retire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Retire a measure, or bring a retired one back."""
    _require_admin(request)
    measure = get_object_or_404(
        selectors.measure_list(partnership=request.partnership), pk=pk
    )
    if measure.retired_at is None:
        services.measure_retire(
            partnership=request.partnership, actor=request.user, measure=measure
        )
        text = _("Retired %(name)s: it has left the dashboard and entry.")
    else:
        services.measure_restore(
            partnership=request.partnership, actor=request.user, measure=measure
        )
        # Translators: %(name)s, a measure's name, cannot take a mutation: in
        # Welsh put a noun before it ("â'r mesur %(name)s").
        text = _("Brought back %(name)s.")
    messages.success(request, text % {"name": measure.name})
    return redirect(_editor_url(slug, f"#measure-{pk}"))


@tenant_view
@require_POST
def measure_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a measure without figures; one with figures is retired instead."""
    _require_admin(request)
    measure = get_object_or_404(
        selectors.measure_list(partnership=request.partnership), pk=pk
    )
    try:
        services.measure_delete(
            partnership=request.partnership, actor=request.user, measure=measure
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_editor_url(slug, f"#measure-{pk}"))
    messages.success(request, _("Deleted %(name)s.") % {"name": measure.name})
    return redirect(_editor_url(slug, "#measures"))


@tenant_view
@require_http_methods(["GET", "POST"])
def partnership_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Name, reporting year and areas; links to deadlines and the framework."""
    _require_admin(request)
    partnership = request.partnership
    first = selectors.first_reporting_quarter_read(partnership=partnership)
    if request.method == "GET":
        form = PartnershipSettingsForm(instance=partnership, first=first)
        return render(
            request, "kpis/partnership_settings.html", _settings_context(request, form)
        )
    form = PartnershipSettingsForm(request.POST, instance=partnership, first=first)
    if form.is_valid():
        try:
            with transaction.atomic():
                changes = form.changes()
                changes["first_reporting_quarter"] = (
                    changes["first_reporting_quarter"] or None
                )
                services.partnership_settings_update(
                    partnership=partnership, actor=request.user, **changes
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved the partnership's settings."))
            return redirect(reverse("kpis:partnership_settings", kwargs={"slug": slug}))
    partnership.refresh_from_db()
    return render(
        request,
        "kpis/partnership_settings.html",
        _settings_context(request, form),
        status=400,
    )


def _settings_context(request: HttpRequest, form: PartnershipSettingsForm) -> dict:
    return {
        "form": form,
        "second_factor_form": MemberSecondFactorForm(
            initial={
                "members_need_second_factor": (
                    request.partnership.members_need_second_factor
                )
            }
        ),
        "mfa_required_here": settings.MFA_REQUIRED,
    }


@tenant_view
@require_POST
@recent_authentication_required
def partnership_second_factor(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask a second factor of every member, or stop asking it."""
    _require_admin(request)
    form = MemberSecondFactorForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("members_need_second_factor"))
    partnership_services.partnership_second_factor_requirement_set(
        partnership=request.partnership,
        required=required,
        actor=request.user,
        request=request,
    )
    if required:
        messages.success(
            request,
            _(
                "Every member must now use two-step sign-in. Members without an "
                "authenticator app are asked to add one when they next open the "
                "partnership's pages."
            ),
        )
    else:
        messages.success(
            request,
            _("Only admins must now use two-step sign-in; other members may."),
        )
    return redirect(
        reverse("kpis:partnership_settings", kwargs={"slug": slug}) + "#two-step"
    )
