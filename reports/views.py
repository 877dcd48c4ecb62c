from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpRequest

from delivery import selectors as delivery_selectors
from kpis import models as kpi_models
from kpis import policy as kpi_policy
from kpis import selectors as kpi_selectors
from kpis.selectors import current_quarter
from partnerships import policy as roles
from partnerships.decorators import tenant_view
from partnerships.replica import reading_from_replica, replica_view
from wellbeing import services as wellbeing_services
from wellbeing.models import NationalIndicator
from wellbeing.selectors import framework_list

from . import measure_rows, services
from .annual import report_years
from .contribution import GOAL, INDICATOR, WAY, contribution_map_get
from .curve import curve_story_write, measure_curve_get
from .dashboard_cache import dashboard_html_get
from .forms import CurveStoryForm, FrameworkChoiceForm, ReportRequestForm
from .indicators import indicator_page_get
from .models import ReportStatus, report_storage
from .selectors import MeasureFigure, annual_report_list, measure_page_get


@tenant_view
@replica_view
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The steering overview: is each priority on track, is the curve turning."""
    year = request.GET.get("year", "")
    body = dashboard_html_get(
        partnership=request.partnership,
        year=int(year) if year.isdecimal() and len(year) <= 4 else None,
        # On the replica, the version is read there, with the figures.
        version=None if reading_from_replica() else request.membership.data_version,
    )
    context = {"dashboard_html": body.html}
    if body.dashboard is not None:
        context["dashboard"] = body.dashboard
    return render(request, "reports/dashboard.html", context)


@tenant_view
@replica_view
@require_GET
def measure_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One measure: its years, its chart and each quarter's story and history."""
    # Which years: the newest by default, earlier ones by the page's links
    # (an address that is not a year shows the newest).
    until = request.GET.get("until", "")
    try:
        page = measure_page_get(
            partnership=request.partnership,
            pk=pk,
            until=int(until) if until.isdigit() else None,
        )
    except kpi_models.PerformanceMeasure.DoesNotExist:
        raise Http404(_("No such measure.")) from None
    measure = page.measure
    can_enter = kpi_policy.may_enter(membership=request.membership, measure=measure)
    history = kpi_selectors.value_history(
        partnership=request.partnership,
        measure=measure,
        period_ids={value.period_id for value in page.values},
    )
    categories = (
        kpi_selectors.category_map(partnership=request.partnership)
        if measure.breakdown_first_id
        else {}
    )
    value_rows = [
        ValueRow(
            value=value,
            history=history.get(value.period_id, []),
            breakdown=kpi_selectors.breakdown_table(
                measure, value.breakdown, categories
            ),
        )
        for value in page.values
    ]
    unit = measure.unit
    measure_history = kpi_selectors.measure_history(
        partnership=request.partnership, measure=measure
    )
    return render(
        request,
        "reports/measure_detail.html",
        {
            "page": page,
            "measure": measure,
            "can_enter": can_enter,
            "value_rows": value_rows,
            # The page's repeated rows, written in Python (reports.measure_rows).
            "years_html": measure_rows.year_rows_html(page.years),
            "series_html": measure_rows.series_rows_html(page.series),
            "stories_html": mark_safe(  # noqa: S308 (each item escapes its values)
                "".join(measure_rows.story_html(row, unit) for row in value_rows)
            ),
            "measure_history": measure_history,
            "measure_history_html": measure_rows.history_rows_html(measure_history),
        },
    )


@dataclass
class ValueRow:
    value: MeasureFigure
    history: list[kpi_selectors.HistoryEntry]
    breakdown: kpi_selectors.BreakdownTable | None


def _default_year(years: list[tuple[int, str]], current: int) -> int | None:
    """The latest finished year: the one most reports are written about."""
    finished = [y for y, _label in years if y < current]
    return finished[0] if finished else (years[0][0] if years else None)


