"""Read models for the steering dashboard and the measure page.

Each is built from a fixed number of queries (the mission, priorities,
outcomes, measures, periods and values, each fetched once) and assembled in
Python, so the query count does not grow with the size of the framework.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpis import rules
from kpis.forecast import CurveVerdict, baseline_forecast, curve_verdict, latest_run
from kpis.models import (
    Aggregation,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ValueType,
)
from kpis.periods import Quarter, year_label
from kpis.selectors import (
    BreakdownLine,
    YearSummary,
    breakdown_line,
    category_map,
    current_quarter,
    earliest_figure_annotated,
    earliest_figure_of,
    first_reporting_quarter_get,
    measure_detail,
    measure_list,
    milestone_done_before,
    period_list_with_figures,
    year_quarters_ended,
)
from kpis.selectors import value_list as quarterly_value_list
from outcomes.models import Mission, Outcome, Priority
from outcomes.selectors import mission_get, outcome_list, priority_list
from partnerships.models import Partnership

from .charts import Point, describe, line_chart, sparkline
from .models import AnnualReport

TREND_QUARTERS = 8
# How far ahead a measure's chart draws the baseline forecast.
FORECAST_QUARTERS = 4

CURVE_LABELS = {
    CurveVerdict.TURNING: gettext_lazy("Turning the curve"),
    CurveVerdict.NOT_TURNING: gettext_lazy("Not turning the curve"),
    CurveVerdict.NOT_ENOUGH_HISTORY: gettext_lazy("Not enough history"),
}


def forecast_bounds(value_type: str) -> tuple[float | None, float | None]:
    """What a forecast of this kind of value may not go beyond."""
    if value_type in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE):
        return 0.0, 100.0
    if value_type == ValueType.COUNT:
        return 0.0, None
    return None, None


def measure_forecast(
    measure: PerformanceMeasure, series: list[Point], quarters: list[Quarter]
) -> list[Point]:
    """The baseline forecast for the quarters after the last reported one.

    Empty for milestones (done or not done has no curve) and where
    kpis.forecast finds too little history.
    """
    if measure.value_type == ValueType.MILESTONE:
        return []
    known = [i for i, p in enumerate(series) if p.value is not None]
    if not known:
        return []
    lower, upper = forecast_bounds(measure.value_type)
    forecast = baseline_forecast(
        latest_run([p.value for p in series]),
        FORECAST_QUARTERS,
        lower=lower,
        upper=upper,
    )
    if forecast is None:
        return []
    quarter, points = quarters[known[-1]], []
    for value in forecast.points:
        quarter = quarter.next()
        points.append(Point(quarter.label, value))
    return points


@dataclass
class MeasureSummary:
    measure: PerformanceMeasure
    year: YearSummary
    trend: list[Point]
    latest: Point | None
    # The latest quarter's breakdown, for measures that have one.
    breakdown: BreakdownLine | None = None

    @property
    def fmt(self):
        return lambda v: rules.format_figure(self.measure.value_type, v)

    @property
    def latest_display(self) -> str:
        return self.fmt(self.latest.value) if self.latest else "—"

    @property
    def curve(self) -> str:
        """Turning the curve: the latest quarter against the baseline
        forecast made from the quarters before it (kpis.forecast)."""
        if self.measure.value_type == ValueType.MILESTONE:
            return CurveVerdict.NOT_ENOUGH_HISTORY
        lower, upper = forecast_bounds(self.measure.value_type)
        return curve_verdict(
            [p.value for p in self.trend],
            direction=self.measure.direction,
            lower=lower,
            upper=upper,
        )

    @property
    def curve_label(self) -> str:
        return CURVE_LABELS[self.curve]

    @property
    def trend_description(self) -> str:
        return describe(self.trend, self.fmt)

    @property
    def sparkline(self):
        return sparkline(
            self.trend,
            description=_("Trend of %(name)s: %(text)s")
            % {"name": self.measure.name, "text": self.trend_description},
        )


@dataclass
class OutcomeSection:
    outcome: Outcome | None
    measures: list[MeasureSummary] = field(default_factory=list)

    def column(self, question: str) -> list[MeasureSummary]:
        return [s for s in self.measures if s.measure.question == question]

    @property
    def columns(self) -> list[tuple[str, list[MeasureSummary]]]:
        return [(q.label, self.column(q.value)) for q in Question]


@dataclass
class PrioritySection:
    priority: Priority | None
    outcomes: list[Outcome]
    sections: list[OutcomeSection]

    @property
    def measures(self) -> list[MeasureSummary]:
        return [s for section in self.sections for s in section.measures]

    @property
    def headline(self) -> list[MeasureSummary]:
        return [s for s in self.measures if s.measure.is_headline]

    @property
    def status_counts(self) -> list[tuple[rules.Status, int]]:
        """How the headline measures stand (every measure when none is headline)."""
        return count_statuses(self.headline or self.measures)


@dataclass
class Dashboard:
    partnership: Partnership
    mission: Mission | None
    year: int
    year_label: str
    years: list[tuple[int, str]]
    quarters: list[Quarter]
    priorities: list[PrioritySection]
    mission_measures: list[MeasureSummary]

    @property
    def all_measures(self) -> list[MeasureSummary]:
        return self.mission_measures + [s for p in self.priorities for s in p.measures]

    @property
    def headline_status_counts(self) -> list[tuple[rules.Status, int]]:
        return count_statuses([s for s in self.all_measures if s.measure.is_headline])


def count_statuses(summaries: list[MeasureSummary]) -> list[tuple[rules.Status, int]]:
    counts: dict[rules.Status, int] = defaultdict(int)
    for summary in summaries:
        counts[summary.year.status] += 1
    return [(status, counts[status]) for status in rules.Status if counts[status]]


def _series(
    measure: PerformanceMeasure,
    quarters: list[Quarter],
    by_quarter: dict[tuple[int, int], QuarterlyValue],
) -> list[Point]:
    """The measure's figure in each quarter; None where nothing was reported."""
    points = []
    for q in quarters:
        stored = by_quarter.get((q.year, q.quarter))
        figure = (
            rules.quarter_figure(measure.value_type, rules.Entry.of(stored))
            if stored is not None
            else None
        )
        points.append(Point(q.label, figure))
    return points


