"""The framework workbook's Actions sheet: the action plan, row by row.

Seed 003's table: each action with its lead agencies, lead person, start and
due quarters, the outcomes and measures it serves and its status; then the
latest update's progress, risks and next steps, written for reading (an
update is the lead's, written on My quarter, so the import leaves those
columns alone). An action is found again by its title. Writes go through
``delivery.services.action_create`` and ``action_edit``, after the sheets
above it, so an action may serve an outcome or measure the same workbook
creates.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from delivery.models import Action, ActionStatus, RiskRating
from delivery.selectors import action_list, latest_update
from delivery.services import ActionFields, action_create, action_edit
from kpis.models import PerformanceMeasure
from kpis.periods import Quarter
from outcomes.models import Outcome, Priority
from partnerships.models import Membership, Organisation, Partnership

from .parsing import Choices, Column, Row
from .values import parse_quarter

ACTIONS = (
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Action"),
        required=True,
        aliases=("title", "action title"),
    ),
    Column(
        "description",
        pgettext_lazy("spreadsheet column", "What it involves"),
        aliases=("description",),
    ),
    Column("priority", pgettext_lazy("spreadsheet column", "Priority")),
    Column(
        "lead_agencies",
        pgettext_lazy("spreadsheet column", "Lead agencies"),
        aliases=("lead agency", "lead organisations"),
    ),
    Column(
        "lead_person",
        pgettext_lazy("spreadsheet column", "Lead person (email)"),
        aliases=("lead person", "lead"),
    ),
    Column(
        "start_quarter",
        pgettext_lazy("spreadsheet column", "Start quarter"),
        aliases=("starts", "start"),
    ),
    Column(
        "due_quarter",
        pgettext_lazy("spreadsheet column", "Due quarter"),
        aliases=("due",),
    ),
    Column("outcomes", pgettext_lazy("spreadsheet column", "Outcomes served")),
    Column(
        "measures",
        pgettext_lazy("spreadsheet column", "Measures served (codes)"),
        aliases=("measures", "measure codes"),
    ),
    Column("status", pgettext_lazy("spreadsheet column", "Status")),
    # The latest update, for reading: the import does not change updates.
    Column(
        "latest_quarter", pgettext_lazy("spreadsheet column", "Latest update quarter")
    ),
    Column("progress", pgettext_lazy("spreadsheet column", "Progress")),
    Column("risks", pgettext_lazy("spreadsheet column", "Risks")),
    Column(
        "next_steps", pgettext_lazy("spreadsheet column", "Next steps and timescales")
    ),
)
WIDTHS = (50, 50, 30, 30, 28, 14, 14, 50, 18, 14, 14, 60, 50, 50)
STATUSES = Choices(
    {value: (label, value.replace("_", " ")) for value, label in ActionStatus.choices}
)
# Several names in one cell: one a line, or separated by semicolons.
LIST_SEPARATOR = re.compile(r"\s*(?:\n|;)\s*")


@dataclass(frozen=True)
class ActionRefs:
    """An action's links as the workbook names them, resolved when written."""

    priority: str | None
    outcomes: tuple[tuple[str, str], ...]  # (priority name or "", statement)
    measures: tuple[str, ...]  # codes


def _names(text: str) -> list[str]:
    return [name for name in LIST_SEPARATOR.split(text.strip()) if name]


def _quarter(row: Row, key: str, start_month: int) -> Quarter | None:
    text = row.text(key)
    if not text:
        return None
    quarter = parse_quarter(text, start_month)
    if quarter is None:
        try:
            quarter = Quarter.parse_key(text, start_month)
        except ValueError:
            quarter = None
    if quarter is None:
        row.problem(
            key,
            _("“%(text)s” is not a quarter; write it like “%(example)s”.")
            % {
                "text": text[:40],
                "example": Quarter.containing(timezone.localdate(), start_month).label,
            },
        )
    return quarter