@tenant_view
@replica_view
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    """Annual reports: admins request them, every member downloads them."""
    partnership, membership = request.partnership, request.membership
    years = report_years(partnership=partnership)
    status = 200
    if request.method == "POST":
        if not roles.may_administer(membership):
            raise PermissionDenied
        form = ReportRequestForm(request.POST, years=years)
        if form.is_valid():
            try:
                report, created = services.annual_report_request(
                    partnership=partnership,
                    membership=membership,
                    year=form.cleaned_data["year"],
                    language=form.cleaned_data["language"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if created:
                    text = _("The %(year)s report has been requested.")
                elif report.status == ReportStatus.READY:
                    text = _(
                        "The %(year)s report below already has the current figures."
                    )
                else:
                    text = _("The %(year)s report is already being prepared.")
                messages.success(request, text % {"year": report.year_label})
                return redirect("reports:reports", slug=slug)
        status = 400
    else:
        current = current_quarter(partnership=partnership)
        form = ReportRequestForm(
            years=years, initial={"year": _default_year(years, current.year)}
        )
    report_list = list(annual_report_list(partnership=partnership)[:50])
    context = {
        "form": form,
        "reports": report_list,
        "pending": any(r.is_pending for r in report_list),
        "can_request": roles.may_administer(membership),
        "was_pending": request.GET.get("was_pending") == "1",
    }
    template = "reports/reports.html"
    if request.htmx and request.method == "GET":
        template += "#report-list"
    return render(request, template, context, status=status)


@tenant_view
@require_GET
def report_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The PDF of a ready report, to members of its partnership only."""
    return ready_report_file(partnership=request.partnership, pk=pk)


def ready_report_file(*, partnership, pk: int) -> FileResponse:
    """The file of the partnership's ready report ``pk``; 404 for any other.

    Shared by the web page and the API, so both find, stream and mark the
    file for no caching in the same way.
    """
    report = get_object_or_404(
        annual_report_list(partnership=partnership).filter(status=ReportStatus.READY),
        pk=pk,
    )
    try:
        handle = report_storage().open(report.file_name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_view
@require_http_methods(["GET", "POST"])
def report_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An admin withdraws a ready report: a confirmation, then the withdrawal."""
    partnership, membership = request.partnership, request.membership
    if not roles.may_administer(membership):
        raise PermissionDenied
    report = get_object_or_404(annual_report_list(partnership=partnership), pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.annual_report_withdraw(
                partnership=partnership,
                membership=membership,
                report_id=report.pk,
                actor=request.user,
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _("The %(year)s report (%(language)s) has been withdrawn.")
                % {
                    "year": report.year_label,
                    "language": report.get_language_display(),
                },
            )
            return redirect("reports:reports", slug=slug)
    return render(
        request,
        "reports/report_withdraw.html",
        {"report": report, "error": error},
        status=400 if error else 200,
    )


@tenant_view
@replica_view
@require_GET
def contribution(request: HttpRequest, slug: str) -> HttpResponse:
    """The contribution map: which work contributes to which well-being goal
    and way of working; ``indicators/`` shows the national indicators."""
    return _contribution_page(request, "reports/contribution.html", tables=(GOAL, WAY))


@tenant_view
@replica_view
@require_GET
def contribution_indicators(request: HttpRequest, slug: str) -> HttpResponse:
    return _contribution_page(
        request, "reports/contribution_indicators.html", tables=(INDICATOR,)
    )


def _contribution_page(
    request: HttpRequest, template: str, *, tables: tuple[str, ...]
) -> HttpResponse:
    # Only the tables the page shows are built.
    contribution = contribution_map_get(partnership=request.partnership, tables=tables)
    may_administer = roles.may_administer(request.membership)
    context = {"map": contribution, "is_admin": may_administer}
    if may_administer:
        framework = contribution.framework
        context["framework_form"] = FrameworkChoiceForm(
            frameworks=framework_list(),
            initial={"framework": framework.pk if framework else None},
        )
    return render(request, template, context)


@tenant_view
@require_http_methods(["POST"])
def contribution_framework(request: HttpRequest, slug: str) -> HttpResponse:
    """An admin chooses the partnership's national framework, or none."""
    if not roles.may_administer(request.membership):
        raise PermissionDenied
    form = FrameworkChoiceForm(request.POST, frameworks=framework_list())
    if not form.is_valid():
        messages.error(request, _("Choose one of the frameworks listed, or none."))
        return redirect("reports:contribution", slug=slug)
    framework = form.cleaned_data["framework"]
    wellbeing_services.framework_adopt(
        partnership=request.partnership, framework=framework, actor=request.user
    )
    if framework is None:
        messages.success(request, _("The partnership now uses no national framework."))
    else:
        messages.success(
            request,
            _("The partnership now contributes to %(framework)s.")
            % {"framework": framework.name},
        )
    return redirect("reports:contribution", slug=slug)


def _curve_form(request, curve, data=None) -> CurveStoryForm:
    current = curve.current
    initial = (
        {
            "story": current.story.story,
            "partners": current.story.partners,
            "what_works": current.story.what_works,
            "action_plan": current.story.action_plan,
            "actions": [action.pk for action in current.actions],
        }
        if current
        else {}
    )
    return CurveStoryForm(
        data,
        initial=initial,
        actions=delivery_selectors.action_choice_list(partnership=request.partnership),
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def measure_curve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Turning the curve on a headline measure: this year's four answers (admins
    write them) and earlier years' as written. The measure page loads it in
    place (htmx) from a plain link to this page."""
    measure = get_object_or_404(
        kpi_selectors.measure_list(partnership=request.partnership).filter(
            is_headline=True
        ),
        pk=pk,
    )
    is_admin = roles.may_administer(request.membership)
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    curve = measure_curve_get(partnership=request.partnership, measure=measure)
    form = _curve_form(request, curve) if is_admin else None
    if request.method == "POST":
        form = _curve_form(request, curve, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            action_ids = data.pop("actions")
            try:
                curve_story_write(
                    partnership=request.partnership,
                    measure=measure,
                    actor=request.user,
                    action_ids=action_ids,
                    **data,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The turn-the-curve story for %(year)s is saved.")
                    % {"year": curve.current_year_label},
                )
                return redirect(
                    reverse("reports:measure_detail", kwargs={"slug": slug, "pk": pk})
                    + "#turn-the-curve"
                )
    template = "reports/measure_curve.html"
    if request.htmx:
        template += "#turn-the-curve"
    return render(
        request,
        template,
        {"measure": measure, "curve": curve, "curve_form": form},
        status=400 if form is not None and form.errors else 200,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A national indicator's population curve for the partnership's area,
    and the partnership's story behind it (admins edit this year's)."""
    partnership = request.partnership
    is_admin = roles.may_administer(request.membership)
    try:
        page = indicator_page_get(
            partnership=partnership, number=number, with_action_choices=is_admin
        )
    except NationalIndicator.DoesNotExist:
        raise Http404(_("No such indicator in the partnership's framework.")) from None
    form = None
    if is_admin:
        current = page.current_story
        initial = (
            {
                "story": current.story,
                "partners": current.partners,
                "what_works": current.what_works,
                "action_plan": current.action_plan,
                "actions": [action.pk for action in page.current_actions],
            }
            if current
            else {}
        )
        form = CurveStoryForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            actions=page.action_choices,
        )
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            action_ids = data.pop("actions")
            try:
                curve_story_write(
                    partnership=partnership,
                    indicator=page.indicator,
                    actor=request.user,
                    action_ids=action_ids,
                    **data,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The story behind the curve for %(year)s is saved.")
                    % {"year": page.current_year_label},
                )
                return redirect("reports:indicator_detail", slug=slug, number=number)
    return render(
        request,
        "reports/indicator_detail.html",
        {"page": page, "form": form, "is_admin": is_admin},
        status=400 if form is not None and form.errors else 200,
    )
