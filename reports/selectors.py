"""Read models for the steering dashboard and the measure page.

Each is built from a fixed number of queries (the mission, priorities,
outcomes, measures, periods and values, each fetched once) and assembled in
Python, so the query count does not grow with the size of the framework.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Exists, JSONField, OuterRef, Q, TextField, Value
from django.db.models.functions import NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpis import rules
from kpis.forecast import CurveVerdict, baseline_forecast, curve_verdict, latest_run
from kpis.models import (
    Aggregation,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    Question,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter, year_label
from kpis.selectors import (
    BreakdownLine,
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
    year_summary,
)
from kpis.year import YearFigures
from outcomes.models import Mission, Outcome, Priority
from outcomes.selectors import mission_get, outcome_list, priority_list
from partnerships.i18n import label_once
from partnerships.models import Partnership

from . import dashboard_rows
from .charts import (
    Point,
    describe,
    describe_milestone,
    line_chart,
    milestone_chart,
    sparkline,
)
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


def curve_of(value_type: str, direction: str, values: list) -> str:
    """Turning the curve: the latest of ``values`` (ended quarters, in
    order) against the baseline forecast made from those before it
    (kpis.forecast); a milestone (done or not done) has no curve."""
    if value_type == ValueType.MILESTONE:
        return CurveVerdict.NOT_ENOUGH_HISTORY
    lower, upper = forecast_bounds(value_type)
    return curve_verdict(
        values,
        direction=direction,
        lower=lower,
        upper=upper,
        whole=value_type == ValueType.COUNT,
    )


def ended_count(quarters: list[Quarter]) -> int:
    """How many of these quarters, in time order, have ended by today.

    Forecasts and verdicts are made from ended quarters only: the quarter in
    progress may hold a partial figure.
    """
    today = timezone.localdate()
    return sum(1 for q in quarters if q.ends_on < today)


def measure_forecast(
    measure: PerformanceMeasure, series: list[Point], quarters: list[Quarter]
) -> list[Point]:
    """The baseline forecast for the quarters after the last reported one.

    Made from the quarters that have ended; empty for milestones (done or
    not done has no curve) and where kpis.forecast finds too little or too
    lumpy a history.
    """
    if measure.value_type == ValueType.MILESTONE:
        return []
    ended = ended_count(quarters)
    series, quarters = series[:ended], quarters[:ended]
    known = [i for i, p in enumerate(series) if p.value is not None]
    if not known:
        return []
    lower, upper = forecast_bounds(measure.value_type)
    forecast = baseline_forecast(
        latest_run([p.value for p in series]),
        FORECAST_QUARTERS,
        lower=lower,
        upper=upper,
        whole=measure.value_type == ValueType.COUNT,
    )
    if forecast is None:
        return []
    quarter, points = quarters[known[-1]], []
    for value in forecast.points:
        quarter = quarter.next()
        points.append(Point(quarter.label, value))
    return points


def curve_disagreement(status: str, curve: str) -> str:
    """Why the status and the curve seem to disagree, when they do.

    Status judges the year so far against the target; the curve judges
    the latest quarter against the trend of the quarters before it. They
    answer different questions, and a steering group should not have to
    guess which to believe.
    """
    if status == rules.Status.ON_TRACK and curve == CurveVerdict.NOT_TURNING:
        return _(
            "On track for the year's target, but the latest quarter fell "
            "short of where the recent trend was heading."
        )
    if status == rules.Status.OFF_TRACK and curve == CurveVerdict.TURNING:
        return _(
            "Off track for the year's target, but the latest quarter beat "
            "where the recent trend was heading: the curve is turning."
        )
    return ""


@dataclass
class MeasureSummary:
    measure: PerformanceMeasure
    year: YearFigures
    trend: list[Point]
    latest: Point | None
    # The latest quarter's breakdown, for measures that have one.
    breakdown: BreakdownLine | None = None
    # How many of the trend's points are of quarters that have ended (None:
    # all of them); the verdict is made from those.
    ended_points: int | None = None
    # The measure page's address (one reverse() per page, not per measure).
    url: str = ""

    @property
    def fmt(self):
        return lambda v: rules.format_figure(self.measure.value_type, v)

    @cached_property
    def latest_display(self) -> str:
        return self.fmt(self.latest.value) if self.latest else "—"

    @cached_property
    def curve(self) -> str:
        """Turning the curve: the latest ended quarter against the baseline
        forecast made from the quarters before it (kpis.forecast)."""
        return curve_of(
            self.measure.value_type,
            self.measure.direction,
            [p.value for p in self.trend[: self.ended_points]],
        )

    @property
    def curve_label(self) -> str:
        return label_once(("curve", self.curve), CURVE_LABELS[self.curve])

    @cached_property
    def curve_disagreement(self) -> str:
        return curve_disagreement(self.year.status, self.curve)

    @cached_property
    def trend_description(self) -> str:
        return describe(self.trend, self.fmt)

    @cached_property
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
    def rba_html(self) -> SafeString:
        """The dashboard's RBA columns of these measures."""
        return dashboard_rows.rba_group_html(self)

    @property
    def columns(self) -> list[tuple[str, list[MeasureSummary]]]:
        return [
            (label_once(("question", q), q.label), self.column(q.value))
            for q in Question
        ]


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
    def mission_status_counts(self) -> list[tuple[rules.Status, int]]:
        """How the mission-wide measures stand (headline ones, if any)."""
        headline = [s for s in self.mission_measures if s.measure.is_headline]
        return count_statuses(headline or self.mission_measures)

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
    labels: list[str] | None = None,
) -> list[Point]:
    """The measure's figure in each quarter; None where nothing was reported."""
    points = []
    for q, label in zip(quarters, labels or [q.label for q in quarters], strict=True):
        stored = by_quarter.get((q.year, q.quarter))
        figure = (
            rules.quarter_figure(measure.value_type, rules.Entry.of(stored))
            if stored is not None
            else None
        )
        points.append(Point(label, figure))
    return points


