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
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpis.selectors import measure_list_names
from outcomes.selectors import outcome_list, priority_list, project_list
from partnerships.models import Partnership
from partnerships.templatetags.bilingual import bilingual
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
    # The partnership's slug, for the measures' addresses.
    slug: str = ""

    @cached_property
    def body_html(self) -> SafeString:
        """The table's groups and rows (``<tbody>`` each), written here once
        rather than by template tags in a loop: 150 measures by a dozen
        columns were 2,000 cells, most of the page's time.
        tests/reports/test_contribution_matrix.py holds it to the template
        it replaced."""
        esc = conditional_escape
        # {% translate %}'s literal words are not escaped; {{ cell.text }} is.
        priority_label = gettext("Priority:")
        mission = gettext("Mission-wide (under no priority)")
        whole = gettext("The priority as a whole")
        outcome_tag = gettext("Outcome")
        project_tag = gettext("Project")
        cell_html = {"": '<td class="matrix__cell"></td>'}
        for via, text in VIA_TEXT.items():
            mark = "●" if via == DIRECT else "○"
            cell_html[via] = (
                f'<td class="matrix__cell matrix__cell--{via}">'
                f'<span aria-hidden="true">{mark}</span>'
                f'<span class="visually-hidden">{esc(str(text))}</span></td>'
            )
        url_prefix = ""
        if self.slug:
            url_prefix = reverse(
                "reports:measure_detail", kwargs={"slug": self.slug, "pk": 0}
            ).removesuffix("0/")
        colspan = len(self.columns) + 1
        parts = []
        for group in self.groups:
            name = (
                f"{priority_label} {bilingual(group.priority, 'name')}"
                if group.priority
                else mission
            )
            parts.append(
                '\n<tbody>\n<tr class="matrix__group">\n'
                f'<th scope="rowgroup" colspan="{colspan}">'
                f'<span class="matrix__group__name">{name}</span></th>\n</tr>\n'
            )
            for row in group.rows:
                kind, obj = row.kind, row.obj
                if kind == "measure":
                    head = (
                        f'<a href="{url_prefix}{obj.pk}/">{bilingual(obj, "name")}</a>'
                        f' <span class="muted small">{esc(obj.code)}</span>'
                    )
                elif kind == "priority":
                    head = whole
                elif kind == "outcome":
                    head = (
                        f'<span class="tag">{outcome_tag}</span> '
                        f"{bilingual(obj, 'statement', words=16)}"
                    )
                else:
                    head = (
                        f'<span class="tag">{project_tag}</span> '
                        f"{bilingual(obj, 'name')}"
                    )
                cells = "\n".join(cell_html[cell.via] for cell in row.cells)
                parts.append(
                    f'<tr class="matrix__row matrix__row--{kind}">\n'
                    f'<th scope="row">\n{head}\n</th>\n{cells}\n</tr>\n'
                )
            parts.append("</tbody>\n")
        return mark_safe("".join(parts))  # noqa: S308 (each text escaped above)

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


TABLES = (GOAL, WAY, INDICATOR)


def contribution_map_get(
    *, partnership: Partnership, tables: Collection[str] = TABLES
) -> ContributionMap:
    """The map's tables named in ``tables`` (the others stay None): the goals
    page shows goals and ways of working, the indicators page the indicators
    and their key, the annual report all three."""
    framework = framework_for(partnership=partnership)
    result = ContributionMap(partnership=partnership, framework=framework)
    if framework is None:
        return result
    goals = list(goal_list(framework=framework)) if GOAL in tables else []
    ways = list(way_of_working_list(framework=framework)) if WAY in tables else []
    all_indicators = (
        list(indicator_list(framework=framework)) if INDICATOR in tables else []
    )
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
    # The links' ids only: no link, goal, way or indicator instances.
    links = (
        contribution_list(partnership=partnership)
        .select_related(None)
        .values_list(
            "priority_id",
            "outcome_id",
            "measure_id",
            "project_id",
            "goal_id",
            "way_of_working_id",
            "indicator_id",
        )
    )
    sources = ("priority", "outcome", "measure", "project")
    for *source_ids, goal_id, way_id, indicator_id in links:
        source_kind, source_id = next(
            (
                (kind, pk)
                for kind, pk in zip(sources, source_ids, strict=True)
                if pk is not None
            ),
            (None, None),
        )
        if source_kind is None:
            continue
        for target_kind, target_id in (
            (GOAL, goal_id),
            (WAY, way_id),
            (INDICATOR, indicator_id),
        ):
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
        # The strongest way each linked target is reached, weakest written
        # first so that a stronger one overwrites it; every other column
        # is empty. Most rows have no links at all.
        vias = dict.fromkeys(via_priority, VIA_PRIORITY)
        vias.update(dict.fromkeys(via_outcome, VIA_OUTCOME))
        vias.update(dict.fromkeys(direct, DIRECT))
        if not vias:
            return [Cell() for _column in columns]
        return [Cell(via=vias.get(column.pk, "")) for column in columns]

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
        return Matrix(
            kind=target_kind, columns=columns, groups=groups, slug=partnership.slug
        )

    if GOAL in tables:
        result.goals = matrix(GOAL, goals)
    if WAY in tables:
        result.ways = matrix(WAY, ways)
    if INDICATOR not in tables:
        return result
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
