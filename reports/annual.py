"""The annual report: its content, its HTML and its PDF.

The content is the steering dashboard's read model for the reporting year
(the same figures, statuses and charts the web pages show) plus the year's
stories behind the headline measures. ``data_version`` is a digest of the
document's language and HTML without the date it was produced, so two
reports with the same version say the same thing in the same language.

A report is in English, in Welsh, or bilingual. Each language's part is
built and rendered under ``translation.override`` of that language, so the
interface's words come from the catalogue and the partnership's own texts
(``.name`` and the like, which django-modeltranslation resolves to the
active language and falls back to English where the Welsh is missing) are
read in it too. A bilingual report is two complete parts in one PDF, Welsh
first: the Welsh cover is the document's first page, and each cover links
to the other language's part with its page number, so neither language is
placed where it is less likely to be read or is shorter than the other.
Every part carries its ``lang``, its own running header and page words.
"""

import atexit
import gc
import hashlib
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from delivery import selectors as delivery_selectors
from delivery.models import Action, ActionUpdate
from kpis import rules
from kpis.models import Aggregation, QuarterlyValue, ReviewStatus, ValueType
from kpis.periods import Quarter
from kpis.selectors import (
    BreakdownTable,
    breakdown_table,
    category_map,
    period_list_with_figures,
)
from kpis.selectors import value_list as quarterly_value_list
from kpis.year import YearFigures
from partnerships import conjunctions
from partnerships.models import Partnership
from wellbeing.models import CurveStory

from .charts import Point
from .contribution import ContributionMap, contribution_map_get, strongest
from .curve import MeasureCurveStory, measure_story_for_year
from .editions import FigureGuard, GuardedYear, GuardedYearSummary
from .indicators import IndicatorPage, indicator_page_get
from .models import REPORT_LANGUAGES, ReportLanguage
from .selectors import (
    Dashboard,
    MeasureSummary,
    OutcomeSection,
    PrioritySection,
    count_statuses,
    dashboard_get,
    measure_chart,
)

TEMPLATE = "reports/annual_report.html"
PART_TEMPLATE = "reports/includes/annual_report_part.html"
# Stands in for the production date (in each language) while the version
# digest is taken.
PRODUCED_ON_MARK = "\u2063produced-on-%s\u2063"
ASSETS_DIR = Path(settings.BASE_DIR) / "static"
REPORT_CSS = ASSETS_DIR / "css" / "report.css"
# Lower than the web page's chart (280), so that two headline measures, each
# with its chart and stories, fit on a page.
HEADLINE_CHART_HEIGHT = 224


@dataclass
class YearBreakdown:
    """A headline measure's breakdown for the year, as a table or a grid."""

    table: BreakdownTable
    caption: str


@dataclass
class HeadlineMeasure:
    summary: MeasureSummary
    chart: SafeString
    chart_description: str
    stories: list[QuarterlyValue] = field(default_factory=list)
    # The year's turn-the-curve story, beside the chart (reports.curve).
    curve: MeasureCurveStory | None = None
    breakdown: YearBreakdown | None = None
    # An edition may withhold a small baseline count (reports.editions).
    baseline_shown: bool = True


@dataclass
class ActionPlanRow:
    """An action, and its latest approved update of the year (if any)."""

    action: Action
    update: ActionUpdate | None


# The second dimension's name follows "and", which Welsh writes "ac" or "a"
# by how the name begins (partnerships/conjunctions.py): one msgid per case,
# told apart by context, as kpis/templatetags/breakdown_labels.py does.
def _summed_by_both(second: str) -> str:
    form = conjunctions.welsh_and(str(second))
    if form == conjunctions.AND_BEFORE_VOWEL:
        # Translators: %(second)s begins with a vowel: Welsh "ac".
        return pgettext(
            "and before a vowel",
            "By %(first)s and %(second)s: the breakdowns of %(quarters)s added up.",
        )
    if form == conjunctions.AND_BEFORE_C_P_T:
        # Translators: %(second)s begins with c, p or t, which "a" would
        # mutate and a name cannot be: keep it away from "a".
        return pgettext(
            "and before c, p or t",
            "By %(first)s and %(second)s: the breakdowns of %(quarters)s added up.",
        )
    # Translators: %(second)s begins with another consonant: Welsh "a".
    return pgettext(
        "and before a consonant",
        "By %(first)s and %(second)s: the breakdowns of %(quarters)s added up.",
    )