def measure_url_maker(slug: str):
    """Measure pages' addresses from one reverse(): the path with pk 0, its
    last segment replaced by each measure's pk."""
    prefix = reverse("reports:measure_detail", kwargs={"slug": slug, "pk": 0})
    prefix = prefix.removesuffix("0/")
    return lambda pk: f"{prefix}{pk}/"


def _summaries(
    measures: list[PerformanceMeasure],
    values: list[QuarterlyValue],
    *,
    year: int,
    year_label_text: str,
    quarters: list[Quarter],
    categories: dict[int, list] | None = None,
    ended: list[int] | None = None,
    slug: str,
) -> dict[int, MeasureSummary]:
    by_measure: dict[int, dict[tuple[int, int], QuarterlyValue]] = defaultdict(dict)
    for value in values:
        by_measure[value.measure_id][(value.period.year, value.period.quarter)] = value
    summaries = {}
    trend_ended = ended_count(quarters)
    # Each quarter's label once (a translated string) rather than per measure.
    labels = [q.label for q in quarters]
    url_of = measure_url_maker(slug)
    for measure in measures:
        own = by_measure.get(measure.pk, {})
        entries = [rules.Entry.of(v) for (y, _q), v in sorted(own.items()) if y == year]
        trend = _series(measure, quarters, own, labels)
        latest = next((p for p in reversed(trend) if p.value is not None), None)
        breakdown = None
        if measure.breakdown_first_id and categories:
            shown = [own.get((q.year, q.quarter)) for q in quarters]
            last = next((v for v in reversed(shown) if v and v.breakdown), None)
            if last is not None:
                breakdown = breakdown_line(measure, last, categories, last.period.label)
        summaries[measure.pk] = MeasureSummary(
            measure=measure,
            year=year_summary(
                measure=measure,
                year=year,
                label=year_label_text,
                entries=entries,
                ended=ended or [],
                done_earlier=bool(getattr(measure, "done_before", False)),
                start_month=quarters[0].start_month if quarters else None,
            ),
            trend=trend,
            latest=latest,
            breakdown=breakdown,
            ended_points=trend_ended,
            url=url_of(measure.pk),
        )
    return summaries


@dataclass(frozen=True, slots=True)
class _Figure:
    """A stored figure as the dashboard reads it: its numbers, and its quarter
    as a ``Quarter`` (what ``rules.Entry.of`` and the breakdown line read of
    a QuarterlyValue), without the model instance, its period row or users."""

    measure_id: int
    period: Quarter
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    breakdown: dict


