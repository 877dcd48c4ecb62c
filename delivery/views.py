"""The action plan's pages: the table, an action, its update form, the
review of the quarter's updates and the lead's "My quarter"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpRequest

from kpis import selectors as kpi_selectors
from kpis.models import MeasureLead, ReviewStatus
from kpis.periods import Quarter
from kpis.selectors import periods_for_entry
from outcomes.selectors import outcome_list, priority_list
from partnerships import policy as roles
from partnerships.decorators import tenant_view
from partnerships.models import Membership, Organisation

from . import selectors, services
from .forms import ActionForm, ReturnForm, UpdateForm
from .models import ActionStatus


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdecimal() and len(raw) <= 18 else None


def _chosen_quarter(request: HttpRequest, quarters: list[Quarter]) -> Quarter:
    wanted = request.GET.get("quarter") or request.POST.get("quarter")
    for quarter in quarters:
        if wanted == quarter.key:
            return quarter
    if wanted:
        raise Http404(_("That quarter is not open for entry."))
    return quarters[0]


def _action_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.action_list(partnership=request.partnership), pk=pk
    )


@tenant_view
@require_GET
def action_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Seed 003's table: action and lead agencies | progress | risks | next steps."""
    partnership = request.partnership
    chosen = {
        "priority": _int_or_none(request.GET.get("priority")),
        "outcome": _int_or_none(request.GET.get("outcome")),
        "organisation": _int_or_none(request.GET.get("organisation")),
        "status": request.GET.get("status")
        if request.GET.get("status") in ActionStatus.values
        else "",
    }
    actions = selectors.action_list(
        partnership=partnership,
        priority_id=chosen["priority"],
        outcome_id=chosen["outcome"],
        organisation_id=chosen["organisation"],
        status=chosen["status"] or None,
    )
    rows = selectors.action_rows(
        actions, partnership=partnership, today=timezone.localdate()
    )
    return render(
        request,
        "delivery/action_plan.html",
        {
            "rows": rows,
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "priorities": priority_list(partnership=partnership),
            "outcomes": outcome_list(partnership=partnership).select_related(
                "priority"
            ),
            "organisations": Organisation.objects.filter(partnership=partnership),
            "statuses": ActionStatus.choices,
        },
    )


def _form_choices(partnership) -> dict:
    return {
        "priorities": [(p.pk, p.name) for p in priority_list(partnership=partnership)],
        "organisations": [
            (o.pk, o.name) for o in Organisation.objects.filter(partnership=partnership)
        ],
        "people": [
            (m.user_id, m.user.full_name or m.user.email)
            for m in Membership.objects.filter(partnership=partnership)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        ],
        "outcomes": [
            (o.pk, o.statement) for o in outcome_list(partnership=partnership)
        ],
        "measures": [
            (m.pk, f"{m.code} {m.name}".strip())
            for m in kpi_selectors.measure_list_current(partnership=partnership)
        ],
    }


def _plan_quarters(partnership) -> list[Quarter]:
    current = kpi_selectors.current_quarter(partnership=partnership)
    first = current.back(8)[0]
    quarters = [first]
    while len(quarters) < 21:
        quarters.append(quarters[-1].next())
    return quarters