def _summaries(
    measures: list[PerformanceMeasure],
    values: list[QuarterlyValue],
    *,
    year: int,
    year_label_text: str,
    quarters: list[Quarter],
    categories: dict[int, list] | None = None,
    ended: list[int] | None = None,
) -> dict[int, MeasureSummary]:
    by_measure: dict[int, dict[tuple[int, int], QuarterlyValue]] = defaultdict(dict)
    for value in values:
        by_measure[value.measure_id][(value.period.year, value.period.quarter)] = value
    summaries = {}
    for measure in measures:
        own = by_measure.get(measure.pk, {})
        entries = [rules.Entry.of(v) for (y, _q), v in sorted(own.items()) if y == year]
        trend = _series(measure, quarters, own)
        latest = next((p for p in reversed(trend) if p.value is not None), None)
        breakdown = None
        if measure.breakdown_first_id and categories:
            shown = [own.get((q.year, q.quarter)) for q in quarters]
            last = next((v for v in reversed(shown) if v and v.breakdown), None)
            if last is not None:
                breakdown = breakdown_line(measure, last, categories, last.period.label)
        summaries[measure.pk] = MeasureSummary(
            measure=measure,
            year=YearSummary(
                measure=measure,
                year=year,
                label=year_label_text,
                entries=entries,
                ended=ended or [],
                done_earlier=bool(getattr(measure, "done_before", False)),
            ),
            trend=trend,
            latest=latest,
            breakdown=breakdown,
        )
    return summaries