def tuples_read(model, sql: str, params: dict) -> list[tuple]:
    """``sql``'s rows as tuples, on the database the router reads ``model``
    from (the replica inside ``replica_reads``), as the runtime role, under
    row-level security like any ORM read: for the dashboard's reads, where
    the ORM spent more CPU compiling a query than PostgreSQL ran it."""
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The shown quarters' figures by their quarters' ids (the partnership_id
# predicate beside row-level security's lets the planner use the tenant's
# index); most figures have no breakdown, and the few cells come as JSON text,
# parsed here, so no converter runs on every row.
_FIGURES_BY_PERIOD = """
SELECT measure_id, period_id, value, numerator, denominator,
    NULLIF(breakdown, '{}'::jsonb)::text
FROM kpis_quarterlyvalue
WHERE partnership_id = %(partnership)s AND period_id = ANY(%(periods)s::bigint[])
"""


def figure_rows(
    *,
    partnership: Partnership,
    quarters: list[Quarter],
    periods: dict[int, tuple[int, int]] | None = None,
) -> list[tuple]:
    """The figures of these quarters only, as tuples ``(measure id, year,
    quarter, value, numerator, denominator, breakdown cells or None)``: the
    dashboard shows eight quarters and the chosen year, so it reads no other
    quarter's figures. The explicit partnership_id predicates beside row-level
    security let the planner see the tenant (and use its indexes).

    ``periods``: the partnership's quarters already read, ``{period id:
    (year, quarter)}``; with them the figures are read by those ids, neither
    joining each figure to its quarter's row nor planning a subquery."""
    wanted = {(q.year, q.quarter) for q in quarters}
    if periods is not None:
        shown = {pk: key for pk, key in periods.items() if key in wanted}
        if not shown:
            return []
        rows = tuples_read(
            QuarterlyValue,
            _FIGURES_BY_PERIOD,
            {"partnership": partnership.pk, "periods": sorted(shown)},
        )
        return [
            (
                measure_id,
                *shown[period_id],
                value,
                num,
                den,
                None if text is None else json.loads(text),
            )
            for measure_id, period_id, value, num, den, text in rows
        ]
    # Most figures have no breakdown (NULL); the few cells are read as JSON
    # text and parsed here, so no converter runs on every row.
    cells = NullIf(
        "breakdown", Value({}, output_field=JSONField()), output_field=TextField()
    )
    by_year: dict[int, set[int]] = defaultdict(set)
    for year, number in wanted:
        by_year[year].add(number)
    shown_q = Q()
    for year, numbers in by_year.items():
        shown_q |= Q(year=year, quarter__in=sorted(numbers))
    period_ids = Period.objects.filter(shown_q, partnership=partnership).values("pk")
    rows = (
        QuarterlyValue.objects.filter(partnership=partnership, period_id__in=period_ids)
        .annotate(cells=cells)
        .values_list(
            "measure_id",
            "period__year",
            "period__quarter",
            "value",
            "numerator",
            "denominator",
            "cells",
        )
        .order_by()
    )
    return [row if row[6] is None else (*row[:6], json.loads(row[6])) for row in rows]


def _dashboard_figures(
    *, partnership: Partnership, quarters: list[Quarter]
) -> list[_Figure]:
    """``figure_rows`` with each quarter as a ``Quarter``."""
    by_key = {(q.year, q.quarter): q for q in quarters}
    return [
        _Figure(measure_id, by_key[year, number], value, num, den, cells or {})
        for measure_id, year, number, value, num, den, cells in figure_rows(
            partnership=partnership, quarters=quarters
        )
    ]


@dataclass
class YearMeasures:
    """What the dashboard and the year summary share: the year shown (the
    current one when the year asked for holds nothing), and each measure's
    summary of it, keyed by measure id."""

    year: int
    known_years: list[int]
    quarters: list[Quarter]
    summaries: dict[int, MeasureSummary]


def _year_measures(
    *, partnership: Partnership, year: int | None, breakdowns: bool = True
) -> YearMeasures:
    start = partnership.reporting_year_start_month
    now = current_quarter(partnership=partnership)
    periods = list(period_list_with_figures(partnership=partnership))
    known_years = sorted({p.year for p in periods} | {now.year}, reverse=True)
    if year not in known_years:
        year = now.year
    # The trend shows the eight quarters up to the chosen year's end, or up to
    # now when the chosen year is the current one.
    last = now if year == now.year else Quarter(year, 4, start)
    quarters = last.back(TREND_QUARTERS)
    measures = list(
        measure_list(partnership=partnership)
        # The dashboard places measures by their priority's and outcome's
        # ids (it reads those rows once, on their own): not joined per measure.
        .select_related(None)
        .select_related("breakdown_first", "breakdown_second")
        .annotate(done_before=milestone_done_before(partnership=partnership, year=year))
    )
    # Each baseline quarter from the partnership's quarters, read above: a
    # join would read every partnership's quarters (row-level security's
    # filter hides the tenant from the planner there).
    by_id = {period.pk: period for period in periods}
    for measure in measures:
        if measure.baseline_period_id in by_id:
            measure.baseline_period = by_id[measure.baseline_period_id]
    values = _dashboard_figures(
        partnership=partnership,
        quarters=[*quarters, *(Quarter(year, n, start) for n in range(1, 5))],
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
        slug=partnership.slug,
        year=year,
        year_label_text=year_label(year, start),
        quarters=quarters,
        categories=category_map(partnership=partnership)
        if breakdowns and any(m.breakdown_first_id for m in measures)
        else None,
        ended=year_quarters_ended(
            partnership=partnership,
            year=year,
            first=first_reporting_quarter_get(
                partnership=partnership, earliest_figure=earliest_figure_of(periods)
            ),
        ),
    )
    return YearMeasures(year, known_years, quarters, summaries)


def dashboard_get(*, partnership: Partnership, year: int | None = None) -> Dashboard:
    """The dashboard's figures with each measure as a model instance: the
    annual report's read model (it draws each headline measure's chart from
    the measure, and an edition replaces figures). The dashboard page reads
    the same figures from the flat model (``reports.year_figures``)."""
    return dashboard_assemble(
        partnership=partnership,
        shown=_year_measures(partnership=partnership, year=year),
    )


def dashboard_assemble(*, partnership: Partnership, shown: YearMeasures) -> Dashboard:
    """The mission, priorities and outcomes around each measure's summary
    (a ``MeasureSummary``, or the flat model's ``MeasureFigures``)."""
    start = partnership.reporting_year_start_month
    year, known_years, quarters, summaries = (
        shown.year,
        shown.known_years,
        shown.quarters,
        shown.summaries,
    )

    outcomes = list(outcome_list(partnership=partnership))
    outcomes_by_priority: dict[int | None, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        outcomes_by_priority[outcome.priority_id].append(outcome)

    # Each measure put with its outcome (or, without one, its priority) in
    # one pass, in the summaries' order, rather than every measure looked at
    # again for each outcome.
    by_outcome: dict[int, list] = defaultdict(list)
    loose_by_priority: dict[int, list] = defaultdict(list)
    mission_measures = []
    for summary in summaries.values():
        outcome_id, priority_id = (
            summary.measure.outcome_id,
            summary.measure.priority_id,
        )
        if outcome_id is not None:
            by_outcome[outcome_id].append(summary)
        elif priority_id is not None:
            loose_by_priority[priority_id].append(summary)
        else:
            mission_measures.append(summary)

    def sections_for(priority_id: int | None) -> list[OutcomeSection]:
        sections = [
            OutcomeSection(outcome, by_outcome.get(outcome.pk, []))
            for outcome in outcomes_by_priority.get(priority_id, [])
        ]
        loose = loose_by_priority.get(priority_id) if priority_id is not None else None
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
    height: int | None = None,
    show_baseline: bool = True,
) -> tuple[SafeString, str]:
    """The measure's quarterly chart and its text alternative.

    The one chart definition the measure page and the annual report share:
    actuals by quarter, the target (a quarter's share of it for measures that
    add up over the year) and the baseline; given the quarters the series
    covers, also the baseline forecast, dashed, after the last actual value.
    """

    def fmt(v):
        return rules.format_figure(measure.value_type, v)

    title = _("%(name)s by quarter") % {"name": measure.name}
    if measure.value_type == ValueType.MILESTONE:
        description = describe_milestone(series)
        chart = milestone_chart(
            series, title=title, description=description, id_prefix=id_prefix
        )
        return chart, description
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
        title=title,
        description=description,
        fmt=fmt,
        target=target,
        target_label=target_label,
        baseline=measure.baseline_value if show_baseline else None,
        forecast=forecast,
        id_prefix=id_prefix,
        **({"height": height} if height else {}),
    )
    return chart, description


