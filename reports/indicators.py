"""Read model for a national indicator's page: the population curve of the
partnership's area against the nation and a comparator area, with the
baseline forecast, and the partnership's own stories behind the curve,
each with the actions that carry out its plan.

A fixed number of queries whatever the length of the series: the indicator,
its whole-population series with the three areas' observations, the
partnership's stories and their actions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from delivery import selectors as delivery_selectors
from kpis.forecast import CurveVerdict, baseline_forecast, curve_verdict, latest_run
from kpis.periods import Quarter, year_label
from partnerships.models import Partnership
from wellbeing.models import (
    CurveStory,
    IndicatorObservation,
    IndicatorSeries,
    NationalIndicator,
    UnitKind,
)

from .charts import Point, describe, forecast_sentence, line_chart
from .selectors import CURVE_LABELS

# How many periods ahead the indicator chart draws the baseline forecast.
FORECAST_PERIODS = 3


@dataclass
class AreaLine:
    code: str
    name: str
    points: list[Point]
    role: str  # "local", "national" or "comparator"


@dataclass
class StoryEntry:
    story: CurveStory
    label: str
    actions: list = field(default_factory=list)


@dataclass
class IndicatorPage:
    partnership: Partnership
    indicator: NationalIndicator
    series: IndicatorSeries | None
    lines: list[AreaLine]
    chart: SafeString | None
    chart_description: str
    forecast: list[Point]
    curve: str
    current_year: int
    current_year_label: str
    current_story: CurveStory | None
    earlier_stories: list[StoryEntry]
    # The actions linked to each story (``delivery.CurveStoryAction``), by id.
    story_actions: dict[int, list] = field(default_factory=dict)
    # Every action of the partnership, for an admin's story form.
    action_choices: list = field(default_factory=list)

    @property
    def current_actions(self) -> list:
        if self.current_story is None:
            return []
        return self.story_actions.get(self.current_story.pk, [])

    @property
    def local(self) -> AreaLine | None:
        return next((line for line in self.lines if line.role == "local"), None)

    @property
    def curve_label(self) -> str:
        return CURVE_LABELS[self.curve]

    @property
    def periods(self) -> list[str]:
        return [p.label for p in self.lines[0].points] if self.lines else []

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """The chart's figures as a table: one row per period."""
        rows = []
        for index, label in enumerate(self.periods):
            rows.append(
                (
                    label,
                    [
                        fmt(line.points[index].value, self.indicator)
                        for line in self.lines
                    ],
                )
            )
        return rows


def fmt(value: Decimal | None, indicator: NationalIndicator) -> str:
    if value is None:
        return "—"
    text = f"{value.normalize():f}"
    if "." in text:
        whole, decimals = text.split(".")
        text = f"{whole}.{decimals[:1]}" if decimals[:1] != "0" else whole
    return f"{text}%" if indicator.unit_kind == UnitKind.PERCENTAGE else text


def _bounds(indicator: NationalIndicator) -> tuple[float | None, float | None]:
    if indicator.unit_kind == UnitKind.PERCENTAGE:
        return 0.0, 100.0
    if indicator.unit_kind in (UnitKind.COUNT, UnitKind.RATE):
        return 0.0, None
    return None, None


def indicator_for_partnership(
    *, partnership: Partnership, number: int
) -> NationalIndicator:
    """Raises NationalIndicator.DoesNotExist unless the indicator is in the
    partnership's framework."""
    return NationalIndicator.objects.select_related("framework").get(
        framework__adoptions__partnership=partnership, number=number
    )


def _next_period_label(label: str, start) -> str:
    """The label of the year after ``label`` ("2022-23" -> "2023-24")."""
    if len(label) == 7 and label[4] == "-":
        first = int(label[:4]) + 1
        return f"{first}-{(first + 1) % 100:02d}"
    if label.isdecimal():
        return str(int(label) + 1)
    return _("%(year)s+") % {"year": start.year + 1}


