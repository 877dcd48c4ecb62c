"""The strategy framework in and out of a spreadsheet.

Five sheets: Mission (one row), Priorities, Outcomes, Measures and Targets
(one row per measure and reporting year; a workbook without it imports as
before, the measures' annual targets standing for every year). The
export writes exactly what the import reads, so an exported framework
imports back unchanged. A CSV holds one sheet: it is read as the Measures
sheet, and the priorities and outcomes it names are created with it.

The import checks every row first (the plan), then writes through the
framework services (``mission_set``, ``priority_upsert``, ``outcome_upsert``,
``measure_upsert``) in the caller's transaction; a service's refusal rolls
the whole import back.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kpis.models import (
    ALLOWED_AGGREGATIONS,
    MeasureTarget,
    PerformanceMeasure,
    QuarterlyValue,
    ValueType,
)
from kpis.periods import Quarter, year_label
from kpis.services import measure_targets_upsert, measure_upsert
from outcomes.models import Horizon, Mission, Outcome, Priority
from outcomes.services import mission_set, outcome_upsert, priority_upsert
from partnerships.models import Partnership
from partnerships.text_limits import limit_of

from . import action_sheet
from .action_sheet import ACTIONS
from .kinds import AGGREGATIONS, DIRECTIONS, HORIZONS, KINDS, QUESTIONS
from .parsing import (
    Column,
    Problems,
    Row,
    headers,
    in_every_language,
    map_headers,
    yes_no,
)
from .spreadsheets import SheetSpec, Workbook, cell_text, normalise_header, xlsx_bytes
from .values import parse_quarter

MISSION = (
    Column(
        "statement",
        pgettext_lazy("spreadsheet column", "Mission"),
        required=True,
        aliases=("statement",),
    ),
    Column("target_year", pgettext_lazy("spreadsheet column", "Target year")),
    Column(
        "description",
        pgettext_lazy("spreadsheet column", "Description"),
        aliases=("what it means",),
    ),
    Column("statement_cy", pgettext_lazy("spreadsheet column", "Mission (Cymraeg)")),
    Column(
        "description_cy", pgettext_lazy("spreadsheet column", "Description (Cymraeg)")
    ),
)
PRIORITIES = (
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Priority"),
        required=True,
        aliases=("name",),
    ),
    Column(
        "mission_statement", pgettext_lazy("spreadsheet column", "Mission statement")
    ),
    Column("name_cy", pgettext_lazy("spreadsheet column", "Priority (Cymraeg)")),
    Column(
        "mission_statement_cy",
        pgettext_lazy("spreadsheet column", "Mission statement (Cymraeg)"),
    ),
)
OUTCOMES = (
    Column(
        "statement",
        pgettext_lazy("spreadsheet column", "Outcome"),
        required=True,
        aliases=("statement",),
    ),
    Column("priority", pgettext_lazy("spreadsheet column", "Priority")),
    Column("horizon", pgettext_lazy("spreadsheet column", "Horizon")),
    Column(
        "what_it_looks_like",
        pgettext_lazy("spreadsheet column", "What this will look like"),
    ),
    Column("statement_cy", pgettext_lazy("spreadsheet column", "Outcome (Cymraeg)")),
    Column(
        "what_it_looks_like_cy",
        pgettext_lazy("spreadsheet column", "What this will look like (Cymraeg)"),
    ),
)
MEASURES = (
    Column("code", pgettext_lazy("spreadsheet column", "Code"), required=True),
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Name"),
        required=True,
        aliases=("measure", "performance measure"),
    ),
    Column(
        "question",
        pgettext_lazy("spreadsheet column", "RBA question"),
        required=True,
        aliases=("question",),
    ),
    Column(
        "value_type",
        pgettext_lazy("spreadsheet column", "Kind of value"),
        required=True,
        aliases=("kind",),
    ),
    Column("unit", pgettext_lazy("spreadsheet column", "Unit")),
    Column(
        "direction",
        pgettext_lazy("spreadsheet column", "Direction"),
        aliases=("desired direction",),
    ),
    Column(
        "aggregation",
        pgettext_lazy("spreadsheet column", "Aggregation"),
        aliases=("how quarters make a year", "year rule"),
    ),
    Column(
        "annual_target",
        pgettext_lazy("spreadsheet column", "Annual target"),
        aliases=("target",),
    ),
    Column("baseline_value", pgettext_lazy("spreadsheet column", "Baseline")),
    Column("priority", pgettext_lazy("spreadsheet column", "Priority")),
    Column("outcome", pgettext_lazy("spreadsheet column", "Outcome")),
    Column(
        "is_headline",
        pgettext_lazy("spreadsheet column", "Headline"),
        aliases=("kpi", "headline measure"),
    ),
    Column("definition", pgettext_lazy("spreadsheet column", "Definition")),
    Column(
        "data_source",
        pgettext_lazy("spreadsheet column", "Data source"),
        aliases=("source",),
    ),
    # A milestone's; the import finds columns by their headers, so workbooks
    # made before it still import (and leave due quarters as they are).
    Column(
        "due_quarter",
        pgettext_lazy("spreadsheet column", "Due quarter"),
        aliases=("due",),
    ),
    Column("name_cy", pgettext_lazy("spreadsheet column", "Name (Cymraeg)")),
    Column("unit_cy", pgettext_lazy("spreadsheet column", "Unit (Cymraeg)")),
    Column(
        "definition_cy", pgettext_lazy("spreadsheet column", "Definition (Cymraeg)")
    ),
    Column(
        "data_source_cy", pgettext_lazy("spreadsheet column", "Data source (Cymraeg)")
    ),
    # Whether public pages withhold its small figures (kpis counts_people).
    # Last, so that older workbooks' columns keep their places; a sheet
    # without it, or an empty cell, leaves the measure as it is (a new one
    # counts people).
    Column(
        "counts_people",
        pgettext_lazy("spreadsheet column", "Counts people"),
        aliases=("people",),
    ),
)
# The Welsh column of each text ("Name (Cymraeg)"), with its length limit.
# A sheet without a text's Welsh column leaves the stored Welsh text as it is;
# an empty Welsh cell clears it.
WELSH_TEXTS = {
    "Mission": {"statement": 300, "description": limit_of(Mission, "description")},
    "Priorities": {
        "name": 200,
        "mission_statement": limit_of(Priority, "mission_statement"),
    },
    "Outcomes": {
        "statement": limit_of(Outcome, "statement"),
        "what_it_looks_like": limit_of(Outcome, "what_it_looks_like"),
    },
    "Measures": {
        "name": 300,
        "unit": 60,
        "definition": limit_of(PerformanceMeasure, "definition"),
        "data_source": 300,
    },
}
TARGETS = (
    Column(
        "code",
        pgettext_lazy("spreadsheet column", "Code"),
        required=True,
        aliases=("measure",),
    ),
    Column(
        "year",
        pgettext_lazy("spreadsheet column", "Reporting year"),
        required=True,
        aliases=("year",),
    ),
    Column("target", pgettext_lazy("spreadsheet column", "Target"), required=True),
)
# "2026", or "2026/27" as the app labels a year that starts in September.
YEAR_TEXT = re.compile(r"(\d{4})(?:\s*[/-]\s*\d{2,4})?")
# The shipped template and worked example (seed 001's action plan, written
# by the demo: scripts/make-import-examples.py), offered on the import page.
EXAMPLES_DIR = Path(settings.BASE_DIR) / "docs" / "import"
TEMPLATE_FILE = "framework-template.xlsx"
EXAMPLE_FILE = "community-cohesion-framework.xlsx"
# The same example with Welsh sheet names, headers and guide.
EXAMPLE_FILE_CY = "community-cohesion-framework.cy.xlsx"

# Each sheet by its key (the English name, which the code and the stored
# problems use) with its name as written in the person's language. An import
# finds a sheet by its name in any of the site's languages.
SHEET_NAMES = {
    "Mission": pgettext_lazy("spreadsheet sheet", "Mission"),
    "Priorities": pgettext_lazy("spreadsheet sheet", "Priorities"),
    "Outcomes": pgettext_lazy("spreadsheet sheet", "Outcomes"),
    "Measures": pgettext_lazy("spreadsheet sheet", "Measures"),
    "Targets": pgettext_lazy("spreadsheet sheet", "Targets"),
    "Actions": pgettext_lazy("spreadsheet sheet", "Actions"),
}
SHEETS = (
    ("Mission", MISSION),
    ("Priorities", PRIORITIES),
    ("Outcomes", OUTCOMES),
    ("Measures", MEASURES),
    ("Targets", TARGETS),
    ("Actions", ACTIONS),
)
WIDTHS = {
    "Targets": (12, 16, 12),
    "Actions": action_sheet.WIDTHS,
    "Mission": (60, 12, 80, 60, 80),
    "Priorities": (40, 80, 40, 80),
    "Outcomes": (60, 30, 26, 60, 60, 60),
    "Measures": (
        10,
        60,
        24,
        26,
        12,
        18,
        24,
        14,
        10,
        30,
        40,
        10,
        50,
        30,
        14,
        60,
        12,
        50,
        30,
        14,
    ),
}


@dataclass
class Planned:
    sheet: str
    row: int
    key: str  # what a person calls it: the code, name or statement
    action: str  # create | update | unchanged
    fields: dict


@dataclass
class FrameworkPlan:
    mission: Planned | None = None
    priorities: list[Planned] = field(default_factory=list)
    outcomes: list[Planned] = field(default_factory=list)
    measures: list[Planned] = field(default_factory=list)
    targets: list[Planned] = field(default_factory=list)
    actions: list[Planned] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    def all(self) -> list[Planned]:
        mission = [self.mission] if self.mission else []
        return [
            *mission,
            *self.priorities,
            *self.outcomes,
            *self.measures,
            *self.targets,
            *self.actions,
        ]

    def preview(self) -> dict:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for planned in self.all():
            counts[planned.action] += 1
        return {
            "counts": counts,
            "rows": [
                {
                    "sheet": p.sheet,
                    "row": p.row,
                    "key": p.key,
                    "action": p.action,
                }
                for p in self.all()
            ],
            "more_rows": 0,
        }


def _changed(instance, fields: dict) -> bool:
    """Whether writing the fields would change the instance.

    Positions are left out: the export lists rows in their stored order,
    which the import turns into positions 0, 1, 2...; that is no change.
    """
    for name, value in fields.items():
        if name == "position":
            continue
        if name == "welsh":
            if any((getattr(instance, f"{k}_cy") or "") != v for k, v in value.items()):
                return True
            continue
        current = getattr(instance, f"{name}_en", getattr(instance, name))
        if current is None and isinstance(value, str):
            current = ""
        if isinstance(current, Decimal) or isinstance(value, Decimal):
            if (current is None) != (value is None) or (
                current is not None and Decimal(current) != Decimal(value)
            ):
                return True
        elif current != value:
            return True
    return False


def _welsh(row: Row, sheet: str, index: dict[str, int]) -> dict[str, str]:
    """The row's Welsh texts, for the Welsh columns the sheet has."""
    return {
        name: row.text(f"{name}_cy", max_length=limit)
        for name, limit in WELSH_TEXTS[sheet].items()
        if f"{name}_cy" in index
    }


