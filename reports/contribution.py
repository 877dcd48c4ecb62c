"""The contribution map's read model: which work contributes to which goal,
way of working and national indicator of the partnership's framework.

A piece of work contributes through its own links and through those of what
it sits under: a measure through its outcome and its priority, an outcome and
a project through their priority (and a project through its outcome). Built
from a fixed number of queries (framework, goals, ways of working, indicators
with their sets, priorities, outcomes, measures, projects, links), assembled
in Python, so the count does not grow with the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kpis.selectors import measure_list_names
from outcomes.selectors import outcome_list, priority_list, project_list
from partnerships.models import Partnership
from wellbeing.models import NationalFramework, NationalIndicator
from wellbeing.selectors import (
    contribution_list,
    framework_for,
    goal_list,
    indicator_list,
    way_of_working_list,
)

DIRECT = "direct"
VIA_OUTCOME = "outcome"
VIA_PRIORITY = "priority"

VIA_TEXT = {
    DIRECT: _("Contributes directly"),
    VIA_OUTCOME: _("Contributes through its outcome"),
    VIA_PRIORITY: _("Contributes through its priority"),
}

# Target kinds, as the link table names its columns.
GOAL = "goal"
WAY = "way_of_working"
INDICATOR = "indicator"


@dataclass
class Cell:
    via: str = ""

    @property
    def text(self) -> str:
        return str(VIA_TEXT[self.via]) if self.via else ""


@dataclass
class Row:
    kind: str  # priority, outcome, measure or project
    obj: object
    cells: list[Cell]

    @property
    def kind_label(self) -> str:
        return {
            "priority": _("Priority"),
            "outcome": _("Outcome"),
            "measure": _("Measure"),
            "project": _("Project"),
        }[self.kind]


@dataclass
class Group:
    priority: object | None
    rows: list[Row] = field(default_factory=list)


@dataclass
class Matrix:
    kind: str
    columns: list
    groups: list[Group]

    @property
    def empty_columns(self) -> list:
        """The columns no work contributes to at all."""
        marked = {
            index
            for group in self.groups
            for row in group.rows
            for index, cell in enumerate(row.cells)
            if cell.via
        }
        return [c for i, c in enumerate(self.columns) if i not in marked]

    @property
    def has_marks(self) -> bool:
        return len(self.empty_columns) < len(self.columns)


@dataclass
class IndicatorEntry:
    indicator: NationalIndicator
    # (the set's short name, its wording where it differs from the indicator's)
    sets: list[tuple[str, str]]
    rows: int


@dataclass
class ContributionMap:
    partnership: Partnership
    framework: NationalFramework | None
    goals: Matrix | None = None
    ways: Matrix | None = None
    indicators: Matrix | None = None
    indicator_key: list[IndicatorEntry] = field(default_factory=list)


def _set_label(indicator_set) -> str:
    """A set's short name: the year it was laid, else its name."""
    if indicator_set.laid_on:
        return str(indicator_set.laid_on.year)
    return indicator_set.name


def strongest(*vias: str) -> str:
    for via in (DIRECT, VIA_OUTCOME, VIA_PRIORITY):
        if via in vias:
            return via
    return ""