def _latest_by_both(second: str) -> str:
    form = conjunctions.welsh_and(str(second))
    if form == conjunctions.AND_BEFORE_VOWEL:
        # Translators: %(second)s begins with a vowel: Welsh "ac".
        return pgettext(
            "and before a vowel",
            "By %(first)s and %(second)s in %(quarter)s, the latest quarter "
            "with a breakdown.",
        )
    if form == conjunctions.AND_BEFORE_C_P_T:
        # Translators: %(second)s begins with c, p or t, which "a" would
        # mutate and a name cannot be: keep it away from "a".
        return pgettext(
            "and before c, p or t",
            "By %(first)s and %(second)s in %(quarter)s, the latest quarter "
            "with a breakdown.",
        )
    # Translators: %(second)s begins with another consonant: Welsh "a".
    return pgettext(
        "and before a consonant",
        "By %(first)s and %(second)s in %(quarter)s, the latest quarter "
        "with a breakdown.",
    )


def year_breakdown(
    measure, values: list[QuarterlyValue], categories: dict[int, list]
) -> YearBreakdown | None:
    """The year's breakdown of a broken-down measure, by the measure's rule.

    Breakdowns are of counts. A summed count's year breakdown is the quarters'
    breakdowns added up, category by category (quarters given without one
    are named as not in it); for any other rule, the year's figure is not a
    sum, so the table is the latest quarter's breakdown and says which.
    ``values`` are the measure's figures of the year, in quarter order.
    """
    broken_down = [v for v in values if v.breakdown]
    if not measure.dimensions or not broken_down:
        return None
    two_way = len(measure.dimensions) > 1
    names = {
        "first": measure.dimensions[0].name,
        "second": measure.dimensions[1].name if two_way else "",
    }
    if measure.aggregation == Aggregation.SUM:
        summed: dict[str, int] = defaultdict(int)
        for value in broken_down:
            for key, amount in value.breakdown.items():
                summed[key] += amount or 0
        table = breakdown_table(measure, dict(summed), categories)
        quarters = rules.quarter_names([v.period.quarter for v in broken_down])
        caption = (
            _summed_by_both(names["second"])
            if two_way
            else _("By %(first)s: the breakdowns of %(quarters)s added up.")
        ) % {**names, "quarters": quarters}
        without = [v.period.quarter for v in values if not v.breakdown]
        if without:
            caption += " " + ngettext(
                "%(quarters)s was reported without a breakdown.",
                "%(quarters)s were reported without a breakdown.",
                len(without),
            ) % {"quarters": rules.quarter_names(without)}
    else:
        latest = broken_down[-1]
        table = breakdown_table(measure, latest.breakdown, categories)
        caption = (
            _latest_by_both(names["second"])
            if two_way
            else _("By %(first)s in %(quarter)s, the latest quarter with a breakdown.")
        ) % {**names, "quarter": latest.period.label}
    if table is None:
        return None
    return YearBreakdown(table, caption)


def guarded_year_breakdown(measure, guarded: GuardedYear) -> YearBreakdown | None:
    """The year's breakdown as an edition shows it: by the first dimension
    only, each cell as the guard printed it."""
    shown = guarded.breakdown
    if shown is None or not measure.dimensions:
        return None
    first = measure.dimensions[0].name
    table = BreakdownTable(
        first=first,
        second=None,
        columns=[],
        rows=[(name, [figure.text], figure.text) for name, figure in shown.rows],
        column_totals=[shown.total.text],
        total=shown.total.text,
    )
    if shown.summed:
        caption = _("By %(first)s: the breakdowns of %(quarters)s added up.") % {
            "first": first,
            "quarters": rules.quarter_names(shown.quarters),
        }
    else:
        caption = _(
            "By %(first)s in %(quarter)s, the latest quarter with a breakdown."
        ) % {"first": first, "quarter": shown.quarter_label}
    return YearBreakdown(table, caption)


