"""The year's figures of every measure, as a flat read model.

What the dashboard (``dashboard_page_get``) and the exports' year summary
(``year_summary_list``) show of each measure: its year so far against its
target, status, what is missing, the last eight quarters, the latest figure,
whether the curve is turning, and the latest breakdown. Read as tuples (the
measures' shown columns in one ``values_list``, the shown quarters' figures in
another: no model instances) and computed by one function,
``year_figures_compute``, into slotted dataclasses: each measure's year by
``kpis.year.year_figures_of`` (the one implementation of the year's rules,
which the measure page and the annual report use too), its trend and curve by
``kpis.rules`` and ``kpis.forecast`` on plain numbers.

The annual report keeps ``reports.selectors.dashboard_get`` (model instances:
it draws charts from the measures and replaces figures for an edition);
tests/reports/test_year_figures.py holds the two reads to the same figures.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kpis import rules
from kpis.models import PerformanceMeasure, Period, Question, ValueType
from kpis.periods import Quarter, year_label
from kpis.selectors import (
    BreakdownLine,
    breakdown_table,
    category_map,
    current_quarter,
    first_reporting_quarter_get,
    year_quarters_ended,
)
from kpis.year import YearFigures, year_figures_of
from partnerships.bilingual import content_language
from partnerships.i18n import label_once
from partnerships.models import Partnership

from . import dashboard_rows
from .charts import Point, describe, sparkline
from .selectors import (
    CURVE_LABELS,
    TREND_QUARTERS,
    Dashboard,
    YearMeasures,
    curve_disagreement,
    curve_of,
    dashboard_assemble,
    figure_rows,
    measure_url_maker,
    tuples_read,
)


@dataclass(frozen=True, slots=True)
class DimensionName:
    """A breakdown dimension as ``kpis.selectors.breakdown_table`` reads it."""

    pk: int
    name: str


@dataclass(slots=True)
class MeasureRow:
    """What these pages show of a measure, read as one tuple."""

    pk: int
    partnership_id: int
    code: str
    # The name in the page's language (as the model's ``name`` reads), and
    # both columns for ``{% bilingual %}`` (which marks an English fallback).
    name: str
    name_en: str
    name_cy: str | None
    # What {% bilingual measure "name" %} writes.
    name_html: SafeString
    position: int
    question: str
    value_type: str
    aggregation: str
    direction: str
    is_headline: bool
    priority_id: int | None
    outcome_id: int | None
    due_year: int | None
    due_quarter: int | None
    retired_at: datetime.datetime | None
    breakdown_first_id: int | None
    dimensions: list[DimensionName]
    # The target of the year shown (its own, else the annual target).
    target: Decimal | None
    # A milestone done before the year shown: it stays done.
    done_before: bool

    @property
    def question_label(self) -> str:
        return label_once(("question", self.question), Question(self.question).label)


def _translated(english: str | None, welsh: str | None, language: str) -> str:
    """A translated column as modeltranslation's descriptor reads it: the
    Welsh text on a Welsh page unless it is NULL, else the English."""
    if language == "cy" and welsh is not None:
        return welsh
    return english or ""


def _name_html(english: str | None, welsh: str | None, language: str) -> SafeString:
    """``{% bilingual %}`` of a name: escaped, and an English fallback on a
    Welsh page marked ``lang="en"`` (``partnerships.bilingual.text_for``)."""
    if language != "cy" or welsh:
        return mark_safe(escape(welsh if language == "cy" else english or ""))  # noqa: S308
    if english:
        return mark_safe(f'<span lang="en">{escape(english)}</span>')  # noqa: S308
    return mark_safe("")


# The measures' shown columns, each dimension's names, the year's target (its
# own, else the annual one) and, for a milestone, whether it was done before
# the year. Hand-written, with the tenant named beside row-level security's
# filter on every table so the planner sees it: the ORM's version spent more
# CPU compiling than PostgreSQL spent running it, and joined each earlier
# figure to its quarter where the quarters' ids are already known.
_MEASURE_ROWS = """
SELECT m.id, m.partnership_id, m.code, m.name_en, m.name_cy, m.position,
    m.question, m.value_type, m.aggregation, m.direction, m.is_headline,
    m.priority_id, m.outcome_id, m.due_year, m.due_quarter, m.retired_at,
    m.breakdown_first_id, first.name_en, first.name_cy,
    m.breakdown_second_id, second.name_en, second.name_cy,
    COALESCE(target.target, m.annual_target),
    CASE WHEN m.value_type = %(milestone)s THEN EXISTS (
        SELECT 1 FROM kpis_quarterlyvalue done
        WHERE done.partnership_id = %(partnership)s
            AND done.measure_id = m.id
            AND done.value_type = %(milestone)s
            AND done.value >= 1
            AND done.period_id = ANY(%(earlier)s::bigint[])
    ) ELSE false END