def dashboard_get(*, partnership: Partnership, year: int | None = None) -> Dashboard:
    start = partnership.reporting_year_start_month
    now = current_quarter(partnership=partnership)
    periods = list(period_list_with_figures(partnership=partnership))
    known_years = sorted({p.year for p in periods} | {now.year})
    if year not in known_years:
        year = now.year
    # The trend shows the eight quarters up to the chosen year's end, or up to
    # now when the chosen year is the current one.
    last = now if year == now.year else Quarter(year, 4, start)
    quarters = last.back(TREND_QUARTERS)
    wanted_years = {q.year for q in quarters} | {year}
    measures = list(
        measure_list(partnership=partnership).annotate(
            done_before=milestone_done_before(partnership=partnership, year=year)
        )
    )
    values = list(
        quarterly_value_list(partnership=partnership).filter(
            period__year__in=wanted_years
        )
    )
    # A retired measure has left the dashboard; a past year's dashboard and
    # report still show it where it has figures in that year.
    reported_in_year = {v.measure_id for v in values if v.period.year == year}
    measures = [
        m
        for m in measures
        if m.retired_at is None or (year != now.year and m.pk in reported_in_year)
    ]
    summaries = _summaries(
        measures,
        values,
        year=year,
        year_label_text=year_label(year, start),
        quarters=quarters,
        categories=category_map(partnership=partnership)
        if any(m.breakdown_first_id for m in measures)
        else None,
        ended=year_quarters_ended(
            partnership=partnership,
            year=year,
            first=first_reporting_quarter_get(
                partnership=partnership, earliest_figure=earliest_figure_of(periods)
            ),
        ),
    )

    outcomes = list(outcome_list(partnership=partnership))
    outcomes_by_priority: dict[int | None, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        outcomes_by_priority[outcome.priority_id].append(outcome)

    def sections_for(priority_id: int | None) -> list[OutcomeSection]:
        sections = []
        for outcome in outcomes_by_priority.get(priority_id, []):
            own = [s for s in summaries.values() if s.measure.outcome_id == outcome.pk]
            sections.append(OutcomeSection(outcome, own))
        loose = [
            s
            for s in summaries.values()
            if s.measure.outcome_id is None
            and s.measure.priority_id == priority_id
            and priority_id is not None
        ]
        if loose:
            sections.insert(0, OutcomeSection(None, loose))
        return sections

    priorities = [
        PrioritySection(p, outcomes_by_priority.get(p.pk, []), sections_for(p.pk))
        for p in priority_list(partnership=partnership)
    ]
    if outcomes_by_priority.get(None):
        priorities.append(
            PrioritySection(None, outcomes_by_priority[None], sections_for(None))
        )
    mission_measures = [
        s
        for s in summaries.values()
        if s.measure.priority_id is None and s.measure.outcome_id is None
    ]
    return Dashboard(
        partnership=partnership,
        mission=mission_get(partnership=partnership),
        year=year,
        year_label=year_label(year, start),
        years=[(y, year_label(y, start)) for y in known_years],
        quarters=quarters,
        priorities=priorities,
        mission_measures=mission_measures,
    )


def measure_chart(
    measure: PerformanceMeasure,
    series: list[Point],
    *,
    quarters: list[Quarter] | None = None,
    id_prefix: str = "chart",
    year: int,
) -> tuple[SafeString, str]:
    """The measure's quarterly chart and its text alternative.

    The one chart definition the measure page and the annual report share:
    actuals by quarter, the target (a quarter's share of it for measures that
    add up over the year) and the baseline; given the quarters the series
    covers, also the baseline forecast, dashed, after the last actual value.
    """

    def fmt(v):
        return rules.format_figure(measure.value_type, v)

    target = measure.target_for(year)
    target_label = _("Annual target")
    if target is not None and measure.aggregation == Aggregation.SUM:
        target = target / 4
        target_label = _("Quarterly share of the annual target")
    forecast = measure_forecast(measure, series, quarters) if quarters else []
    description = describe(
        series, fmt, target=target, target_label=target_label, forecast=forecast
    )
    chart = line_chart(
        series,
        title=_("%(name)s by quarter") % {"name": measure.name},
        description=description,
        fmt=fmt,
        target=target,
        target_label=target_label,
        baseline=measure.baseline_value,
        forecast=forecast,
        id_prefix=id_prefix,
    )
    return chart, description


@dataclass
class MeasurePage:
    measure: PerformanceMeasure
    series: list[Point]
    values: list[QuarterlyValue]
    years: list[YearSummary]
    chart: str
    chart_description: str
    fmt: object


def measure_page_get(*, partnership: Partnership, pk: int) -> MeasurePage:
    """Raises PerformanceMeasure.DoesNotExist for another partnership's measure."""
    measure = measure_detail(partnership=partnership, pk=pk)
    values = list(measure.values.all())
    start = partnership.reporting_year_start_month
    now = current_quarter(partnership=partnership)
    first = values[0].period.as_quarter if values else now
    quarters = [first]
    while quarters[-1] < now:
        quarters.append(quarters[-1].next())
    by_quarter = {(v.period.year, v.period.quarter): v for v in values}
    series = _series(measure, quarters, by_quarter)
    years_seen = sorted({v.period.year for v in values} | {now.year}, reverse=True)
    first_quarter = first_reporting_quarter_get(
        partnership=partnership,
        earliest_figure=earliest_figure_annotated(measure),
    )
    years = [
        YearSummary(
            measure=measure,
            year=y,
            label=year_label(y, start),
            entries=[rules.Entry.of(v) for v in values if v.period.year == y],
            done_earlier=any(
                v.period.year < y and v.value is not None and v.value >= 1
                for v in values
                if measure.value_type == ValueType.MILESTONE
            ),
            ended=year_quarters_ended(
                partnership=partnership, year=y, first=first_quarter
            ),
        )
        for y in years_seen
    ]

    def fmt(v):
        return rules.format_figure(measure.value_type, v)

    chart, description = measure_chart(
        measure, series, quarters=quarters, year=now.year
    )
    return MeasurePage(
        measure=measure,
        series=series,
        values=sorted(
            values, key=lambda v: (v.period.year, v.period.quarter), reverse=True
        ),
        years=years,
        chart=chart,
        chart_description=description,
        fmt=fmt,
    )


def annual_report_list(*, partnership: Partnership):
    return AnnualReport.objects.filter(partnership=partnership).select_related(
        "partnership", "requested_by"
    )