@dataclass
class Chapter:
    """A priority (or the mission-wide measures) and its headline measures."""

    anchor: str
    title: str
    section: PrioritySection | None
    summaries: list[MeasureSummary]
    headline: list[HeadlineMeasure]

    @property
    def group(self) -> OutcomeSection:
        return OutcomeSection(None, self.summaries)

    @property
    def status_counts(self) -> list[tuple[rules.Status, int]]:
        if self.section is not None:
            return self.section.status_counts
        return count_statuses(
            [s for s in self.summaries if s.measure.is_headline] or self.summaries
        )


STATUS_KEY = {
    rules.Status.ON_TRACK: gettext_lazy(
        "The year's figure meets the target, pro rata for a measure that adds up "
        "over the year; a milestone is done, or its due quarter has not ended."
    ),
    rules.Status.AT_RISK: gettext_lazy(
        "Short of the target by no more than 10%, or a milestone with no due "
        "quarter not yet done before the year's last quarter."
    ),
    rules.Status.OFF_TRACK: gettext_lazy(
        "Short of the target by more than 10%, or a milestone not done by the "
        "end of its due quarter (with no due quarter, in the year's last quarter)."
    ),
    rules.Status.NO_TARGET: gettext_lazy(
        "Figures reported, but no annual target is set."
    ),
    rules.Status.NO_DATA: gettext_lazy("No figure reported for this year."),
}


# How each kind of measure makes its year, in the words "How to read this
# report" uses. A milestone is done or not done, whatever its rule says.
MILESTONE_RULE = "milestone"
RULE_TEXT = {
    Aggregation.SUM: gettext_lazy(
        "Added up over the year: the quarters' figures are summed, and judged "
        "against the annual target pro rata to the quarters reported (with "
        "three quarters reported, three quarters of the target)."
    ),
    Aggregation.RATIO_OF_SUMS: gettext_lazy(
        "Pooled: the year's rate is the sum of the quarters' numerators over "
        "the sum of their denominators, judged against the annual target."
    ),
    Aggregation.MEAN: gettext_lazy(
        "Averaged: the year's figure is the mean of the quarters reported, "
        "judged against the annual target."
    ),
    Aggregation.LATEST: gettext_lazy(
        "Latest quarter: the year's figure is that of the latest quarter "
        "reported, judged against the annual target."
    ),
    MILESTONE_RULE: gettext_lazy(
        "Milestones: done or not done, judged against their due quarter (the "
        "year's end when none is set); once reported done, in this year or an "
        "earlier one, a milestone stays done."
    ),
}

# The mark beside a status with ended quarters that have no figure.
MISSING_KEY = gettext_lazy(
    "Incomplete: a quarter that has ended has no figure. The status is judged "
    "on the quarters reported, and the missing quarters are named beside it."
)


@dataclass
class RuleGroup:
    """The measures that make their year by one rule, for "How to read"."""

    rule: str
    text: str
    summaries: list[MeasureSummary]

    @property
    def codes(self) -> str:
        return ", ".join(s.measure.code for s in self.summaries)


def rule_of(measure) -> str:
    if measure.value_type == ValueType.MILESTONE:
        return MILESTONE_RULE
    return measure.aggregation


def rule_groups(summaries: list[MeasureSummary]) -> list[RuleGroup]:
    """The rules this report's measures use, each with its measures."""
    by_rule: dict[str, list[MeasureSummary]] = defaultdict(list)
    for summary in summaries:
        by_rule[rule_of(summary.measure)].append(summary)
    return [
        RuleGroup(rule, str(text), by_rule[rule])
        for rule, text in RULE_TEXT.items()
        if by_rule.get(rule)
    ]