FROM kpis_performancemeasure m
LEFT JOIN kpis_measuretarget target ON target.partnership_id = %(partnership)s
    AND target.measure_id = m.id AND target.year = %(year)s
LEFT JOIN kpis_dimension first ON first.partnership_id = %(partnership)s
    AND first.id = m.breakdown_first_id
LEFT JOIN kpis_dimension second ON second.partnership_id = %(partnership)s
    AND second.id = m.breakdown_second_id
WHERE m.partnership_id = %(partnership)s
ORDER BY m.position, m.code
"""


def measure_rows(
    *, partnership: Partnership, year: int, earlier_periods: list[int]
) -> list[MeasureRow]:
    """The partnership's measures in the framework's order, retired ones too,
    each with the target of ``year``; ``earlier_periods``: the ids of the
    partnership's quarters before ``year`` (a milestone done in one stays
    done)."""
    language = content_language()
    rows = tuples_read(
        PerformanceMeasure,
        _MEASURE_ROWS,
        {
            "partnership": partnership.pk,
            "year": year,
            "milestone": ValueType.MILESTONE.value,
            "earlier": earlier_periods,
        },
    )
    measures = []
    for (
        pk,
        partnership_id,
        code,
        name_en,
        name_cy,
        position,
        question,
        value_type,
        aggregation,
        direction,
        is_headline,
        priority_id,
        outcome_id,
        due_year,
        due_quarter,
        retired_at,
        first_id,
        first_en,
        first_cy,
        second_id,
        second_en,
        second_cy,
        target,
        done_before,
    ) in rows:
        dimensions = [
            DimensionName(dimension, _translated(english, welsh, language))
            for dimension, english, welsh in (
                (first_id, first_en, first_cy),
                (second_id, second_en, second_cy),
            )
            if dimension is not None
        ]
        measures.append(
            MeasureRow(
                pk=pk,
                partnership_id=partnership_id,
                code=code,
                name=_translated(name_en, name_cy, language),
                name_html=_name_html(name_en, name_cy, language),
                name_en=name_en,
                name_cy=name_cy,
                position=position,
                question=question,
                value_type=value_type,
                aggregation=aggregation,
                direction=direction,
                is_headline=is_headline,
                priority_id=priority_id,
                outcome_id=outcome_id,
                due_year=due_year,
                due_quarter=due_quarter,
                retired_at=retired_at,
                breakdown_first_id=first_id,
                dimensions=dimensions,
                target=target,
                done_before=bool(done_before),
            )
        )
    return measures


@dataclass(slots=True)
class MeasureFigures:
    """A measure and its figures, as the dashboard and year summary show them."""

    measure: MeasureRow
    year: YearFigures
    # The shown quarters' labels (shared by every measure) and this measure's
    # figure in each (None where nothing was reported).
    labels: list[str]
    values: list[Decimal | None]
    latest: Point | None
    curve: str
    url: str
    breakdown: BreakdownLine | None = None

    @property
    def trend(self) -> list[Point]:
        return [
            Point(label, value)
            for label, value in zip(self.labels, self.values, strict=True)
        ]

    def fmt(self, value: Decimal | None) -> str:
        return rules.format_figure(self.measure.value_type, value)

    @property
    def latest_display(self) -> str:
        return self.fmt(self.latest.value) if self.latest else "—"

    @property
    def curve_label(self) -> str:
        return label_once(("curve", self.curve), CURVE_LABELS[self.curve])

    @property
    def curve_disagreement(self) -> str:
        return curve_disagreement(self.year.status, self.curve)

    @property
    def trend_description(self) -> str:
        return describe(self.trend, self.fmt)

    @property
    def sparkline(self) -> SafeString:
        return sparkline(
            self.trend,
            description=_("Trend of %(name)s: %(text)s")
            % {"name": self.measure.name, "text": self.trend_description},
        )

    @property
    def table_row(self) -> SafeString:
        return dashboard_rows.measure_row_html(self)


def year_figures_compute(
    measures: list[MeasureRow],
    figures: list[tuple],
    *,
    year: int,
    quarters: list[Quarter],
    ended: list[int],
    start_month: int,
    categories: dict[int, list] | None,
    url_of,
    today: datetime.date,
) -> dict[int, MeasureFigures]:
    """Every measure's figures of ``year`` and of the trend's ``quarters``.

    ``figures``: ``(measure id, year, quarter, value, numerator,
    denominator, breakdown cells)`` of the shown quarters
    (``reports.selectors.figure_rows``); ``ended``: the year's quarters that
    have ended and count (``year_quarters_ended``).
    """
    by_measure: dict[int, dict[tuple[int, int], tuple]] = defaultdict(dict)
    for figure in figures:
        by_measure[figure[0]][figure[1], figure[2]] = figure
    keys = [(q.year, q.quarter) for q in quarters]
    # Each label once (a translated string), not once a measure.
    labels = [q.label for q in quarters]
    year_text = year_label(year, start_month)
    # Forecasts and verdicts are made from the quarters that have ended.
    ended_points = sum(1 for q in quarters if q.ends_on < today)
    shown = {}
    for measure in measures:
        own = by_measure.get(measure.pk, {})
        value_type = measure.value_type
        year_figures = year_figures_of(
            value_type=value_type,
            aggregation=measure.aggregation,
            direction=measure.direction,
            target=measure.target,
            due_year=measure.due_year,
            due_quarter=measure.due_quarter,
            year=year,
            label=year_text,
            entries=[
                rules.Entry(number, f[3], f[4], f[5])
                for (y, number), f in sorted(own.items())
                if y == year
            ],
            ended=ended,
            done_earlier=measure.done_before,
            start_month=start_month,
            today=today,
        )
        stored = [own.get(key) for key in keys]
        if value_type in rules.RATE_TYPES:
            values = [
                rules.figure_of(value_type, f[3], f[4], f[5]) if f else None
                for f in stored
            ]
        else:
            # Only a rate is worked out from its numbers: the others' figure
            # is their value (rules.figure_of).
            values = [f[3] if f else None for f in stored]
        latest = next(
            (
                Point(labels[i], values[i])
                for i in range(len(values) - 1, -1, -1)
                if values[i] is not None
            ),
            None,
        )
        curve = curve_of(value_type, measure.direction, values[:ended_points])
        breakdown = None
        if measure.breakdown_first_id and categories:
            # The latest shown quarter's breakdown, if any has one.
            for index in range(len(keys) - 1, -1, -1):
                stored = own.get(keys[index])
                if stored and stored[6]:
                    breakdown = _breakdown_line(
                        measure, stored[6], categories, labels[index]
                    )
                    break
        shown[measure.pk] = MeasureFigures(
            measure=measure,
            year=year_figures,
            labels=labels,
            values=values,
            latest=latest,
            curve=curve,
            url=url_of(measure.pk),
            breakdown=breakdown,
        )
    return shown


def _breakdown_line(
    measure: MeasureRow, cells: dict, categories: dict[int, list], label: str
) -> BreakdownLine | None:
    """``kpis.selectors.breakdown_line`` of a figure's cells."""
    table = breakdown_table(measure, cells, categories)
    if table is None:
        return None
    return BreakdownLine(
        table.first, label, [(name, total) for name, _cells, total in table.rows]
    )


