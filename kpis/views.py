from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpRequest

from partnerships.decorators import tenant_view
from reports.selectors import YearSummary, measure_page_get, periods_for_entry

from . import rules, selectors, services
from .forms import QuarterlyValueForm
from .models import PerformanceMeasure, QuarterlyValue
from .periods import Quarter


@dataclass
class EntryRow:
    measure: PerformanceMeasure
    form: QuarterlyValueForm
    current: QuarterlyValue | None
    previous: QuarterlyValue | None
    year: YearSummary
    saved: bool = False

    @property
    def previous_display(self) -> str:
        if self.previous is None:
            return "—"
        return _figure_display(self.measure, self.previous)


def _figure_display(measure: PerformanceMeasure, value: QuarterlyValue) -> str:
    text = rules.format_figure(
        measure.value_type,
        rules.quarter_figure(measure.value_type, rules.Entry.of(value)),
    )
    if value.numerator is not None:
        text = (
            f"{rules.format_figure('count', value.numerator)} / "
            f"{rules.format_figure('count', value.denominator)} ({text})"
        )
    return text


def _initial(value: QuarterlyValue | None) -> dict:
    if value is None:
        return {}
    initial = {"story": value.story}
    for name in ("value", "numerator", "denominator"):
        number = getattr(value, name)
        if number is not None:
            initial[name] = (
                int(number)
                if name == "value" and value.value_type == "milestone"
                else f"{number.normalize():f}"
            )
    return initial


def _chosen_quarter(request: HttpRequest, quarters: list[Quarter]) -> Quarter:
    wanted = request.GET.get("quarter") or request.POST.get("quarter")
    for quarter in quarters:
        if wanted == f"{quarter.year}-{quarter.quarter}":
            return quarter
    if wanted:
        raise Http404(_("That quarter is not open for entry."))
    return quarters[0]


def _rows(
    request: HttpRequest, quarter: Quarter, measures: list[PerformanceMeasure]
) -> list[EntryRow]:
    partnership = request.partnership
    previous_quarter = quarter.previous()
    values = selectors.value_list(partnership=partnership).filter(
        Q(period__year=quarter.year)
        | Q(
            period__year=previous_quarter.year, period__quarter=previous_quarter.quarter
        ),
        measure__in=measures,
    )
    by_key = {(v.measure_id, v.period.year, v.period.quarter): v for v in values}
    rows = []
    for measure in measures:
        current = by_key.get((measure.pk, quarter.year, quarter.quarter))
        this_year = [
            rules.Entry.of(v)
            for (m, y, q), v in sorted(by_key.items())
            if m == measure.pk and y == quarter.year and q <= quarter.quarter
        ]
        rows.append(
            EntryRow(
                measure=measure,
                form=QuarterlyValueForm(measure=measure, initial=_initial(current)),
                current=current,
                previous=by_key.get(
                    (measure.pk, previous_quarter.year, previous_quarter.quarter)
                ),
                year=YearSummary(
                    measure=measure,
                    year=quarter.year,
                    label=quarter.year_label,
                    entries=this_year,
                ),
            )
        )
    return rows


@tenant_view
@require_http_methods(["GET", "POST"])
def my_measures(request: HttpRequest, slug: str) -> HttpResponse:
    """The lead's quarterly entry: each measure editable in place."""
    membership = request.membership
    if request.method == "POST" and not membership.can_enter_values:
        raise PermissionDenied
    quarters = periods_for_entry(partnership=request.partnership)
    quarter = _chosen_quarter(request, quarters)
    measures = list(selectors.measure_list_for_entry(membership=membership))
    context = {
        "quarter": quarter,
        "quarters": quarters,
        "quarter_key": f"{quarter.year}-{quarter.quarter}",
        "is_current": quarter == quarters[0],
    }
    if request.method == "GET":
        context["rows"] = _rows(request, quarter, measures)
        return render(request, "kpis/my_measures.html", context)

    measure_id = request.POST.get("measure", "")
    measure = get_object_or_404(
        selectors.measure_list(partnership=request.partnership),
        pk=int(measure_id) if measure_id.isdigit() else 0,
    )
    if measure not in measures:
        raise PermissionDenied(_("This measure is not assigned to you."))
    form = QuarterlyValueForm(request.POST, measure=measure)
    if form.is_valid():
        try:
            period = services.period_get_or_create(
                partnership=request.partnership, quarter=quarter
            )
            services.quarterly_value_record(
                partnership=request.partnership,
                measure=measure,
                period=period,
                actor=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
    saved = form.is_valid()
    if saved and not request.htmx:
        messages.success(
            request,
            _("Saved %(measure)s for %(quarter)s.")
            % {"measure": measure.name, "quarter": quarter.label},
        )
        url = reverse("my_measures", kwargs={"slug": slug})
        return redirect(f"{url}?quarter={context['quarter_key']}#measure-{measure.pk}")
    # Rows are built after the save, so they show the figures now stored; a
    # row with errors keeps what the person typed.
    rows = _rows(request, quarter, measures if not request.htmx else [measure])
    row = next(r for r in rows if r.measure.pk == measure.pk)
    row.saved = saved
    if not saved:
        row.form = form
    if request.htmx:
        context["row"] = row
        return render(request, "kpis/my_measures.html#measure-row", context)
    context["rows"] = rows
    return render(request, "kpis/my_measures.html", context, status=400)


@tenant_view
@require_GET
def measure_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    try:
        page = measure_page_get(partnership=request.partnership, pk=pk)
    except PerformanceMeasure.DoesNotExist:
        raise Http404(_("No such measure.")) from None
    can_enter = services.can_enter_values(
        membership=request.membership, measure=page.measure
    )
    return render(
        request,
        "kpis/measure_detail.html",
        {"page": page, "measure": page.measure, "can_enter": can_enter},
    )