def pro_rata_note(year: YearFigures) -> str:
    """The target the status judged by, where it is not the annual target.

    A summed measure with fewer than four quarters reported (a part year, or
    a quarter missing) is judged against the annual target pro rata to the
    quarters reported: "225 for the 3 quarters reported".
    """
    if year.value_type == ValueType.MILESTONE or year.target is None:
        return ""
    reported = len(year.reported)
    if year.aggregation != Aggregation.SUM or not 0 < reported < 4:
        return ""
    return ngettext(
        "%(target)s for the %(count)s quarter reported",
        "%(target)s for the %(count)s quarters reported",
        reported,
    ) % {"target": year.pro_rata_display, "count": reported}


@dataclass
class GroupContribution:
    """One priority's (or the mission-wide work's) contribution, for print."""

    name: str
    marks: list[str]  # per goal: "" (none), "direct" or through its outcome/priority
    indicators: list[int]


@dataclass
class IndicatorCurve:
    page: IndicatorPage
    story: CurveStory | None

    @property
    def actions(self) -> list:
        """The actions that carry out the story's plan."""
        if self.story is None:
            return []
        return self.page.story_actions.get(self.story.pk, [])


@dataclass
class ContributionChapter:
    """The "Contribution to the well-being goals" chapter."""

    map: ContributionMap
    groups: list[GroupContribution]
    curves: list[IndicatorCurve]

    @property
    def goals(self) -> list:
        return self.map.goals.columns

    @property
    def uncovered(self) -> list:
        return self.map.goals.empty_columns


def _contribution_chapter(
    *, partnership: Partnership, year: int
) -> ContributionChapter | None:
    """Goals and indicators by priority, and the linked indicators' curves.

    Only for a partnership that has chosen a national framework. The curves
    are those of the linked indicators that have population data, each with
    the partnership's story behind it written for the reporting year.
    """
    contribution = contribution_map_get(partnership=partnership)
    if contribution.framework is None:
        return None
    goals, indicators = contribution.goals, contribution.indicators
    numbers = [column.number for column in indicators.columns]
    groups = []
    for goal_group, indicator_group in zip(
        goals.groups, indicators.groups, strict=True
    ):
        marks = [
            strongest(*(row.cells[i].via for row in goal_group.rows))
            for i in range(len(goals.columns))
        ]
        linked = sorted(
            {
                numbers[i]
                for row in indicator_group.rows
                for i, cell in enumerate(row.cells)
                if cell.via
            }
        )
        name = (
            goal_group.priority.name if goal_group.priority else _("Mission-wide work")
        )
        groups.append(GroupContribution(name, marks, linked))
    curves = []
    for number in numbers:
        page = indicator_page_get(partnership=partnership, number=number)
        if page.chart is None:
            continue
        stories = [page.current_story] + [e.story for e in page.earlier_stories]
        story = next((s for s in stories if s is not None and s.year == year), None)
        curves.append(IndicatorCurve(page, story))
    return ContributionChapter(contribution, groups, curves)


@dataclass
class AnnualReportContent:
    dashboard: Dashboard
    first_quarter: Quarter
    last_quarter: Quarter
    chapters: list[Chapter]
    contribution: ContributionChapter | None = None
    action_plan: list[ActionPlanRow] = field(default_factory=list)
    # What an edition withholds (reports.editions); "" in the members' report.
    disclosure_note: str = ""

    @property
    def partnership(self) -> Partnership:
        return self.dashboard.partnership

    @property
    def measures(self) -> list[MeasureSummary]:
        return self.dashboard.all_measures

    @property
    def headline_count(self) -> int:
        return sum(len(chapter.headline) for chapter in self.chapters)

    @property
    def status_key(self) -> list[tuple[rules.Status, str]]:
        return list(STATUS_KEY.items())

    @property
    def missing_key(self) -> str:
        return str(MISSING_KEY)

    @property
    def missing_example(self) -> str:
        return rules.missing_note([1])

    @property
    def rule_groups(self) -> list[RuleGroup]:
        return rule_groups(self.measures)