def sheet_name(key: str) -> str:
    """The sheet's name in the active language."""
    return str(SHEET_NAMES[key])


def sheet_label(name: str) -> str:
    """A stored problem's or preview row's sheet, named in the reader's language.

    Jobs store a framework sheet by its key and a figures sheet by the name
    it had in the file; either is shown as the reader's language names it.
    Any other name (a sheet the file called something else) is shown as is.
    """
    from .activities import SHEET as ACTIVITIES_SHEET
    from .values import SHEET as VALUES_SHEET

    wanted = normalise_header(name)
    for label in (*SHEET_NAMES.values(), VALUES_SHEET, ACTIVITIES_SHEET):
        if wanted in {normalise_header(n) for n in in_every_language(label)}:
            return str(label)
    return name


def _find_sheet(workbook: Workbook, key: str):
    """The workbook's sheet ``key``, named in any of the site's languages."""
    for name in (*in_every_language(SHEET_NAMES[key]), key):
        sheet = workbook.sheet(name)
        if sheet is not None:
            return sheet
    return None


def _due_quarter(row: Row, kind: str | None, start_month: int) -> Quarter | None:
    """A milestone's due quarter, written like "2026/27 Q3" or "2026-3"."""
    text = row.text("due_quarter")
    if not text:
        return None
    due = parse_quarter(text, start_month)
    if due is None:
        try:
            due = Quarter.parse_key(text, start_month)
        except ValueError:
            due = None
    if due is None:
        row.problem(
            "due_quarter",
            _("“%(text)s” is not a quarter; write it like “%(example)s”.")
            % {
                "text": text[:40],
                "example": Quarter.containing(timezone.localdate(), start_month).label,
            },
        )
        return None
    if kind != ValueType.MILESTONE:
        row.problem("due_quarter", _("Only a milestone has a due quarter."))
        return None
    return due