def plan_actions(plan, *, partnership: Partnership, sheet, index, sheet_name) -> None:
    """Check the Actions sheet's rows into ``plan.actions``.

    ``plan`` already holds the priorities, outcomes and measures of the other
    sheets, which an action may name beside the stored ones.
    """
    from .framework import Planned

    problems = plan.problems
    start_month = partnership.reporting_year_start_month
    priority_names = {
        p.name.casefold(): p.name
        for p in Priority.objects.filter(partnership=partnership)
    }
    for planned in plan.priorities:
        priority_names[planned.key.casefold()] = planned.key
    outcome_refs: dict[str, set[tuple[str, str]]] = {}
    for outcome in Outcome.objects.filter(partnership=partnership).select_related(
        "priority"
    ):
        outcome_refs.setdefault(outcome.statement_en.casefold(), set()).add(
            (outcome.priority.name_en if outcome.priority else "", outcome.statement_en)
        )
    for planned in plan.outcomes:
        outcome_refs.setdefault(planned.key.casefold(), set()).add(
            (planned.fields.get("priority") or "", planned.key)
        )
    measure_codes = {
        code.casefold(): code
        for code in PerformanceMeasure.objects.filter(
            partnership=partnership
        ).values_list("code", flat=True)
    }
    for planned in plan.measures:
        measure_codes[planned.key.casefold()] = planned.key
    organisations = {
        o.name.casefold(): o
        for o in Organisation.objects.filter(partnership=partnership)
    }
    members = {
        m.user.email.casefold(): m.user
        for m in Membership.objects.filter(partnership=partnership).select_related(
            "user"
        )
    }
    stored: dict[str, list[Action]] = {}
    for action in (
        Action.objects.filter(partnership=partnership)
        .prefetch_related("lead_agencies", "outcomes__priority", "measures")
        .select_related("priority", "start_period", "due_period")
    ):
        stored.setdefault(action.name_en.casefold(), []).append(action)

    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = Row("Actions", number, cells, index, ACTIONS, problems)
        name = row.text("name", max_length=400, required=True)
        description = row.text("description", max_length=4000)
        priority = None
        priority_text = row.text("priority")
        if priority_text:
            priority = priority_names.get(priority_text.casefold())
            if priority is None:
                row.problem(
                    "priority",
                    _(
                        "No priority is called “%(name)s”: add it to the %(sheet)s "
                        "sheet, or correct the name."
                    )
                    % {"name": priority_text[:80], "sheet": sheet_name("Priorities")},
                )
        agencies = []
        for text in _names(row.text("lead_agencies")):
            organisation = organisations.get(text.casefold())
            if organisation is None:
                row.problem(
                    "lead_agencies",
                    _(
                        "No partner organisation is called “%(name)s”: add it on "
                        "the Members page first, or correct the name."
                    )
                    % {"name": text[:80]},
                )
            elif organisation not in agencies:
                agencies.append(organisation)
        lead_person = None
        email = row.text("lead_person")
        if email:
            lead_person = members.get(email.casefold())
            if lead_person is None:
                row.problem(
                    "lead_person",
                    _("No member of the partnership has the email “%(email)s”.")
                    % {"email": email[:80]},
                )
        start = _quarter(row, "start_quarter", start_month)
        due = _quarter(row, "due_quarter", start_month)
        if start and due and due < start:
            row.problem("due_quarter", _("The due quarter cannot be before the start."))
        outcomes = []
        outcomes_text = row.text("outcomes")
        # A statement may hold a semicolon: the whole cell is tried first.
        wanted = (
            [outcomes_text]
            if outcomes_text.casefold().strip() in outcome_refs
            else _names(outcomes_text)
        )
        for text in wanted:
            refs = sorted(outcome_refs.get(text.casefold(), ()))
            if priority is not None and len(refs) > 1:
                refs = [r for r in refs if r[0].casefold() == priority.casefold()]
            if not refs:
                row.problem(
                    "outcomes",
                    _(
                        "No outcome reads “%(text)s”: add it to the Outcomes "
                        "sheet, or copy its statement exactly."
                    )
                    % {"text": text[:80]},
                )
            elif len(refs) > 1:
                row.problem(
                    "outcomes",
                    _("Several priorities have this outcome: give the priority too."),
                )
            elif refs[0] not in outcomes:
                outcomes.append(refs[0])
        measures = []
        for text in _names(row.text("measures").replace(",", ";")):
            code = measure_codes.get(text.casefold())
            if code is None:
                row.problem(
                    "measures",
                    _(
                        "No measure has the code %(code)s: add it to the "
                        "%(sheet)s sheet."
                    )
                    % {"code": text[:20], "sheet": sheet_name("Measures")},
                )
            elif code not in measures:
                measures.append(code)
        status = row.choice("status", STATUSES, default=ActionStatus.PLANNED)
        if name and name.casefold() in seen:
            row.problem(
                "name",
                _("“%(name)s” is also on row %(row)s.")
                % {"name": name[:80], "row": seen[name.casefold()]},
            )
        same_name = stored.get(name.casefold(), [])
        if len(same_name) > 1:
            row.problem(
                "name",
                _(
                    "Several actions are called “%(name)s”: give them different "
                    "titles on the action plan first."
                )
                % {"name": name[:80]},
            )
        if not row.ok:
            continue
        seen[name.casefold()] = number
        fields = {
            "name": name,
            "description": description,
            "lead_agency_ids": tuple(sorted(o.pk for o in agencies)),
            "lead_person_id": lead_person.pk if lead_person else None,
            "start_quarter": start,
            "due_quarter": due,
            "status": status,
        }
        refs = ActionRefs(
            priority=priority,
            outcomes=tuple(sorted(outcomes)),
            measures=tuple(sorted(measures, key=str.casefold)),
        )
        existing = same_name[0] if same_name else None
        if existing is None:
            action = "create"
        else:
            action = "update" if _changed(existing, fields, refs) else "unchanged"
        plan.actions.append(
            Planned("Actions", number, name, action, {"fields": fields, "refs": refs})
        )


