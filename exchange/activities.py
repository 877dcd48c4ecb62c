"""The engagement log as a spreadsheet, and back.

One row an activity. The export names the level and status as the page does
and the organisations, communities ("Dimension: Category") and standards met
separated by semicolons; the import reads the same (or the levels' and
statuses' keys), adds the rows without an ID, changes those with one, and
saves all of them or, when any row has a problem, none.

It runs as an import job (``exchange.services``, kind "activities") on a
Celery worker, as the other imports do: the check writes every row through
the log's own service for many activities (``engagement.services.
activities_record``: the rules of a single save, checked against a handful
of set-based reads, then a few bulk statements) inside a transaction it
then rolls back, so the preview lists exactly what the service would
refuse, by row and column; the import, once confirmed, does the same again
and keeps it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engagement.computing import computed_figures_refresh
from engagement.models import ActivityStatus, ContinuumLevel
from engagement.selectors import (
    activity_list,
    category_list,
    level_names,
    organisation_list,
    standard_list,
)
from engagement.services import (
    ActivitiesRefused,
    ActivityInput,
    ActivityWrite,
    activities_record,
    may_log,
)
from partnerships.models import Membership, Partnership, User

from .parsing import Problems, in_every_language
from .spreadsheets import Sheet, Workbook, cell_text, normalise_header

# A partnership logs tens of activities a quarter; years of a large
# partnership's log, moved from another system, fit. The check and the write
# each cost a few dozen queries however many rows (benchmarks/
# import_activities.py times them), so 10,000 rows stay well inside
# CIVIC_IMPORT_TIME_LIMIT.
MAX_ROWS = 10_000
SHEET = gettext_lazy("Activities")
# How the job's problems and preview rows name the sheet (``SHEET`` in the
# reader's language on the page).
SHEET_KEY = "Activities"
PREVIEW_ROWS = 200
HEADERS = {
    "id": gettext_lazy("ID"),
    "title": gettext_lazy("Title"),
    "starts_on": gettext_lazy("First day"),
    "ends_on": gettext_lazy("Last day"),
    "status": gettext_lazy("Status"),
    "level": gettext_lazy("Level of engagement"),
    "method": gettext_lazy("Method"),
    "organisations": gettext_lazy("Organisations involved"),
    "communities": gettext_lazy("Communities or audiences reached"),
    "participants": gettext_lazy("Number of participants"),
    "standards": gettext_lazy("Standards met"),
    "feedback_said": gettext_lazy("What people said"),
    "feedback_done": gettext_lazy("What was done about it"),
}
WIDTHS = [8, 40, 12, 12, 12, 22, 24, 36, 36, 12, 36, 50, 50]
# The service's field names, as the columns name them.
FIELD_COLUMNS = {"standards": "standards", "breakdown": "participants"}


def headers() -> list[str]:
    return [str(h) for h in HEADERS.values()]


def _community_name(category) -> str:
    return f"{category.dimension.name}: {category.name}"


def activity_rows(*, partnership: Partnership) -> list[list]:
    names = level_names(partnership=partnership)
    return [
        [
            a.pk,
            a.title_en,
            a.starts_on,
            a.ends_on,
            a.get_status_display(),
            names[a.level],
            a.method,
            "; ".join(o.name for o in a.organisations.all()),
            "; ".join(_community_name(c) for c in a.communities.all()),
            a.participants,
            "; ".join(s.name for s in a.standards_met.all()),
            a.feedback_said,
            a.feedback_done,
        ]
        for a in activity_list(partnership=partnership)
    ]


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    added: int = 0
    changed: int = 0
    # Each written row: (row number, title, "create" or "update").
    rows: list = field(default_factory=list)


class ActivityImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(problems)
        self.problems = problems


def _lookup(pairs) -> dict[str, object]:
    return {normalise_header(name): value for name, value in pairs}


def _day(text: str) -> datetime.date | None:
    text = text[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdecimal() for p in parts):
        day, month, year = (int(p) for p in parts)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _row_problems(
    number: int, error: PermissionDenied | ValidationError
) -> list[RowProblem]:
    """A row's refusal by the log's services, beside its columns."""
    if isinstance(error, PermissionDenied):
        return [
            RowProblem(number, "", str(error) or _("You cannot change this activity."))
        ]
    if hasattr(error, "error_dict"):
        return [
            RowProblem(number, str(HEADERS.get(FIELD_COLUMNS.get(name, name), "")), m)
            for name, messages in error.message_dict.items()
            for m in messages
        ]
    return [RowProblem(number, "", m) for m in error.messages]


def activities_import(
    *, partnership: Partnership, actor: User, sheet: Sheet, refresh: bool = True
) -> ImportResult:
    """Add and change the sheet's activities, all or none; ``refresh``
    recomputes the figures computed from the log once, at the end."""
    membership = Membership.objects.filter(partnership=partnership, user=actor).first()
    if not may_log(membership):
        raise PermissionDenied(_("You cannot log engagement activity."))
    columns = {normalise_header(str(h)): key for key, h in HEADERS.items()}
    positions = {
        columns[normalise_header(h)]: i
        for i, h in enumerate(sheet.headers)
        if normalise_header(h) in columns
    }
    missing = [
        str(HEADERS[key])
        for key in ("title", "starts_on", "level", "organisations")
        if key not in positions
    ]
    if missing:
        raise ActivityImportError(
            [
                RowProblem(
                    1,
                    "",
                    _("The sheet has no column %(name)s.") % {"name": name},
                )
                for name in missing
            ]
        )
    if len(sheet.rows) > MAX_ROWS:
        raise ActivityImportError(
            [
                RowProblem(
                    1,
                    "",
                    _("Import at most %(limit)s activities at a time.")
                    % {"limit": f"{MAX_ROWS:,}"},
                )
            ]
        )
    levels = _lookup(
        [(name, key) for key, name in level_names(partnership=partnership).items()]
        + [(str(label), key) for key, label in ContinuumLevel.choices]
        + [(key, key) for key in ContinuumLevel.values]
    )
    statuses = _lookup(
        [(str(label), key) for key, label in ActivityStatus.choices]
        + [(key, key) for key in ActivityStatus.values]
    )
    organisations = _lookup(
        (o.name, o.pk) for o in organisation_list(partnership=partnership)
    )
    communities = _lookup(
        (_community_name(c), c.pk) for c in category_list(partnership=partnership)
    )
    standards = _lookup((s.name, s.pk) for s in standard_list(partnership=partnership))
    existing = {a.pk: a for a in activity_list(partnership=partnership)}
    problems: list[RowProblem] = []
    result = ImportResult()
    writes: list[ActivityWrite] = []
    numbers: list[int] = []  # each write's row

    def cell(cells, key) -> str:
        index = positions.get(key)
        return (
            cell_text(cells[index]) if index is not None and index < len(cells) else ""
        )

    with transaction.atomic():
        for number, cells in sheet.rows:
            row_problems = []

            def problem(key, message, row_problems=row_problems, number=number):
                row_problems.append(RowProblem(number, str(HEADERS[key]), message))

            def names_to_ids(key, known, message, problem=problem, cells=cells):
                ids = []
                for name in _split(cell(cells, key)):
                    pk = known.get(normalise_header(name))
                    if pk is None:
                        problem(key, message % {"name": name})
                    else:
                        ids.append(pk)
                return ids

            starts_on = _day(cell(cells, "starts_on"))
            ends_text = cell(cells, "ends_on")
            ends_on = _day(ends_text) if ends_text else starts_on
            for key, text, day in (
                ("starts_on", cell(cells, "starts_on"), starts_on),
                ("ends_on", ends_text, ends_on),
            ):
                if text and day is None:
                    problem(key, _("Give the date as YYYY-MM-DD, e.g. 2026-05-04."))
            level_text = cell(cells, "level")
            level = levels.get(normalise_header(level_text), "")
            if level_text and not level:
                problem(
                    "level",
                    _("Not a level of the continuum: %(name)s.") % {"name": level_text},
                )
            status_text = cell(cells, "status")
            status = (
                statuses.get(normalise_header(status_text), "")
                if status_text
                else ActivityStatus.PLANNED
            )
            if not status:
                problem("status", _("Say planned, held or cancelled."))
            participants_text = cell(cells, "participants")
            participants = None
            if participants_text:
                if participants_text.isdecimal():
                    participants = int(participants_text)
                else:
                    problem("participants", _("Enter a whole number, like 12."))
            data = ActivityInput(
                title=cell(cells, "title"),
                starts_on=starts_on,
                ends_on=ends_on,
                level=level,
                status=status or ActivityStatus.PLANNED,
                method=cell(cells, "method"),
                organisation_ids=names_to_ids(
                    "organisations",
                    organisations,
                    _("Not an organisation of this partnership: %(name)s."),
                ),
                community_ids=names_to_ids(
                    "communities",
                    communities,
                    _("Not a community of this partnership: %(name)s."),
                ),
                standard_ids=names_to_ids(
                    "standards",
                    standards,
                    _("Not a standard this partnership follows: %(name)s."),
                ),
                participants=participants,
                feedback_said=cell(cells, "feedback_said"),
                feedback_done=cell(cells, "feedback_done"),
            )
            id_text = cell(cells, "id")
            activity = None
            if id_text:
                activity = existing.get(int(id_text)) if id_text.isdecimal() else None
                if activity is None:
                    problem("id", _("No activity of this partnership has this ID."))
            if row_problems:
                problems.extend(row_problems)
                continue
            if activity is not None and activity.participant_breakdown:
                data.breakdown = {
                    int(k): v for k, v in activity.participant_breakdown.items()
                }
            writes.append(ActivityWrite(data=data, activity=activity))
            numbers.append(number)
        try:
            activities_record(
                partnership=partnership, actor=actor, writes=writes, refresh=False
            )
        except ActivitiesRefused as refusal:
            for index, error in refusal.errors.items():
                problems.extend(_row_problems(numbers[index], error))
        if problems:
            # By row, as the rows were read (a row's own problems first).
            raise ActivityImportError(sorted(problems, key=lambda p: p.row))
        for number, write in zip(numbers, writes, strict=True):
            action = "create" if write.activity is None else "update"
            result.rows.append((number, write.data.title, action))
        result.added = sum(1 for w in writes if w.activity is None)
        result.changed = len(writes) - result.added
        if refresh:
            computed_figures_refresh(partnership=partnership, actor=actor)
    return result


class _DryRun(Exception):
    pass


@dataclass
class ActivitiesPlan:
    """What an import job's check found: the rows and the problems."""

    problems: Problems
    rows: list = field(default_factory=list)

    def preview(self) -> dict:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for _number, _title, action in self.rows:
            counts[action] += 1
        listed = self.rows[:PREVIEW_ROWS]
        return {
            "counts": counts,
            "rows": [
                {"sheet": SHEET_KEY, "row": number, "key": title, "action": action}
                for number, title, action in listed
            ],
            "more_rows": len(self.rows) - len(listed),
        }


