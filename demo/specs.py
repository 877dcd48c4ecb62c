"""What a partnership's framework is made of, as plain data, and its TOML reader.

The demo's seeds live in ``demo/data/*.toml``; the benchmarks and the tests
build the same specs in code (or from a small TOML of their own) and hand
them to ``demo.builder``. Plain strings stand for the choices (kpis'
``Question``, ``ValueType``, ``Aggregation``, ``Direction``, outcomes'
``Horizon``), so this module imports nothing from Django: the benchmarks'
worker processes read it before Django is set up.
"""

import datetime
import tomllib
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    description: str
    # The lead organisation, by name (one of the partnership's organisations).
    lead: str
    # The Welsh texts (empty: none yet, and Welsh pages show the English).
    name_cy: str = ""
    description_cy: str = ""


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    name: str
    question: str  # how_much | how_well | better_off
    value_type: str  # count | percentage | number_pct | score | milestone
    aggregation: str  # sum | latest | ratio | mean
    unit: str = ""
    target: int | float | None = None
    headline: bool = False
    definition: str = ""
    data_source: str = ""
    direction: str = "up"
    baseline_value: int | float | None = None
    # The quarter the baseline is taken from, by a day in it; without one the
    # partnership's ``baseline_day`` (if any) holds.
    baseline_day: datetime.date | None = None
    # The project the measure reports on, by name (measures have no project
    # field; the demo decides who leads the measure by it).
    project: str = ""
    # Typical quarterly figure (or, for percentages, how many are asked) when
    # the strategy gives no target to scale the demo figures from.
    demo_size: float | None = None
    # Index of the demo quarter a milestone is done in, when it is known.
    done_quarter: int | None = None
    # Index of the demo quarter a milestone is due by (0 = the first quarter
    # of history; past the current quarter, it is not yet due). The seeds give
    # years, not quarters: the strategy's first steps (its research strategy,
    # the Children's University business plan, the directory) come early, the
    # research outputs later.
    due_quarter: int | None = None
    # The partnership's breakdown dimensions this count is split by, by name.
    breakdown: tuple[str, ...] = ()
    name_cy: str = ""
    unit_cy: str = ""
    definition_cy: str = ""
    data_source_cy: str = ""


@dataclass(frozen=True)
class OutcomeSpec:
    statement: str
    horizon: str  # short | intermediate | long
    what_it_looks_like: str = ""
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    statement_cy: str = ""
    what_it_looks_like_cy: str = ""


@dataclass(frozen=True)
class PrioritySpec:
    name: str
    mission_statement: str
    outcomes: tuple[OutcomeSpec, ...] = ()
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    # The contribution map: national indicator numbers, and codes of ways of
    # working and well-being goals of the partnership's framework.
    indicators: tuple[int, ...] = ()
    ways_of_working: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    name_cy: str = ""
    mission_statement_cy: str = ""


@dataclass(frozen=True)
class DimensionSpec:
    name: str
    categories: tuple[str, ...]
    exhaustive: bool
    name_cy: str = ""
    # The categories' Welsh names, in the same order.
    categories_cy: tuple[str, ...] = ()


@dataclass(frozen=True)
class CurveStorySpec:
    """The turn-the-curve answers for a national indicator (by number) or
    one of the partnership's headline measures (by code), this year."""

    indicator: int | None = None
    measure: str = ""
    # The actions that carry out its plan, by name (the measure's only).
    actions: tuple[str, ...] = ()
    story: str = ""
    partners: str = ""
    what_works: str = ""
    action_plan: str = ""