@dataclass
class AnnualReportDocument:
    html: str
    data_version: str


def report_years(*, partnership: Partnership) -> list[tuple[int, str]]:
    """The reporting years a report can be asked for: those holding figures.

    A year of quarters without a single figure would make a report of
    nothing but "No data yet", so it is not offered (and refused if asked).
    """
    start = partnership.reporting_year_start_month
    years = sorted(
        {
            p.year
            for p in period_list_with_figures(partnership=partnership)
            if p.has_figures
        },
        reverse=True,
    )
    return [(y, Quarter(y, 1, start).year_label) for y in years]


def chart_quarters(
    trend: list[Point], quarters: list[Quarter], year: int
) -> tuple[list[Point], list[Quarter]]:
    """The trend from its first figure on, and never less than the year.

    The dashboard's trend is the eight quarters up to the year's end; a
    measure reported only lately would leave most of its chart blank. The
    quarters before its first figure are dropped, unless they are of the
    reporting year itself, which is always shown whole. Only empty quarters
    go, so the forecast and its verdict are those of the full trend.
    """
    first_figure = next(
        (i for i, point in enumerate(trend) if point.value is not None), len(trend)
    )
    first_of_year = next(
        (i for i, quarter in enumerate(quarters) if quarter.year == year),
        len(quarters),
    )
    start = min(first_figure, first_of_year)
    return trend[start:], quarters[start:]