@tenant_view
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    if not roles.may_administer(request.membership):
        raise PermissionDenied
    partnership = request.partnership
    action = _action_or_404(request, pk) if pk is not None else None
    quarters = _plan_quarters(partnership)
    initial = {}
    if action is not None:
        initial = {
            "name": action.name,
            "description": action.description,
            "priority": action.priority_id,
            "lead_agencies": [o.pk for o in action.lead_agencies.all()],
            "lead_person": action.lead_person_id,
            "start_quarter": action.start_period.as_quarter.key
            if action.start_period
            else "",
            "due_quarter": action.due_period.as_quarter.key
            if action.due_period
            else "",
            "status": action.status,
            "outcomes": [o.pk for o in action.outcomes.all()],
            "measures": [m.pk for m in action.measures.all()],
        }
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        choices=_form_choices(partnership),
        quarters=quarters,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                action = services.action_create(
                    partnership=partnership,
                    fields=form.action_fields(),
                    actor=request.user,
                )
            else:
                services.action_edit(
                    partnership=partnership,
                    action=action,
                    fields=form.action_fields(),
                    actor=request.user,
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved the action."))
            return redirect(
                "delivery:action_detail", slug=partnership.slug, pk=action.pk
            )
    return render(
        request,
        "delivery/action_edit.html",
        {"form": form, "action": action},
        status=400 if form.errors else 200,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@tenant_view
@require_GET
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    row = selectors.action_rows(
        [action], partnership=request.partnership, today=timezone.localdate()
    )[0]
    return render(
        request,
        "delivery/action_detail.html",
        {
            "action": action,
            "row": row,
            "updates": list(action.updates.all()),
            "may_write": services.may_write_update(request.membership, action),
        },
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead's form for the quarter's update on one action."""
    action = _action_or_404(request, pk)
    if not services.may_write_update(request.membership, action):
        raise PermissionDenied
    quarters = periods_for_entry(partnership=request.partnership)
    quarter = _chosen_quarter(request, quarters)
    update = (
        selectors.update_list(partnership=request.partnership)
        .filter(
            action=action, period__year=quarter.year, period__quarter=quarter.quarter
        )
        .first()
    )
    period = (
        kpi_selectors.period_list(partnership=request.partnership)
        .filter(year=quarter.year, quarter=quarter.quarter)
        .first()
    )
    initial = UpdateForm.initial_for(update) or {"status": action.status}
    form = UpdateForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update_save(
                partnership=request.partnership,
                action=action,
                quarter=quarter,
                actor=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Saved the update for %(quarter)s. Submit the quarter on My "
                    "quarter when your figures and updates are ready."
                )
                % {"quarter": quarter.label},
            )
            return redirect("delivery:action_detail", slug=slug, pk=action.pk)
    return render(
        request,
        "delivery/action_update.html",
        {
            "action": action,
            "form": form,
            "update": update,
            "quarter": quarter,
            "quarters": quarters,
            "period": period,
            "read_only": bool(
                (period and period.is_locked)
                or (
                    update
                    and update.review_status
                    in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
                    and not roles.may_administer(request.membership)
                )
            ),
        },
        status=400 if form.errors else 200,
    )


def _review_quarter(request: HttpRequest) -> Quarter:
    partnership = request.partnership
    current = kpi_selectors.current_quarter(partnership=partnership)
    wanted = request.GET.get("quarter") or request.POST.get("quarter")
    if not wanted:
        return current.previous()
    try:
        return Quarter.parse_key(wanted, partnership.reporting_year_start_month)
    except ValueError as error:
        raise Http404 from error


@tenant_view
@require_http_methods(["GET", "POST"])
def updates_review(request: HttpRequest, slug: str) -> HttpResponse:
    """The admins' review of a quarter's action updates: approve or return."""
    if not roles.may_review(request.membership):
        raise PermissionDenied
    quarter = _review_quarter(request)
    url = reverse("delivery:updates_review", kwargs={"slug": slug})
    url = f"{url}?quarter={quarter.key}"
    return_form = ReturnForm()
    if request.method == "POST":
        update = get_object_or_404(
            selectors.update_list(partnership=request.partnership),
            pk=_int_or_none(request.POST.get("update")) or 0,
        )
        try:
            if request.POST.get("do") == "return":
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    services.action_update_return(
                        partnership=request.partnership,
                        update_id=update.pk,
                        actor=request.user,
                        reason=return_form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("Returned the update on “%(action)s” to its lead.")
                        % {"action": update.action.name},
                    )
                    return redirect(url)
            else:
                services.action_update_approve(
                    partnership=request.partnership,
                    update_id=update.pk,
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Approved the update on “%(action)s”.")
                    % {"action": update.action.name},
                )
                return redirect(url)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(url)
    updates = (
        selectors.update_list(partnership=request.partnership)
        .filter(period__year=quarter.year, period__quarter=quarter.quarter)
        .order_by("action__position", "action_id")
    )
    current = kpi_selectors.current_quarter(partnership=request.partnership)
    return render(
        request,
        "delivery/updates_review.html",
        {
            "quarter": quarter,
            "quarters": [current, *reversed(current.back(8))],
            "updates": updates,
            "return_form": return_form,
        },
        status=400 if return_form.errors else 200,
    )


@tenant_view
@require_GET
def my_quarter(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead's quarter: their figures and their action updates together.

    The figures are entered on My measures (``kpis:my_measures``) and the
    updates on each action's update form; the quarter's one submit sends
    both for review (``kpis.review.quarter_submit``).
    """
    membership = request.membership
    if not roles.may_enter_figures(membership):
        raise PermissionDenied
    partnership = request.partnership
    quarters = periods_for_entry(partnership=partnership)
    quarter = _chosen_quarter(request, quarters)
    measures = kpi_selectors.measure_list_for_entry(membership=membership)
    if roles.may_enter_every_measure(membership):
        measures = measures.filter(
            pk__in=MeasureLead.objects.filter(
                partnership=partnership, user=request.user
            ).values("measure")
        )
    measures = list(measures)
    values = {
        v.measure_id: v
        for v in kpi_selectors.value_list(partnership=partnership).filter(
            measure__in=measures,
            period__year=quarter.year,
            period__quarter=quarter.quarter,
        )
    }
    actions = list(
        selectors.action_list(partnership=partnership).filter(lead_person=request.user)
    )
    updates = {
        u.action_id: u
        for u in selectors.update_list(partnership=partnership).filter(
            action__in=actions,
            period__year=quarter.year,
            period__quarter=quarter.quarter,
        )
    }
    period = (
        kpi_selectors.period_list(partnership=partnership)
        .filter(year=quarter.year, quarter=quarter.quarter)
        .first()
    )
    waiting = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
    return render(
        request,
        "delivery/my_quarter.html",
        {
            "quarter": quarter,
            "quarters": quarters,
            "period": period,
            "deadline": partnership.deadline_for(quarter),
            "figure_rows": [(m, values.get(m.pk)) for m in measures],
            "action_rows": [(a, updates.get(a.pk)) for a in actions],
            "to_submit": sum(1 for v in values.values() if v.status in waiting)
            + sum(1 for u in updates.values() if u.review_status in waiting),
        },
    )


@tenant_view
@require_GET
def actions_by_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Each priority's actions by status: the dashboard loads it in place
    (htmx) from a plain link to this page."""
    template = "delivery/actions_by_status.html"
    if request.htmx:
        template += "#actions-by-status"
    return render(
        request,
        template,
        {
            "groups": selectors.status_counts_by_priority(
                partnership=request.partnership
            )
        },
    )