# ``kpis.selectors.period_list_with_figures`` as tuples: the partnership's
# quarters, each marked when it holds a figure.
_PERIODS_WITH_FIGURES = """
SELECT period.id, period.year, period.quarter, EXISTS (
    SELECT 1 FROM kpis_quarterlyvalue figure
    WHERE figure.partnership_id = %(partnership)s AND figure.period_id = period.id
)
FROM kpis_period period
WHERE period.partnership_id = %(partnership)s
"""


def year_figures_get(
    *, partnership: Partnership, year: int | None, breakdowns: bool = True
) -> YearMeasures:
    """The year shown (the current one when ``year`` holds nothing) and each
    measure's figures of it, keyed by measure id in the framework's order.

    A retired measure has left the dashboard; a past year's still shows it
    where it has figures in that year.
    """
    start = partnership.reporting_year_start_month
    today = timezone.localdate()
    now = current_quarter(partnership=partnership, today=today)
    periods = tuples_read(
        Period, _PERIODS_WITH_FIGURES, {"partnership": partnership.pk}
    )
    known_years = sorted({y for _pk, y, _q, _f in periods} | {now.year}, reverse=True)
    if year not in known_years:
        year = now.year
    # The trend shows the eight quarters up to the chosen year's end, or up to
    # now when the chosen year is the current one.
    last = now if year == now.year else Quarter(year, 4, start)
    quarters = last.back(TREND_QUARTERS)
    measures = measure_rows(
        partnership=partnership,
        year=year,
        earlier_periods=[pk for pk, y, _q, _has in periods if y < year],
    )
    figures = figure_rows(
        partnership=partnership,
        quarters=[*quarters, *(Quarter(year, n, start) for n in range(1, 5))],
        periods={pk: (y, q) for pk, y, q, _has in periods},
    )
    if year != now.year:
        reported_in_year = {f[0] for f in figures if f[1] == year}
        measures = [
            m for m in measures if m.retired_at is None or m.pk in reported_in_year
        ]
    else:
        measures = [m for m in measures if m.retired_at is None]
    earliest = min(((y, q) for _pk, y, q, has in periods if has), default=None)
    figures_of = year_figures_compute(
        measures,
        figures,
        year=year,
        quarters=quarters,
        ended=year_quarters_ended(
            partnership=partnership,
            year=year,
            first=first_reporting_quarter_get(
                partnership=partnership, earliest_figure=earliest
            ),
        ),
        start_month=start,
        categories=category_map(partnership=partnership)
        if breakdowns and any(m.breakdown_first_id for m in measures)
        else None,
        url_of=measure_url_maker(partnership.slug),
        today=today,
    )
    return YearMeasures(year, known_years, quarters, figures_of)


def year_summary_list(
    *, partnership: Partnership, year: int | None
) -> list[MeasureFigures]:
    """Each measure's figures of the year, as the dashboard shows them, in the
    framework's order (position, then code): the dashboard's figures without
    its priorities, outcomes, mission or breakdown lines (the exports' year
    summary reads no more than it writes)."""
    shown = year_figures_get(partnership=partnership, year=year, breakdowns=False)
    return sorted(
        shown.summaries.values(),
        key=lambda s: (s.measure.position, s.measure.code),
    )


def dashboard_page_get(
    *, partnership: Partnership, year: int | None = None
) -> Dashboard:
    """The dashboard page's read model: ``dashboard_get``'s priorities,
    outcomes and mission, with each measure's figures from the flat model."""
    return dashboard_assemble(
        partnership=partnership,
        shown=year_figures_get(partnership=partnership, year=year),
    )