# How many reporting years the measure page shows at a time (its years table,
# chart and stories), newest first; earlier ones are a link away. Four years
# hold at least 13 quarters, more than the forecast's two years need.
MEASURE_PAGE_YEARS = 4


@dataclass(frozen=True, slots=True)
class FigurePeriod:
    """A figure's quarter as the measure page shows it (what it read of the
    ``Period`` row)."""

    pk: int
    as_quarter: Quarter
    is_locked: bool

    @property
    def year(self) -> int:
        return self.as_quarter.year

    @property
    def quarter(self) -> int:
        return self.as_quarter.quarter

    @property
    def label(self) -> str:
        return self.as_quarter.label


@dataclass(slots=True)
class MeasureFigure:
    """A stored figure as the measure page shows it, read as a tuple: its
    numbers, story, review state and who saved it (their name only)."""

    pk: int
    period_id: int
    period: FigurePeriod
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    breakdown: dict
    status: str
    story: str
    return_reason: str
    updated_at: datetime.datetime
    # The name of whoever saved it last (None: nobody recorded).
    entered_by: str | None

    def get_status_display(self) -> str:
        return label_once(
            ("review-status", self.status), ReviewStatus(self.status).label
        )


_FIGURE_COLUMNS = (
    "pk",
    "period_id",
    "period__year",
    "period__quarter",
    "period__locked_at",
    "value",
    "numerator",
    "denominator",
    "breakdown",
    "status",
    "story",
    "return_reason",
    "updated_at",
    "entered_by_id",
    "entered_by__full_name",
    "entered_by__email",
)