def _changed(action: Action, fields: dict, refs: ActionRefs) -> bool:
    def quarter(period):
        return None if period is None else period.as_quarter

    current = {
        "name": action.name_en,
        "description": action.description_en or "",
        "lead_agency_ids": tuple(sorted(o.pk for o in action.lead_agencies.all())),
        "lead_person_id": action.lead_person_id,
        "start_quarter": quarter(action.start_period),
        "due_quarter": quarter(action.due_period),
        "status": action.status,
    }
    current_refs = ActionRefs(
        priority=action.priority.name_en if action.priority else None,
        outcomes=tuple(
            sorted(
                (o.priority.name_en if o.priority else "", o.statement_en)
                for o in action.outcomes.all()
            )
        ),
        measures=tuple(
            sorted((m.code for m in action.measures.all()), key=str.casefold)
        ),
    )
    return current != fields or _folded(current_refs) != _folded(refs)


def _folded(refs: ActionRefs):
    return (
        (refs.priority or "").casefold(),
        tuple((p.casefold(), s.casefold()) for p, s in refs.outcomes),
        tuple(code.casefold() for code in refs.measures),
    )


def write_actions(plan, *, partnership: Partnership, actor, attempt) -> None:
    """Create or update the planned actions, after the other sheets' writes."""
    if not any(p.action != "unchanged" for p in plan.actions):
        return
    priorities = {
        p.name.casefold(): p.pk
        for p in Priority.objects.filter(partnership=partnership)
    }
    outcomes = {
        (
            (o.priority.name_en.casefold() if o.priority else ""),
            o.statement_en.casefold(),
        ): o.pk
        for o in Outcome.objects.filter(partnership=partnership).select_related(
            "priority"
        )
    }
    measures = {
        code.casefold(): pk
        for pk, code in PerformanceMeasure.objects.filter(
            partnership=partnership
        ).values_list("pk", "code")
    }
    stored = {}
    for action in Action.objects.filter(partnership=partnership).order_by("-id"):
        stored[action.name_en.casefold()] = action
    for planned in plan.actions:
        if planned.action == "unchanged":
            continue
        refs: ActionRefs = planned.fields["refs"]
        fields = ActionFields(
            **planned.fields["fields"],
            priority_id=priorities.get((refs.priority or "").casefold()),
            outcome_ids=tuple(
                outcomes[(p.casefold(), s.casefold())] for p, s in refs.outcomes
            ),
            measure_ids=tuple(measures[code.casefold()] for code in refs.measures),
        )
        existing = stored.get(planned.key.casefold())
        if existing is None:
            attempt(
                planned,
                lambda fields=fields: action_create(
                    partnership=partnership, fields=fields, actor=actor
                ),
            )
        else:
            attempt(
                planned,
                lambda fields=fields, existing=existing: action_edit(
                    partnership=partnership, action=existing, fields=fields, actor=actor
                ),
            )


def _risks_text(update) -> str:
    labels = dict(RiskRating.choices)
    return "\n".join(
        f"{labels.get(r.get('rating'), r.get('rating'))}: {r.get('risk')}"
        for r in update.risks
    )


def _steps_text(update) -> str:
    return "\n".join(
        f"{s['step']} ({s['timescale']})" if s.get("timescale") else s["step"]
        for s in update.next_steps
    )


def action_rows(*, partnership: Partnership) -> list[list]:
    """The partnership's actions as the sheet's rows, in plan order."""
    rows = []
    for action in action_list(partnership=partnership):
        update = latest_update(action)
        rows.append(
            [
                action.name_en,
                action.description_en or "",
                action.priority.name_en if action.priority else "",
                "\n".join(o.name for o in action.lead_agencies.all()),
                action.lead_person.email if action.lead_person else "",
                action.start_period.label if action.start_period else "",
                action.due_period.label if action.due_period else "",
                "\n".join(o.statement_en for o in action.outcomes.all()),
                "; ".join(m.code for m in action.measures.all()),
                STATUSES.labels[action.status],
                update.period.label if update else "",
                update.progress if update else "",
                _risks_text(update) if update else "",
                _steps_text(update) if update else "",
            ]
        )
    return rows