def _guard_figures(
    *,
    partnership: Partnership,
    dashboard: Dashboard,
    guard: FigureGuard,
) -> tuple[dict[tuple[int, int], GuardedYear | None], dict[int, list[Point]]]:
    """Apply an edition's guard to the dashboard the report is built from.

    Each measure's years that the report shows (the reporting year, and the
    years of its chart's quarters) go through the guard whole, as the guard
    sees them elsewhere; the summaries' year figures and trends are replaced
    by what it shows (the dashboard is the report's own, built for it).
    Returns the guarded years by (measure, year) and the true trends, so
    the charts can say how many quarters they hide.
    """
    years = {q.year for q in dashboard.quarters} | {dashboard.year}
    by_measure: dict[int, dict[int, dict[int, QuarterlyValue]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for value in quarterly_value_list(partnership=partnership).filter(
        period__year__in=years
    ):
        by_measure[value.measure_id][value.period.year][value.period.quarter] = value
    categories = category_map(partnership=partnership)
    guarded: dict[tuple[int, int], GuardedYear | None] = {}
    true_trends: dict[int, list[Point]] = {}
    for summary in dashboard.all_measures:
        measure = summary.measure
        first = (
            categories.get(measure.breakdown_first_id, [])
            if measure.breakdown_first_id
            else []
        )
        for y in years:
            guarded[measure.pk, y] = guard.year(
                measure, by_measure[measure.pk][y], first
            )
        this_year = guarded[measure.pk, dashboard.year]
        if this_year is None:
            continue
        summary.year = GuardedYearSummary(summary.year, this_year.year)
        true_trends[measure.pk] = summary.trend
        summary.trend = [
            Point(
                point.label,
                shown.value
                if (g := guarded[measure.pk, q.year]) is not None
                and (shown := g.quarters.get(q.quarter)) is not None
                else point.value,
            )
            for point, q in zip(summary.trend, dashboard.quarters, strict=True)
        ]
        latest = [p for p in summary.trend if p.value is not None]
        summary.latest = latest[-1] if latest else None
        summary.breakdown = None
    return guarded, true_trends


def annual_report_content(
    *,
    partnership: Partnership,
    year: int,
    prefix: str = "",
    guard: FigureGuard | None = None,
) -> AnnualReportContent:
    """The report's content in the active language.

    ``prefix`` starts every anchor and chart id, so that the two parts of a
    bilingual report do not share one. ``guard``: an edition's rule for
    what may be shown of the figures (reports.editions); None for the
    members' report, with the true figures.
    """
    dashboard = dashboard_get(partnership=partnership, year=year)
    guarded: dict[tuple[int, int], GuardedYear | None] = {}
    true_trends: dict[int, list[Point]] = {}
    if guard is not None:
        guarded, true_trends = _guard_figures(
            partnership=partnership, dashboard=dashboard, guard=guard
        )
    start = partnership.reporting_year_start_month
    broken_down = [
        s.measure
        for s in dashboard.all_measures
        if s.measure.is_headline and s.measure.breakdown_first_id
    ]
    categories = category_map(partnership=partnership) if broken_down else {}
    year_values: dict[int, list[QuarterlyValue]] = defaultdict(list)
    if broken_down:
        for value in (
            quarterly_value_list(partnership=partnership)
            .filter(period__year=year, measure__in=broken_down)
            .order_by("period__quarter")
        ):
            year_values[value.measure_id].append(value)
    stories: dict[int, list[QuarterlyValue]] = defaultdict(list)
    for value in (
        quarterly_value_list(partnership=partnership)
        .filter(period__year=year, measure__is_headline=True)
        .exclude(story="")
        .order_by("period__quarter")
    ):
        stories[value.measure_id].append(value)

    def headline(summaries: list[MeasureSummary]) -> list[HeadlineMeasure]:
        items = []
        for summary in summaries:
            if not summary.measure.is_headline:
                continue
            measure = summary.measure
            trend, quarters = chart_quarters(summary.trend, dashboard.quarters, year)
            shown_year = guarded.get((measure.pk, year))
            baseline_shown = guard is None or guard.baseline_shown(measure)
            chart, description = measure_chart(
                measure,
                trend,
                quarters=quarters,
                id_prefix=f"{prefix}chart-{measure.pk}",
                year=year,
                height=HEADLINE_CHART_HEIGHT,
                show_baseline=baseline_shown,
            )
            if shown_year is not None:
                true_trend = true_trends[measure.pk][-len(trend) :] if trend else []
                hidden = sum(
                    1
                    for true, shown in zip(true_trend, trend, strict=True)
                    if true.value is not None and shown.value is None
                )
                if hidden:
                    description += " " + guard.hidden_note(hidden)
                breakdown = guarded_year_breakdown(measure, shown_year)
            elif measure.breakdown_first_id:
                breakdown = year_breakdown(
                    measure, year_values.get(measure.pk, []), categories
                )
            else:
                breakdown = None
            items.append(
                HeadlineMeasure(
                    summary=summary,
                    chart=chart,
                    chart_description=description,
                    stories=stories.get(measure.pk, []),
                    curve=measure_story_for_year(
                        partnership=partnership, measure=measure, year=year
                    ),
                    breakdown=breakdown,
                    baseline_shown=baseline_shown,
                )
            )
        return items

    chapters = []
    if dashboard.mission_measures:
        chapters.append(
            Chapter(
                anchor=f"{prefix}mission-measures",
                title=_("Mission-wide measures"),
                section=None,
                summaries=dashboard.mission_measures,
                headline=headline(dashboard.mission_measures),
            )
        )
    for number, section in enumerate(dashboard.priorities, start=1):
        chapters.append(
            Chapter(
                anchor=f"{prefix}priority-{number}",
                title=section.priority.name
                if section.priority
                else _("Other outcomes"),
                section=section,
                summaries=section.measures,
                headline=headline(section.measures),
            )
        )
    return AnnualReportContent(
        dashboard=dashboard,
        first_quarter=Quarter(year, 1, start),
        last_quarter=Quarter(year, 4, start),
        chapters=chapters,
        contribution=_contribution_chapter(partnership=partnership, year=year),
        action_plan=_action_plan_chapter(partnership=partnership, year=year),
        disclosure_note=guard.note() if guard is not None else "",
    )


def _action_plan_chapter(*, partnership: Partnership, year: int) -> list[ActionPlanRow]:
    """The action plan as the year left it: each action with its latest
    approved update of the year (seed 003's table)."""
    approved = (
        delivery_selectors.update_list(partnership=partnership)
        .filter(period__year=year, review_status=ReviewStatus.APPROVED)
        .order_by("action_id", "-period__quarter")
    )
    latest: dict[int, ActionUpdate] = {}
    for update in approved:
        latest.setdefault(update.action_id, update)
    return [
        ActionPlanRow(action=action, update=latest.get(action.pk))
        for action in delivery_selectors.action_list(partnership=partnership)
    ]


@dataclass
class _Part:
    language: str
    prefix: str
    html: SafeString
    running_title: str
    page_word: str
    of_word: str
    title: str
    description: str


# Each language's link to the other, written in the language it leads to.
OTHER_PART_LINK = {
    "en-gb": gettext_lazy("This report in English"),
    "cy": gettext_lazy("This report in Welsh"),
}


def _part_context(
    partnership: Partnership,
    year: int,
    language: str,
    prefix: str,
    guard: FigureGuard | None = None,
):
    with translation.override(language):
        content = annual_report_content(
            partnership=partnership, year=year, prefix=prefix, guard=guard
        )
        return content, {
            "report": content,
            "dashboard": content.dashboard,
            "produced_on": PRODUCED_ON_MARK % language,
            "assets_url": ASSETS_DIR.as_uri() + "/",
            "p": prefix,
        }


def annual_report_document(
    *,
    partnership: Partnership,
    year: int,
    language: str = ReportLanguage.ENGLISH,
    produced_on: date | None = None,
    guard: FigureGuard | None = None,
) -> AnnualReportDocument:
    """The report's HTML in ``language`` and the digest of all but its date.

    ``guard``: another edition's rule for the figures (reports.editions).
    """
    languages = REPORT_LANGUAGES[ReportLanguage(language)]
    bilingual = len(languages) > 1
    prefixes = {code: f"{code}-" if bilingual else "" for code in languages}
    parts = []
    for code in languages:
        content, context = _part_context(partnership, year, code, prefixes[code], guard)
        with translation.override(code):
            name, label = content.partnership.name, content.dashboard.year_label
            other = next((c for c in languages if c != code), None)
            if other is not None:
                with translation.override(other):
                    context["other_part"] = {
                        "language": other,
                        "prefix": prefixes[other],
                        "link_text": str(OTHER_PART_LINK[other]),
                    }
            parts.append(
                _Part(
                    language=code,
                    prefix=prefixes[code],
                    html=SafeString(render_to_string(PART_TEMPLATE, context)),
                    running_title=f"{name} · {_('Annual report')} {label}",
                    page_word=_("Page"),
                    of_word=_("of"),
                    title=_("%(name)s: annual report %(year)s")
                    % {"name": name, "year": label},
                    description=_(
                        "Progress against the strategy's priorities, outcomes and "
                        "performance measures in %(year)s."
                    )
                    % {"year": label},
                )
            )
    with translation.override(languages[0]):
        html = render_to_string(
            TEMPLATE,
            {
                "parts": parts,
                "language_code": languages[0],
                "title": " / ".join(part.title for part in parts),
                "description": " / ".join(part.description for part in parts),
                "author": partnership.name,
                "assets_url": ASSETS_DIR.as_uri() + "/",
            },
        )
    version = hashlib.sha256(f"{language}\n{html}".encode()).hexdigest()
    for code in languages:
        with translation.override(code):
            produced = formats.date_format(produced_on or timezone.localdate(), "j F Y")
        html = html.replace(PRODUCED_ON_MARK % code, produced)
    return AnnualReportDocument(html=html, data_version=version)


def _assets_fetcher():
    """Let the PDF renderer read the shipped CSS and fonts and nothing else.

    No network fetches and no file outside ``static/``: the document is built
    from partnership data, so it must never be able to pull in a URL.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve()
            if parts.scheme != "file" or not path.is_relative_to(ASSETS_DIR):
                raise ValueError(f"The report may only use its own assets, not {url}")
            if path == REPORT_CSS:
                # Given to WeasyPrint already parsed (_report_stylesheet).
                return URLFetcherResponse(url, b"", {"Content-Type": "text/css"})
            return super().fetch(url, headers)

    return AssetsOnly(allowed_protocols=["file"])


_stylesheets = threading.local()


@atexit.register
def report_stylesheet_drop() -> None:
    """Drop this thread's parsed report.css and fonts (_report_stylesheet).

    Dropped, the font configuration removes the folder of font files
    WeasyPrint wrote for it; to be called while the modules still stand (at
    exit, and from a Celery pool child before it leaves by ``os._exit``).
    """
    vars(_stylesheets).clear()


def _report_stylesheet():
    """report.css parsed once a thread, with the fonts its ``@font-face`` load.

    Parsing the stylesheet and loading its four faces into a new font
    configuration is the same work for every report; a worker keeps both
    and gives them to each render. A thread of its own each, as Pango's font
    map is not to be shared between threads. Parsed again if the file
    changes, so an edited stylesheet needs no restart.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    stat = REPORT_CSS.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = getattr(_stylesheets, "report", None)
    if cached is None or cached[0] != key:
        fonts = FontConfiguration()
        css = CSS(filename=REPORT_CSS, url_fetcher=_assets_fetcher(), font_config=fonts)
        cached = _stylesheets.report = (key, css, fonts)
    return cached[1], cached[2]


@dataclass
class RenderedPdf:
    content: bytes
    page_count: int


_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def _cyclic_collector_paused():
    """Hold off Python's cyclic garbage collector while a PDF is rendered.

    A render builds a million or so objects that live until it ends (the
    parsed HTML, styles, boxes, pages). Each time they outnumber the older
    objects by a quarter, the collector walks the whole heap and finds almost
    nothing to free: three full collections per report, a fifth of the
    render's time. Paused, then one collection of only the objects made since
    (the render's garbage, cycles and all), the same memory is freed for a
    fraction of the time. Reference counting frees memory as ever meanwhile.
    Renders in other threads share the pause: the last one out restores it.
    """
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()
        # What was made while the collector was off is all in its youngest
        # generation: collect only that, so the render's memory is freed now.
        gc.collect(0)


def render_pdf(html: str) -> RenderedPdf:
    """A tagged PDF/UA-1 document (title and language come from the HTML)."""
    with _cyclic_collector_paused():
        # The document is dropped before the pause ends, so its cycles are
        # garbage by the time the young generation is collected.
        return _render_pdf(html)


def _render_options(html: str) -> dict:
    """The parsed report.css and its fonts, if ``html`` links the stylesheet.

    The link stays in the HTML (a browser needs it); the fetcher gives
    WeasyPrint an empty file for it, so the rules apply once, from the parsed
    copy, in the user origin: above the user agent's, like the author's, and
    the document has no author rules of its own besides ``style`` attributes,
    which win over either.
    """
    if f'href="{REPORT_CSS.as_uri()}"' not in html:
        return {}
    css, fonts = _report_stylesheet()
    return {"stylesheets": [css], "font_config": fonts}


def laid_out(html: str, **options):
    """WeasyPrint's laid-out document of the report's ``html`` (its pages' boxes).

    The one way in: with the report's own assets only and its parsed
    stylesheet, which the fetcher alone would leave out.
    """
    from weasyprint import HTML

    return HTML(
        string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=_assets_fetcher()
    ).render(**options, **_render_options(html))


def _render_pdf(html: str) -> RenderedPdf:
    from . import pdf_svg_text

    # The charts' labels laid out a string at a time (reports.pdf_svg_text).
    pdf_svg_text.install()
    document = laid_out(html, pdf_variant="pdf/ua-1")
    return RenderedPdf(
        content=document.write_pdf(pdf_variant="pdf/ua-1"),
        page_count=len(document.pages),
    )