def measure_figures(
    *, partnership: Partnership, measure_id: int, years: Q
) -> list[MeasureFigure]:
    """The measure's figures of ``years``, in quarter order, as lean records
    (no model instances, no user rows beyond the names shown)."""
    start = partnership.reporting_year_start_month
    rows = (
        QuarterlyValue.objects.filter(partnership=partnership, measure_id=measure_id)
        .filter(years)
        .order_by("period__year", "period__quarter")
        .values_list(*_FIGURE_COLUMNS)
    )
    return [
        MeasureFigure(
            pk=pk,
            period_id=period_id,
            period=FigurePeriod(
                period_id, Quarter(year, quarter, start), locked_at is not None
            ),
            value=value,
            numerator=numerator,
            denominator=denominator,
            breakdown=breakdown,
            status=status,
            story=story,
            return_reason=return_reason,
            updated_at=updated_at,
            # What str() of the user wrote: the full name, else the email.
            entered_by=(full_name or email) if user_id is not None else None,
        )
        for (
            pk,
            period_id,
            year,
            quarter,
            locked_at,
            value,
            numerator,
            denominator,
            breakdown,
            status,
            story,
            return_reason,
            updated_at,
            user_id,
            full_name,
            email,
        ) in rows
    ]


@dataclass
class MeasurePage:
    measure: PerformanceMeasure
    series: list[Point]
    # The shown years' figures, newest first.
    values: list[MeasureFigure]
    # The shown years, newest first.
    years: list[YearFigures]
    chart: str
    chart_description: str
    fmt: object
    # The current year's summary (the page's facts: target, due by).
    current: YearFigures | None = None
    # The newer end of the years shown before these, and after (None: none).
    earlier_until: int | None = None
    later_until: int | None = None


@dataclass
class MeasureHistory:
    """A measure's figures from its first quarter to now, and its years."""

    measure: PerformanceMeasure
    values: list[QuarterlyValue]
    # Every quarter from the first figure's to the current one, and the
    # measure's figure in each (None where missing).
    quarters: list[Quarter]
    series: list[Point]
    # Newest first.
    years: list[YearFigures]

    def curve(self, year: int) -> str:
        """Turning the curve at the end of ``year``: the latest quarter of the
        year that has ended, against the forecast from the quarters before it."""
        today = timezone.localdate()
        return curve_of(
            self.measure.value_type,
            self.measure.direction,
            [
                point.value
                for point, quarter in zip(self.series, self.quarters, strict=True)
                if quarter.year <= year and quarter.ends_on < today
            ],
        )