def framework_plan(*, partnership: Partnership, workbook: Workbook) -> FrameworkPlan:
    plan = FrameworkPlan()
    problems = plan.problems
    implicit = workbook.format == "csv"
    if implicit:
        sheets = {"Measures": workbook.sheets[0]}
    else:
        sheets = {}
        for name, _columns in SHEETS:
            sheet = _find_sheet(workbook, name)
            if sheet is not None:
                sheets[name] = sheet
        if "Measures" not in sheets and not sheets:
            problems.add(
                "",
                None,
                "",
                _(
                    "The workbook has none of the sheets %(mission)s, "
                    "%(priorities)s, %(outcomes)s and %(measures)s. Start from "
                    "the framework template."
                )
                % {
                    "mission": sheet_name("Mission"),
                    "priorities": sheet_name("Priorities"),
                    "outcomes": sheet_name("Outcomes"),
                    "measures": sheet_name("Measures"),
                },
            )
            return plan
    indexes = {}
    for name, columns in SHEETS:
        if name in sheets:
            indexes[name] = map_headers(sheets[name], columns, problems)
    if problems:
        return plan

    # Mission
    if "Mission" in sheets:
        rows = sheets["Mission"].rows
        if len(rows) > 1:
            problems.add(
                "Mission", rows[1][0], "", _("A partnership has one mission: one row.")
            )
        for number, cells in rows[:1]:
            row = Row("Mission", number, cells, indexes["Mission"], MISSION, problems)
            statement = row.text("statement", max_length=300, required=True)
            year = row.number("target_year")
            if year is not None and (year != int(year) or not 2000 <= year <= 2100):
                row.problem("target_year", _("Give a year between 2000 and 2100."))
            fields = {
                "statement": statement,
                "target_year": int(year) if year is not None else None,
                "description": row.text(
                    "description", max_length=limit_of(Mission, "description")
                ),
                "welsh": _welsh(row, "Mission", indexes["Mission"]),
            }
            if row.ok:
                existing = Mission.objects.filter(partnership=partnership).first()
                action = (
                    "create"
                    if existing is None
                    else ("update" if _changed(existing, fields) else "unchanged")
                )
                plan.mission = Planned("Mission", number, statement, action, fields)

    # Priorities
    stored_priorities = {
        p.name.casefold(): p for p in Priority.objects.filter(partnership=partnership)
    }
    file_priorities: dict[str, int] = {}
    for number, cells in (
        sheets.get("Priorities").rows if "Priorities" in sheets else []
    ):
        row = Row(
            "Priorities", number, cells, indexes["Priorities"], PRIORITIES, problems
        )
        name = row.text("name", max_length=200, required=True)
        fields = {
            "mission_statement": row.text(
                "mission_statement",
                max_length=limit_of(Priority, "mission_statement"),
            ),
            "welsh": _welsh(row, "Priorities", indexes["Priorities"]),
        }
        if name.casefold() in file_priorities:
            row.problem(
                "name",
                _("“%(name)s” is also on row %(row)s.")
                % {"name": name, "row": file_priorities[name.casefold()]},
            )
        if not row.ok:
            continue
        file_priorities[name.casefold()] = number
        existing = stored_priorities.get(name.casefold())
        fields["position"] = len(plan.priorities)
        action = (
            "create"
            if existing is None
            else (
                "update"
                if _changed(existing, fields) or existing.name != name
                else "unchanged"
            )
        )
        plan.priorities.append(
            Planned("Priorities", number, name, action, {"name": name, **fields})
        )
    priority_names = {p.key.casefold(): p.key for p in plan.priorities}
    for key, priority in stored_priorities.items():
        priority_names.setdefault(key, priority.name)

    def priority_ref(row: Row, key: str) -> str | None:
        text = row.text(key)
        if not text:
            return None
        name = priority_names.get(text.casefold())
        if name is None and implicit:
            priority_names[text.casefold()] = text
            position = len(plan.priorities)
            plan.priorities.append(
                Planned(
                    "Measures",
                    row.line,
                    text,
                    "create",
                    {"name": text, "mission_statement": "", "position": position},
                )
            )
            return text
        if name is None:
            row.problem(
                key,
                _(
                    "No priority is called “%(name)s”: add it to the %(sheet)s "
                    "sheet, or correct the name."
                )
                % {"name": text[:80], "sheet": sheet_name("Priorities")},
            )
        return name

    # Outcomes: keyed by (priority, statement), as outcome_upsert is.
    stored_outcomes = {
        ((o.priority.name.casefold() if o.priority else ""), o.statement.casefold()): o
        for o in Outcome.objects.filter(partnership=partnership).select_related(
            "priority"
        )
    }
    file_outcomes: dict[tuple[str, str], int] = {}
    outcome_refs: dict[str, list[tuple[str, str]]] = {}
    for number, cells in sheets.get("Outcomes").rows if "Outcomes" in sheets else []:
        row = Row("Outcomes", number, cells, indexes["Outcomes"], OUTCOMES, problems)
        statement = row.text(
            "statement", max_length=limit_of(Outcome, "statement"), required=True
        )
        priority = priority_ref(row, "priority")
        horizon = row.choice("horizon", HORIZONS, default=Horizon.SHORT)
        key = ((priority or "").casefold(), statement.casefold())
        if key in file_outcomes:
            row.problem(
                "statement",
                _("This outcome is also on row %(row)s.") % {"row": file_outcomes[key]},
            )
        if not row.ok:
            continue
        file_outcomes[key] = number
        fields = {
            "horizon": horizon,
            "what_it_looks_like": row.text(
                "what_it_looks_like",
                max_length=limit_of(Outcome, "what_it_looks_like"),
            ),
            "position": len(plan.outcomes),
            "welsh": _welsh(row, "Outcomes", indexes["Outcomes"]),
        }
        existing = stored_outcomes.get(key)
        action = (
            "create"
            if existing is None
            else ("update" if _changed(existing, fields) else "unchanged")
        )
        plan.outcomes.append(
            Planned(
                "Outcomes",
                number,
                statement,
                action,
                {"statement": statement, "priority": priority, **fields},
            )
        )
        outcome_refs.setdefault(statement.casefold(), []).append(
            (priority or "", statement)
        )
    for (priority_key, statement_key), outcome in stored_outcomes.items():
        pair = (outcome.priority.name if outcome.priority else "", outcome.statement)
        refs = outcome_refs.setdefault(statement_key, [])
        if all(r[0].casefold() != priority_key for r in refs):
            refs.append(pair)

    # Measures
    stored_measures = {
        m.code.casefold(): m
        for m in PerformanceMeasure.objects.filter(partnership=partnership)
    }
    with_values = set(
        QuarterlyValue.objects.filter(partnership=partnership)
        .values_list("measure_id", flat=True)
        .distinct()
    )
    file_codes: dict[str, int] = {}
    for number, cells in sheets.get("Measures").rows if "Measures" in sheets else []:
        row = Row("Measures", number, cells, indexes["Measures"], MEASURES, problems)
        code = row.text("code", max_length=20, required=True)
        name = row.text("name", max_length=300, required=True)
        question = row.choice("question", QUESTIONS)
        kind = row.choice("value_type", KINDS)
        direction = row.choice("direction", DIRECTIONS, default="up")
        aggregation = row.choice(
            "aggregation",
            AGGREGATIONS,
            default=ALLOWED_AGGREGATIONS[kind][0] if kind else "",
        )
        if kind and aggregation and aggregation not in ALLOWED_AGGREGATIONS[kind]:
            row.problem(
                "aggregation",
                _("“%(rule)s” does not suit a %(kind)s; use one of: %(allowed)s.")
                % {
                    "rule": AGGREGATIONS.labels[aggregation],
                    "kind": KINDS.labels[kind].lower(),
                    "allowed": "; ".join(
                        AGGREGATIONS.labels[a] for a in ALLOWED_AGGREGATIONS[kind]
                    ),
                },
            )
        target = row.number("annual_target")
        if target is not None and target < 0:
            row.problem("annual_target", _("A target cannot be negative."))
        if (
            target is not None
            and kind in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE)
            and target > 100
        ):
            row.problem("annual_target", _("A percentage target is at most 100."))
        baseline = row.number("baseline_value")
        due = _due_quarter(row, kind, partnership.reporting_year_start_month)
        priority = priority_ref(row, "priority")
        outcome_text = row.text("outcome")
        outcome = None
        if outcome_text:
            refs = outcome_refs.get(outcome_text.casefold(), [])
            if priority is not None:
                # The outcome under the measure's priority, or the only one.
                refs = [
                    r for r in refs if r[0].casefold() == priority.casefold()
                ] or refs
            if len(refs) == 1:
                outcome = refs[0]
                if priority is None and outcome[0]:
                    priority = outcome[0]
                elif priority is not None and outcome[0].casefold() != (
                    priority.casefold()
                ):
                    # A measure sits under its outcome's priority.
                    row.problem(
                        "priority",
                        _(
                            "The outcome “%(text)s” is under the priority "
                            "“%(under)s”, not “%(priority)s”: give that priority, "
                            "or leave Priority empty."
                        )
                        % {
                            "text": outcome_text[:80],
                            "under": outcome[0],
                            "priority": priority,
                        }
                        if outcome[0]
                        else _(
                            "The outcome “%(text)s” is under no priority: leave "
                            "Priority empty."
                        )
                        % {"text": outcome_text[:80]},
                    )
            elif not refs and implicit:
                outcome = (priority or "", outcome_text)
                outcome_refs.setdefault(outcome_text.casefold(), []).append(outcome)
                plan.outcomes.append(
                    Planned(
                        "Measures",
                        number,
                        outcome_text,
                        "create",
                        {
                            "statement": outcome_text,
                            "priority": priority,
                            "horizon": Horizon.SHORT,
                            "what_it_looks_like": "",
                            "position": len(plan.outcomes),
                        },
                    )
                )
            elif not refs:
                row.problem(
                    "outcome",
                    (
                        _(
                            "No outcome reads “%(text)s” under %(p)s: add it to "
                            "the Outcomes sheet, or copy its statement exactly."
                        )
                        if priority
                        else _(
                            "No outcome reads “%(text)s”: add it to the "
                            "Outcomes sheet, or copy its statement exactly."
                        )
                    )
                    % {"text": outcome_text[:80], "p": priority},
                )
            else:
                row.problem(
                    "outcome",
                    _("Several priorities have this outcome: give the priority too."),
                )
        if code.casefold() in file_codes:
            row.problem(
                "code",
                _("The code %(code)s is also on row %(row)s.")
                % {"code": code, "row": file_codes[code.casefold()]},
            )
        existing = stored_measures.get(code.casefold())
        if (
            existing is not None
            and kind
            and kind != existing.value_type
            and existing.pk in with_values
        ):
            row.problem(
                "value_type",
                _(
                    "%(code)s already has figures as a %(kind)s, so its kind "
                    "cannot change."
                )
                % {"code": code, "kind": KINDS.labels[existing.value_type].lower()},
            )
        if existing is not None and existing.breakdown_first_id and kind != "count":
            row.problem(
                "value_type",
                _("%(code)s is broken down, so it must stay a count.") % {"code": code},
            )
        if not row.ok:
            continue
        file_codes[code.casefold()] = number
        fields = {
            "name": name,
            "question": question,
            "value_type": kind,
            "unit": row.text("unit", max_length=60),
            "direction": direction,
            "aggregation": aggregation,
            "annual_target": target,
            "baseline_value": baseline,
            "is_headline": row.flag("is_headline"),
            "definition": row.text(
                "definition", max_length=limit_of(PerformanceMeasure, "definition")
            ),
            "data_source": row.text("data_source", max_length=300),
            "position": len(plan.measures),
            "welsh": _welsh(row, "Measures", indexes["Measures"]),
        }
        if "counts_people" in indexes["Measures"] and row.text("counts_people"):
            fields["counts_people"] = row.flag("counts_people")
        if "due_quarter" in indexes["Measures"]:
            # A sheet without the column leaves the due quarters as they are.
            fields["due_year"] = due.year if due else None
            fields["due_quarter"] = due.quarter if due else None
        if not row.ok:
            continue
        if existing is None:
            action = "create"
        else:
            current_refs = {
                "priority": existing.priority.name if existing.priority_id else None,
                "outcome": existing.outcome.statement if existing.outcome_id else None,
            }
            moved = current_refs != {
                "priority": priority,
                "outcome": outcome[1] if outcome else None,
            }
            action = "update" if moved or _changed(existing, fields) else "unchanged"
        plan.measures.append(
            Planned(
                "Measures",
                number,
                code if existing is None else existing.code,
                action,
                {**fields, "priority": priority, "outcome": outcome},
            )
        )
    _plan_targets(plan, partnership, sheets, indexes, stored_measures)
    if "Actions" in sheets:
        action_sheet.plan_actions(
            plan,
            partnership=partnership,
            sheet=sheets["Actions"],
            index=indexes["Actions"],
            sheet_name=sheet_name,
        )
    return plan