def indicator_page_get(
    *, partnership: Partnership, number: int, with_action_choices: bool = False
) -> IndicatorPage:
    """The page's read model; ``with_action_choices`` (an admin's page, with
    the story's form) also reads every action of the partnership, in the
    same query as the stories' linked actions."""
    indicator = indicator_for_partnership(partnership=partnership, number=number)
    national_name = indicator.framework.nation
    area_filter = Q(area_name__iexact=national_name)
    wanted = [c for c in (partnership.area_code, partnership.comparator_area_code) if c]
    if wanted:
        area_filter |= Q(area_code__in=wanted)
    series = (
        IndicatorSeries.objects.filter(indicator=indicator, breakdown="")
        .prefetch_related(
            Prefetch(
                "observations",
                queryset=IndicatorObservation.objects.filter(area_filter).order_by(
                    "period_start"
                ),
            )
        )
        .first()
    )
    observations = list(series.observations.all()) if series else []
    axis: dict = {}
    for o in observations:
        axis.setdefault(o.period_start, o.period_label)
    starts = sorted(axis)
    by_area: dict[str, dict] = {}
    names: dict[str, str] = {}
    for o in observations:
        by_area.setdefault(o.area_code, {})[o.period_start] = o.value
        names[o.area_code] = o.area_name
    national_codes = [
        code for code, name in names.items() if name.lower() == national_name.lower()
    ]
    roles = [
        (partnership.area_code, "local"),
        (national_codes[0] if national_codes else "", "national"),
        (partnership.comparator_area_code, "comparator"),
    ]
    lines = [
        AreaLine(
            code=code,
            name=names[code],
            role=role,
            points=[Point(axis[s], by_area[code].get(s)) for s in starts],
        )
        for code, role in roles
        if code and code in by_area
    ]

    def format_value(value):
        return fmt(value, indicator)

    chart = None
    description = ""
    forecast: list[Point] = []
    curve = CurveVerdict.NOT_ENOUGH_HISTORY
    if lines:
        main, others = lines[0], lines[1:]
        lower, upper = _bounds(indicator)
        known = [p for p in main.points if p.value is not None]
        made = baseline_forecast(
            latest_run([p.value for p in main.points]),
            FORECAST_PERIODS,
            lower=lower,
            upper=upper,
        )
        if made is not None and known:
            label, start = known[-1].label, starts[-1]
            for value in made.points:
                label = _next_period_label(label, start)
                forecast.append(Point(label, value))
        curve = curve_verdict(
            [p.value for p in main.points],
            direction=indicator.direction,
            lower=lower,
            upper=upper,
        )
        description = describe(main.points, format_value, unit="years").removesuffix(
            "."
        ) + (" " + _("(%(area)s).") % {"area": main.name})
        for other in others:
            other_known = [p for p in other.points if p.value is not None]
            if other_known:
                description += " " + _("%(area)s: %(value)s in %(label)s.") % {
                    "area": other.name,
                    "value": format_value(other_known[-1].value),
                    "label": other_known[-1].label,
                }
        if forecast:
            description += " " + forecast_sentence(forecast, format_value)
        if series.is_sample:
            description = _("Sample data, not real figures.") + " " + description
        chart = line_chart(
            main.points,
            title=_("Indicator %(number)s: %(title)s")
            % {
                "number": indicator.number,
                "title": indicator.title,
            },
            description=description,
            fmt=format_value,
            forecast=forecast,
            comparisons=[(o.name, o.points) for o in others],
            actual_label=main.name,
            id_prefix=f"indicator-{indicator.number}",
        )

    start_month = partnership.reporting_year_start_month
    current_year = Quarter.containing(timezone.localdate(), start_month).year
    stories = list(
        CurveStory.objects.filter(partnership=partnership, indicator=indicator)
        .select_related("updated_by")
        .order_by("-year")
    )
    current = next((s for s in stories if s.year == current_year), None)
    action_choices: list = []
    if with_action_choices:
        linked, action_choices = delivery_selectors.curve_story_actions_and_choices(
            partnership=partnership, story_ids=[s.pk for s in stories]
        )
    else:
        linked = delivery_selectors.curve_story_actions(
            partnership=partnership, story_ids=[s.pk for s in stories]
        )
    earlier = [
        StoryEntry(
            story=s,
            label=year_label(s.year, start_month),
            actions=linked.get(s.pk, []),
        )
        for s in stories
        if s.year != current_year
    ]
    return IndicatorPage(
        partnership=partnership,
        indicator=indicator,
        series=series,
        lines=lines,
        chart=chart,
        chart_description=description,
        forecast=forecast,
        curve=curve,
        current_year=current_year,
        current_year_label=year_label(current_year, start_month),
        current_story=current,
        earlier_stories=earlier,
        story_actions=linked,
        action_choices=action_choices,
    )