def measure_page_get(
    *, partnership: Partnership, pk: int, until: int | None = None
) -> MeasurePage:
    """The measure page: ``MEASURE_PAGE_YEARS`` reporting years up to
    ``until`` (default, and at most, the current year), and only those years'
    figures read, so the page costs the same however long the history.

    Raises PerformanceMeasure.DoesNotExist for another partnership's measure.
    """
    start = partnership.reporting_year_start_month
    now = current_quarter(partnership=partnership)
    if until is None or until > now.year:
        until = now.year
    lowest = until - MEASURE_PAGE_YEARS + 1
    earlier = QuarterlyValue.objects.filter(
        partnership=partnership, measure=OuterRef("pk")
    )
    # The current year's figures too: the page's facts are about it.
    shown_years = Q(period__year__range=(lowest, until)) | Q(period__year=now.year)
    measure = measure_detail(
        partnership=partnership,
        pk=pk,
        figures=False,
        # What the years before these hold, read with the measure: whether
        # there are any figures (the link to them), and the years a milestone
        # was done in (a later year shows it done earlier).
        annotations={
            "figures_earlier": Exists(earlier.filter(period__year__lt=lowest)),
            "done_years": ArraySubquery(
                earlier.filter(
                    value_type=ValueType.MILESTONE,
                    value__gte=1,
                    period__year__lt=now.year,
                )
                .values("period__year")
                .order_by()
            ),
        },
    )
    fetched = measure_figures(
        partnership=partnership, measure_id=measure.pk, years=shown_years
    )
    values = [v for v in fetched if lowest <= v.period.year <= until]
    first_quarter = first_reporting_quarter_get(
        partnership=partnership,
        earliest_figure=earliest_figure_annotated(measure),
    )

    def year_of(y: int) -> YearFigures:
        return year_summary(
            measure=measure,
            year=y,
            label=year_label(y, start),
            entries=[rules.Entry.of(v) for v in fetched if v.period.year == y],
            done_earlier=any(done < y for done in measure.done_years),
            ended=year_quarters_ended(
                partnership=partnership, year=y, first=first_quarter
            ),
            start_month=start,
        )

    last = now if until == now.year else Quarter(until, 4, start)
    first = (
        Quarter(lowest, 1, start)
        if measure.figures_earlier
        else min((v.period.as_quarter for v in values), default=last)
    )
    quarters = [first]
    while quarters[-1] < last:
        quarters.append(quarters[-1].next())
    by_quarter = {(v.period.year, v.period.quarter): v for v in values}
    series = _series(measure, quarters, by_quarter)
    years_seen = {v.period.year for v in values}
    if until == now.year:
        years_seen.add(now.year)
    years = [year_of(y) for y in sorted(years_seen, reverse=True)]
    current = years[0] if until == now.year and years else year_of(now.year)

    def fmt(v):
        return rules.format_figure(measure.value_type, v)

    chart, description = measure_chart(
        measure,
        series,
        # The forecast runs on from the latest figures: drawn on the newest
        # years only, not after an earlier window's last quarter.
        quarters=quarters if until == now.year else None,
        year=quarters[-1].year,
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
        current=current,
        earlier_until=lowest - 1 if measure.figures_earlier else None,
        later_until=min(until + MEASURE_PAGE_YEARS, now.year)
        if until < now.year
        else None,
    )


def measure_pk_for_code(*, partnership: Partnership, code: str) -> int | None:
    """The partnership's measure of this code (None: no such measure)."""
    return (
        PerformanceMeasure.objects.filter(partnership=partnership, code=code)
        .values_list("pk", flat=True)
        .first()
    )


def measure_history_get(*, partnership: Partnership, pk: int) -> MeasureHistory:
    """Raises PerformanceMeasure.DoesNotExist for another partnership's measure.

    The one source of a measure's year figures: the measure page and the
    API's years endpoint both read it.
    """
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
        year_summary(
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
            start_month=start,
        )
        for y in years_seen
    ]
    return MeasureHistory(
        measure=measure, values=values, quarters=quarters, series=series, years=years
    )


def annual_report_list(*, partnership: Partnership):
    return AnnualReport.objects.filter(partnership=partnership).select_related(
        "partnership", "requested_by", "withdrawn_by"
    )