@dataclass(frozen=True)
class ActionUpdateSpec:
    """One quarter's update on an action, as the strategy's table gives it."""

    # Index of the demo quarter it is for (0: the oldest of the history).
    quarter: int
    status: str  # delivery's ActionStatus values
    progress: str
    # [{risk = "...", rating = "low|medium|high"}]
    risks: tuple[dict, ...] = ()
    # [{step = "...", timescale = "..."}]
    next_steps: tuple[dict, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    """A row of the action plan."""

    name: str
    status: str
    # The action in Welsh (a draft, as the partnership's other Welsh texts).
    name_cy: str = ""
    priority: str = ""
    # Organisations by name (some of the partnership's organisations).
    lead_agencies: tuple[str, ...] = ()
    # Outcomes by the start of their statement; measures by code.
    outcomes: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    # The walk-through's lead of actions (USERS.actions_lead) leads it; else
    # the admin.
    walk_through_lead: bool = False
    # Indexes of demo quarters, as ``ActionUpdateSpec.quarter``.
    start_quarter: int | None = None
    due_quarter: int | None = None
    updates: tuple[ActionUpdateSpec, ...] = ()


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    slug: str
    reporting_year_start_month: int
    mission_statement: str
    mission_target_year: int
    mission_description: str
    organisations: tuple[str, ...]
    priorities: tuple[PrioritySpec, ...] = ()
    # Outcomes, projects and measures that belong to no priority.
    outcomes: tuple[OutcomeSpec, ...] = ()
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    # A day in the quarter every measure's baseline is taken from, if any.
    baseline_day: datetime.date | None = None
    dimensions: tuple[DimensionSpec, ...] = ()
    # The national framework (slug of a shipped one), if the strategy uses one.
    framework: str = ""
    # Links of the work under no priority, made on each of its measures.
    mission_indicators: tuple[int, ...] = ()
    mission_ways_of_working: tuple[str, ...] = ()
    # Population data: the partnership's area and a comparator (area codes),
    # a shipped sample series file (wellbeing/reference/<dir>/<file>), and stories
    # behind the curve written for the current year.
    area_code: str = ""
    comparator_area_code: str = ""
    sample_series: str = ""
    curve_stories: tuple[CurveStorySpec, ...] = ()
    # The action plan (delivery), in the strategy's order.
    actions: tuple[ActionSpec, ...] = ()
    mission_statement_cy: str = ""
    mission_description_cy: str = ""
    # "draft": the Welsh texts are a draft translation, to be checked (the
    # partnership is marked so; its admins see it on the Welsh texts page).
    welsh_status: str = ""

    def all_measures(self) -> dict[str, MeasureSpec]:
        """Every measure of the partnership, by code."""
        groups = [(self.outcomes, self.measures)] + [
            (priority.outcomes, priority.measures) for priority in self.priorities
        ]
        return {
            measure.code: measure
            for outcomes, measures in groups
            for measure in [*measures, *(m for o in outcomes for m in o.measures)]
        }


@dataclass(frozen=True)
class UserSpec:
    email: str
    full_name: str
    # partnership slug -> role (admin | lead | viewer)
    roles: dict[str, str]
    organisation: str = ""


@dataclass(frozen=True)
class UsersSpec:
    password: str
    users: tuple[UserSpec, ...]
    # Who enters, reviews and locks the demo's figures and leads every
    # measure but the walk-through's.
    admin: str
    # The walk-through's lead, and the project (by partnership slug and
    # project name) whose measures they lead and enter themselves.
    lead: str
    lead_partnership: str
    lead_project: str
    steering: str
    # The walk-through's lead of action plan rows (by email) and where.
    actions_lead: str = ""
    actions_partnership: str = ""


@dataclass(frozen=True)
class StoriesSpec:
    """The words and the paces the demo's invented figures are drawn with."""

    label: str
    quarters_of_history: int
    paces: tuple[float, ...]
    ahead: tuple[str, ...]
    behind: tuple[str, ...]
    steady: tuple[str, ...]
    ratio: tuple[str, ...]
    ratio_small: str
    milestone_pending: tuple[str, ...]
    milestone_done: str


_NESTED = {
    "projects": ProjectSpec,
    "measures": MeasureSpec,
    "outcomes": OutcomeSpec,
    "priorities": PrioritySpec,
    "dimensions": DimensionSpec,
    "curve_stories": CurveStorySpec,
    "actions": ActionSpec,
    "updates": ActionUpdateSpec,
    "users": UserSpec,
}


def spec_from_dict(cls, data: dict):
    """A spec dataclass from parsed TOML: lists become tuples, tables specs.

    Unknown keys are refused, so a typing slip in a data file is an error
    rather than a field silently left at its default.
    """
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    values = {}
    for key, item in data.items():
        if isinstance(item, list):
            nested = _NESTED.get(key)
            item = tuple(
                spec_from_dict(nested, entry)
                if nested and isinstance(entry, dict)
                else entry
                for entry in item
            )
        values[key] = item
    return cls(**values)


def read_toml(path: Path) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def partnership_spec_load(path: Path) -> PartnershipSpec:
    return spec_from_dict(PartnershipSpec, read_toml(path))


def users_spec_load(path: Path = DATA_DIR / "users.toml") -> UsersSpec:
    return spec_from_dict(UsersSpec, read_toml(path))


def stories_spec_load(path: Path = DATA_DIR / "stories.toml") -> StoriesSpec:
    return spec_from_dict(StoriesSpec, read_toml(path))


@dataclass(frozen=True)
class Figures:
    """One quarter's figure of a measure, before it is written."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    story: str = ""