def _plan_targets(plan, partnership, sheets, indexes, stored_measures) -> None:
    """The Targets sheet: one row per measure and reporting year."""
    if "Targets" not in sheets:
        return
    problems = plan.problems
    kinds = {p.key.casefold(): p.fields.get("value_type") for p in plan.measures}
    for code, measure in stored_measures.items():
        kinds.setdefault(code, measure.value_type)
    stored = {
        (t.measure.code.casefold(), t.year): t.target
        for t in MeasureTarget.objects.filter(partnership=partnership).select_related(
            "measure"
        )
    }
    seen: dict[tuple[str, int], int] = {}
    for number, cells in sheets["Targets"].rows:
        row = Row("Targets", number, cells, indexes["Targets"], TARGETS, problems)
        code = row.text("code", max_length=20, required=True)
        raw_year = row.raw("year")
        year_text = cell_text(raw_year) if raw_year is not None else ""
        if isinstance(raw_year, int | float) and not isinstance(raw_year, bool):
            year_text = str(int(raw_year))
        match = YEAR_TEXT.fullmatch(year_text.strip())
        year = int(match.group(1)) if match else None
        if year is None or not 2000 <= year <= 2100:
            row.problem(
                "year",
                _("Give the reporting year as the year it starts in, like 2026."),
            )
        target = row.number("target")
        if target is None and row.ok:
            row.problem("target", _("Give the year's target."))
        kind = kinds.get(code.casefold()) if code else None
        if code and code.casefold() not in kinds:
            row.problem(
                "code",
                _("No measure has the code %(code)s: add it to the %(sheet)s sheet.")
                % {"code": code, "sheet": sheet_name("Measures")},
            )
        if target is not None and target < 0:
            row.problem("target", _("A target cannot be negative."))
        elif (
            target is not None
            and kind in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE)
            and target > 100
        ):
            row.problem("target", _("A percentage target is at most 100."))
        if year is not None and (code.casefold(), year) in seen:
            row.problem(
                "year",
                _("This measure's target for this year is also on row %(row)s.")
                % {"row": seen[(code.casefold(), year)]},
            )
        if not row.ok:
            continue
        seen[(code.casefold(), year)] = number
        current = stored.get((code.casefold(), year))
        action = (
            "create"
            if current is None
            else ("unchanged" if Decimal(current) == target else "update")
        )
        plan.targets.append(
            Planned("Targets", number, code, action, {"year": year, "target": target})
        )