def _problems(errors: list[RowProblem]) -> Problems:
    problems = Problems()
    for error in errors:
        problems.add(SHEET_KEY, error.row, error.column, error.message)
    return problems


def activities_sheet(workbook: Workbook) -> Sheet | None:
    """The workbook's Activities sheet (named in either language), or its first."""
    for name in in_every_language(SHEET):
        sheet = workbook.sheet(name)
        if sheet is not None:
            return sheet
    return workbook.sheets[0] if workbook.sheets else None


def activities_plan(
    *, partnership: Partnership, actor: User, workbook: Workbook
) -> ActivitiesPlan:
    """Check the rows by writing them through the services, then roll back."""
    sheet = activities_sheet(workbook)
    if sheet is None:
        return ActivitiesPlan(_problems([RowProblem(1, "", _("The file is empty."))]))
    plan = ActivitiesPlan(Problems())
    try:
        with transaction.atomic():
            result = activities_import(
                partnership=partnership, actor=actor, sheet=sheet, refresh=False
            )
            plan.rows = result.rows
            raise _DryRun
    except _DryRun:
        pass
    except ActivityImportError as error:
        plan.problems = _problems(error.problems)
    except PermissionDenied as error:
        plan.problems = _problems([RowProblem(1, "", str(error))])
    return plan


def activities_write(
    *, partnership: Partnership, actor: User, workbook: Workbook
) -> tuple[ImportResult | None, Problems]:
    """Write the rows (the caller's transaction); the problems, if any."""
    sheet = activities_sheet(workbook)
    try:
        result = activities_import(partnership=partnership, actor=actor, sheet=sheet)
    except ActivityImportError as error:
        return None, _problems(error.problems)
    except PermissionDenied as error:
        return None, _problems([RowProblem(1, "", str(error))])
    return result, Problems()