def contribution_map_get(*, partnership: Partnership) -> ContributionMap:
    framework = framework_for(partnership=partnership)
    result = ContributionMap(partnership=partnership, framework=framework)
    if framework is None:
        return result
    goals = list(goal_list(framework=framework))
    ways = list(way_of_working_list(framework=framework))
    all_indicators = list(indicator_list(framework=framework))
    priorities = list(priority_list(partnership=partnership))
    outcomes = list(outcome_list(partnership=partnership))
    measures = list(
        measure_list_names(partnership=partnership).order_by("position", "code")
    )
    projects = list(project_list(partnership=partnership))

    # (source kind, source id) -> target kind -> target ids
    own: dict[tuple[str, int], dict[str, set[int]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for link in contribution_list(partnership=partnership):
        for source_kind in ("priority", "outcome", "measure", "project"):
            source_id = getattr(link, f"{source_kind}_id")
            if source_id is not None:
                break
        for target_kind in (GOAL, WAY, INDICATOR):
            target_id = getattr(link, f"{target_kind}_id")
            if target_id is not None:
                own[(source_kind, source_id)][target_kind].add(target_id)
                break

    outcome_by_id = {o.pk: o for o in outcomes}
    linked_indicator_ids = {
        target_id
        for targets in own.values()
        for target_id in targets.get(INDICATOR, ())
    }
    indicators = [i for i in all_indicators if i.pk in linked_indicator_ids]

    def has_own_links(kind: str, obj) -> bool:
        return any(own.get((kind, obj.pk), {}).values())

    def priority_of(obj) -> int | None:
        if obj.priority_id is not None:
            return obj.priority_id
        outcome = outcome_by_id.get(getattr(obj, "outcome_id", None))
        return outcome.priority_id if outcome else None

    def cells(kind: str, obj, target_kind: str, columns) -> list[Cell]:
        direct = own.get((kind, obj.pk), {}).get(target_kind, set())
        outcome_id = getattr(obj, "outcome_id", None) if kind != "outcome" else None
        via_outcome = (
            own.get(("outcome", outcome_id), {}).get(target_kind, set())
            if outcome_id
            else set()
        )
        priority_id = obj.pk if kind == "priority" else priority_of(obj)
        via_priority = (
            own.get(("priority", priority_id), {}).get(target_kind, set())
            if priority_id and kind != "priority"
            else set()
        )
        return [
            Cell(
                via=strongest(
                    DIRECT if column.pk in direct else "",
                    VIA_OUTCOME if column.pk in via_outcome else "",
                    VIA_PRIORITY if column.pk in via_priority else "",
                )
            )
            for column in columns
        ]

    # The layout is the same for every table: each priority (then the work
    # under no priority), its outcomes that have links of their own, its
    # measures in order, then its projects that have links of their own.
    layout: list[tuple[object | None, list[tuple[str, object]]]] = []
    for priority in [*priorities, None]:
        priority_id = priority.pk if priority else None
        entries: list[tuple[str, object]] = []
        if priority is not None:
            entries.append(("priority", priority))
        group_outcomes = [o for o in outcomes if o.priority_id == priority_id]
        for outcome in group_outcomes:
            outcome_measures = [m for m in measures if m.outcome_id == outcome.pk]
            if has_own_links("outcome", outcome):
                entries.append(("outcome", outcome))
            entries.extend(("measure", m) for m in outcome_measures)
        entries.extend(
            ("measure", m)
            for m in measures
            if m.outcome_id is None and m.priority_id == priority_id
        )
        entries.extend(
            ("project", p)
            for p in projects
            if priority_of(p) == priority_id and has_own_links("project", p)
        )
        if entries:
            layout.append((priority, entries))

    def matrix(target_kind: str, columns) -> Matrix:
        groups = [
            Group(
                priority=priority,
                rows=[
                    Row(kind, obj, cells(kind, obj, target_kind, columns))
                    for kind, obj in entries
                ],
            )
            for priority, entries in layout
        ]
        return Matrix(kind=target_kind, columns=columns, groups=groups)

    result.goals = matrix(GOAL, goals)
    result.ways = matrix(WAY, ways)
    result.indicators = matrix(INDICATOR, indicators)
    marked_rows: dict[int, int] = defaultdict(int)
    for group in result.indicators.groups:
        for row in group.rows:
            for column, cell in zip(indicators, row.cells, strict=True):
                if cell.via:
                    marked_rows[column.pk] += 1
    result.indicator_key = [
        IndicatorEntry(
            indicator=indicator,
            sets=[
                (_set_label(m.indicator_set), m.title_in_set)
                for m in indicator.memberships.all()
            ],
            rows=marked_rows[indicator.pk],
        )
        for indicator in indicators
    ]
    return result