def framework_write(
    *, partnership: Partnership, plan: FrameworkPlan, actor=None
) -> Problems:
    """Write the plan through the services; the caller rolls back on problems.

    ``actor`` (the admin who imports) writes the actions, whose services
    check the role themselves.
    """
    problems = Problems()
    if plan.problems:
        return plan.problems

    def attempt(planned: Planned, write):
        try:
            return write()
        except ValidationError as error:
            messages = (
                [f"{k}: {m}" for k, ms in error.message_dict.items() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            for message in messages:
                problems.add(planned.sheet, planned.row, "", message)
            return None

    if plan.mission and plan.mission.action != "unchanged":
        attempt(
            plan.mission,
            lambda: mission_set(partnership=partnership, **plan.mission.fields),
        )
    priorities = {
        p.name.casefold(): p for p in Priority.objects.filter(partnership=partnership)
    }
    for planned in plan.priorities:
        if planned.action == "unchanged":
            continue
        priority = attempt(
            planned,
            lambda planned=planned: priority_upsert(
                partnership=partnership, **planned.fields
            ),
        )
        if priority is not None:
            priorities[priority.name.casefold()] = priority
    outcomes = {
        (o.priority_id, o.statement.casefold()): o
        for o in Outcome.objects.filter(partnership=partnership)
    }
    for planned in plan.outcomes:
        fields = dict(planned.fields)
        priority = priorities.get((fields.pop("priority") or "").casefold())
        if planned.action == "unchanged":
            continue
        outcome = attempt(
            planned,
            lambda fields=fields, priority=priority: outcome_upsert(
                partnership=partnership, priority=priority, **fields
            ),
        )
        if outcome is not None:
            outcomes[(outcome.priority_id, outcome.statement.casefold())] = outcome
    for planned in plan.measures:
        if planned.action == "unchanged":
            continue
        fields = dict(planned.fields)
        priority = priorities.get((fields.pop("priority") or "").casefold())
        outcome_ref = fields.pop("outcome")
        outcome = None
        if outcome_ref is not None:
            outcome_priority = priorities.get(outcome_ref[0].casefold())
            outcome = outcomes.get(
                (
                    outcome_priority.pk if outcome_priority else None,
                    outcome_ref[1].casefold(),
                )
            )
        attempt(
            planned,
            lambda planned=planned, fields=fields, priority=priority, outcome=outcome: (
                measure_upsert(
                    partnership=partnership,
                    code=planned.key,
                    priority=priority,
                    outcome=outcome,
                    **fields,
                )
            ),
        )
    by_code: dict[str, dict[int, Decimal]] = {}
    for planned in plan.targets:
        if planned.action != "unchanged":
            by_code.setdefault(planned.key.casefold(), {})[planned.fields["year"]] = (
                planned.fields["target"]
            )
    if by_code:
        measures = {
            m.code.casefold(): m
            for m in PerformanceMeasure.objects.filter(partnership=partnership)
        }
        for planned in plan.targets:
            targets = by_code.pop(planned.key.casefold(), None)
            measure = measures.get(planned.key.casefold())
            if targets and measure is not None:
                attempt(
                    planned,
                    lambda measure=measure, targets=targets: measure_targets_upsert(
                        partnership=partnership, measure=measure, targets=targets
                    ),
                )
    if plan.actions:
        action_sheet.write_actions(
            plan, partnership=partnership, actor=actor, attempt=attempt
        )
    return problems


# --- Export -----------------------------------------------------------------


def _number(value):
    return None if value is None else Decimal(value)


def framework_sheets(*, partnership: Partnership) -> list[SheetSpec]:
    """The partnership's framework, sheet by sheet, as the import reads it."""
    mission = Mission.objects.filter(partnership=partnership).first()
    mission_rows = (
        [
            [
                mission.statement_en,
                mission.target_year,
                mission.description_en or "",
                mission.statement_cy or "",
                mission.description_cy or "",
            ]
        ]
        if mission
        else []
    )
    priorities = list(Priority.objects.filter(partnership=partnership))
    outcomes = list(
        Outcome.objects.filter(partnership=partnership).select_related("priority")
    )
    measures = list(
        PerformanceMeasure.objects.filter(partnership=partnership).select_related(
            "priority", "outcome"
        )
    )
    return [
        SheetSpec(
            sheet_name("Mission"), headers(MISSION), mission_rows, WIDTHS["Mission"]
        ),
        SheetSpec(
            sheet_name("Priorities"),
            headers(PRIORITIES),
            [
                [
                    p.name_en,
                    p.mission_statement_en or "",
                    p.name_cy or "",
                    p.mission_statement_cy or "",
                ]
                for p in priorities
            ],
            WIDTHS["Priorities"],
        ),
        SheetSpec(
            sheet_name("Outcomes"),
            headers(OUTCOMES),
            [
                [
                    o.statement_en,
                    o.priority.name_en if o.priority else "",
                    HORIZONS.labels[o.horizon],
                    o.what_it_looks_like_en or "",
                    o.statement_cy or "",
                    o.what_it_looks_like_cy or "",
                ]
                for o in outcomes
            ],
            WIDTHS["Outcomes"],
        ),
        SheetSpec(
            sheet_name("Measures"),
            headers(MEASURES),
            [
                [
                    m.code,
                    m.name_en,
                    QUESTIONS.labels[m.question],
                    KINDS.labels[m.value_type],
                    m.unit_en or "",
                    DIRECTIONS.labels[m.direction],
                    AGGREGATIONS.labels[m.aggregation],
                    _number(m.annual_target),
                    _number(m.baseline_value),
                    m.priority.name_en if m.priority else "",
                    m.outcome.statement_en if m.outcome else "",
                    yes_no(m.is_headline),
                    m.definition_en or "",
                    m.data_source_en or "",
                    Quarter(
                        m.due_year,
                        m.due_quarter,
                        partnership.reporting_year_start_month,
                    ).label
                    if m.due_year
                    else "",
                    m.name_cy or "",
                    m.unit_cy or "",
                    m.definition_cy or "",
                    m.data_source_cy or "",
                    yes_no(m.counts_people),
                ]
                for m in measures
            ],
            WIDTHS["Measures"],
        ),
        SheetSpec(
            sheet_name("Targets"),
            headers(TARGETS),
            [
                [
                    t.measure.code,
                    year_label(t.year, partnership.reporting_year_start_month),
                    _number(t.target),
                ]
                for t in MeasureTarget.objects.filter(partnership=partnership)
                .select_related("measure")
                .order_by("measure__position", "measure__code", "year")
            ],
            WIDTHS["Targets"],
        ),
        SheetSpec(
            sheet_name("Actions"),
            headers(ACTIONS),
            action_sheet.action_rows(partnership=partnership),
            WIDTHS["Actions"],
        ),
    ]


# The guide sheet, in the person's language (``guide_lines``).
GUIDE = (
    gettext_lazy("Strategy framework: how to fill this template"),
    gettext_lazy(
        "Fill the Mission, Priorities, Outcomes and Measures sheets, then upload "
        "the file on the Import and export page (partnership admins). You will see "
        "what will be created or updated, and every problem by sheet, row and "
        "column, before anything is saved; then everything is saved, or nothing."
    ),
    gettext_lazy("Mission: one row: the mission, its target year and what it means."),
    gettext_lazy(
        "Priorities: one row per priority (theme) with its own mission statement."
    ),
    gettext_lazy(
        "Outcomes: one row per outcome; Priority names a row of the Priorities "
        "sheet (or leave it empty). Horizon: Short term (1–2 years), Intermediate "
        "(up to 7 years) or Long term."
    ),
    gettext_lazy(
        "Measures: one row per performance measure. Code: a short unique code "
        "(up to 20 characters), which the quarterly figures use."
    ),
    gettext_lazy(
        "RBA question: How much did we do? / How well did we do it? / Is anyone "
        "better off?"
    ),
    gettext_lazy(
        "Kind of value: Count / Percentage / Number and percentage / Score or "
        "average / Milestone (done / not done)."
    ),
    gettext_lazy("Direction: Higher is better / Lower is better (empty: higher)."),
    gettext_lazy(
        "Aggregation (how quarters make a year): Sum of the quarters / Latest "
        "quarter / Ratio of the summed numerators and denominators / Mean of the "
        "quarters; empty takes the usual one for the kind. A count sums, latest or "
        "mean; a percentage ratio, latest or mean; number and percentage ratio or "
        "latest; a score mean or latest; a milestone latest."
    ),
    gettext_lazy(
        "Targets: one row per measure and reporting year (the strategy's "
        "trajectory): the measure's code, the year it starts in (2026, or 2026/27) "
        "and the target. Annual target on the Measures sheet is used for any year "
        "without a row here."
    ),
    gettext_lazy(
        "Actions: one row per action of the action plan: its title, what it "
        "involves, the priority, the lead agencies (partner organisations as "
        "named on the Members page, one a line or separated by semicolons), the "
        "lead person's email, the start and due quarters (like 2026/27 Q1), the "
        "outcomes it serves (statements, one a line), the measures it serves "
        "(codes) and its status: Planned / On track / At risk / Off track / "
        "Complete / Paused. The latest update's quarter, progress, risks and next "
        "steps are there to read: the lead writes updates on My quarter, and an "
        "import leaves them as they are."
    ),
    gettext_lazy(
        "Annual target and Baseline: numbers (a percentage at most 100). Headline: "
        "yes for a key performance indicator. Priority and Outcome: as written on "
        "their sheets; an outcome's priority is taken when the priority is empty."
    ),
    gettext_lazy(
        "Importing again updates what has the same code (measures), name "
        "(priorities), statement (outcomes) or title (actions); nothing is "
        "deleted."
    ),
    gettext_lazy(
        "A CSV file holds only the Measures sheet's columns; the priorities and "
        "outcomes it names are created with it."
    ),
    gettext_lazy(
        "Welsh: each text has a Welsh column beside it, such as Name (Cymraeg). "
        "Where it is empty, Welsh pages show the English text. A sheet without a "
        "Welsh column leaves the Welsh texts stored as they are."
    ),
    gettext_lazy(
        "Counts people: yes when the measure's figures are numbers or "
        "percentages of people, so that public pages show small ones as "
        "“fewer than …”; no for counts of events, such as activities held. "
        "Empty keeps what the measure has (yes for a new one)."
    ),
)


def guide_lines() -> list[str]:
    """The guide sheet's lines in the active language."""
    return [str(line) for line in GUIDE]


def framework_file(*, partnership: Partnership | None, guide: bool = True) -> bytes:
    """The template (no partnership) or the partnership's framework.

    Sheet names, headers and the guide are in the active language.
    """
    if partnership is None:
        sheets = [
            SheetSpec(sheet_name(name), headers(columns), [], WIDTHS[name])
            for name, columns in SHEETS
        ]
    else:
        sheets = framework_sheets(partnership=partnership)
    return xlsx_bytes(sheets, guide=guide_lines() if guide else ())


def example_file_name(language: str | None) -> str:
    """The shipped worked example in ``language`` (English unless Welsh)."""
    if (language or "").split("-")[0] == "cy":
        return EXAMPLE_FILE_CY
    return EXAMPLE_FILE
