"""Quarterly figures in and out of spreadsheets.

The import checks every row with the web form's rules
(``kpis.recording.value_numbers_check`` and ``value_editable_check``: the
kind's rules, leads only their own measures, locked quarters refused,
submitted and approved figures refused for leads) against a handful of
set-based queries, then writes every new or changed figure in one statement
with ``kpis.recording.figures_write``, the API's bulk write: the rows are
copied into a temporary table and inserted with ``INSERT ... ON CONFLICT DO
UPDATE``. That statement runs under the partnership's row-level-security
context, fires the locked-quarter guard and the history triggers for each row
like any other write, and bumps each changed figure's version as the web form
does.
"""

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kpis import rules
from kpis.models import (
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter
from kpis.policy import measures_led
from kpis.recording import (
    STORY_MAX_LENGTH,
    FigureWrite,
    before_first_message,
    figures_claim,
    figures_write,
    locked_message,
    periods_hold,
    value_editable_check,
    value_numbers_check,
    values_for_update,
)
from kpis.selectors import first_reporting_quarter_set, measure_list_for_entry
from kpis.services import periods_get_or_create
from partnerships import policy as roles
from partnerships.models import Membership, Partnership, User

from .kinds import KINDS
from .parsing import (
    Column,
    Problems,
    Row,
    choice_key,
    headers,
    in_every_language,
    map_headers,
)
from .selectors import export_figure_rows
from .spreadsheets import SheetSpec, Workbook, cell_text, csv_bytes, xlsx_bytes

# The sheet's name and its headers are written in the person's language;
# an import accepts them in any of the site's languages.
SHEET = pgettext_lazy("spreadsheet sheet", "Values")
COLUMNS = (
    Column(
        "quarter",
        pgettext_lazy("spreadsheet column", "Quarter"),
        required=True,
        aliases=("period",),
    ),
    Column(
        "code",
        pgettext_lazy("spreadsheet column", "Code"),
        required=True,
        aliases=("measure code",),
    ),
    Column(
        "name",
        pgettext_lazy("spreadsheet column", "Name"),
        aliases=("measure", "measure name"),
    ),
    Column(
        "kind",
        pgettext_lazy("spreadsheet column", "Kind"),
        aliases=("kind of value",),
    ),
    Column(
        "value",
        pgettext_lazy("spreadsheet column", "Value"),
        required=True,
        aliases=("figure",),
    ),
    Column(
        "numerator",
        pgettext_lazy("spreadsheet column", "Numerator"),
        aliases=("number",),
    ),
    Column(
        "denominator",
        pgettext_lazy("spreadsheet column", "Denominator"),
        aliases=("out of",),
    ),
    Column(
        "story",
        pgettext_lazy("spreadsheet column", "Story"),
        aliases=("the story behind the number", "note"),
    ),
    Column(
        "status",
        pgettext_lazy("spreadsheet column", "Status"),
        aliases=("review status",),
    ),
)
# How many rows the preview lists one by one; the counts cover them all.
PREVIEW_ROWS = 300
# A milestone's Value in words, in either language (compared as choice
# labels are: case, accents and apostrophes aside).
MILESTONE_WORDS = {
    **{choice_key(word): 1 for word in ("done", "yes", "ie", "wedi'i chwblhau")},
    **{choice_key(w): 0 for w in ("not done", "no", "na", "heb ei chwblhau")},
}
FIELD_COLUMNS = {
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
}


@dataclass
class PlannedValue:
    row: int
    measure: PerformanceMeasure
    quarter: Quarter
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    story: str
    action: str = "create"  # create | update | unchanged
    before: str = ""
    # The stored figure's version when it was checked (0: none stored).
    version: int = 0


@dataclass
class ValuesPlan:
    rows: list[PlannedValue] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    skipped: int = 0

    @property
    def writes(self) -> list[PlannedValue]:
        return [r for r in self.rows if r.action != "unchanged"]

    def preview(self) -> dict:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        listed = [r for r in self.rows if r.action != "unchanged"][:PREVIEW_ROWS]
        return {
            "counts": {**counts, "empty": self.skipped},
            "rows": [
                {
                    "row": r.row,
                    "quarter": r.quarter.label,
                    "code": r.measure.code,
                    "name": r.measure.name,
                    "figure": figure_text(
                        r.measure.value_type, r.value, r.numerator, r.denominator
                    ),
                    "before": r.before,
                    "action": r.action,
                }
                for r in listed
            ],
            "more_rows": max(0, counts["create"] + counts["update"] - len(listed)),
        }


def figure_text(kind: str, value, numerator, denominator) -> str:
    if numerator is not None and denominator is not None:
        share = Decimal(100) * numerator / denominator if denominator else None
        return _("%(n)s of %(d)s (%(p)s)") % {
            "n": rules.format_figure(ValueType.COUNT, numerator),
            "d": rules.format_figure(ValueType.COUNT, denominator),
            "p": rules.format_figure(ValueType.PERCENTAGE, share),
        }
    return rules.format_figure(kind, value)


# "Q" in English, "Ch" (chwarter) in Welsh, as Quarter.label writes them.
_QUARTER = re.compile(
    r"^\s*(?:(\d{4})(?:\s*[/-]\s*(\d{2,4}))?\s*(?:Q|Ch)\s*([1-4])"
    r"|(?:Q|Ch)\s*([1-4])\s*(\d{4})(?:\s*[/-]\s*(\d{2,4}))?)\s*$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=512)
def parse_quarter(text: str, start_month: int) -> Quarter | None:
    """ "2024/25 Q1", "2024 Q1" or "Q1 2024/25" (or "Ch1") in the
    partnership's years."""
    match = _QUARTER.match(text)
    if not match:
        return None
    if match.group(1):
        year, end, quarter = match.group(1), match.group(2), match.group(3)
    else:
        quarter, year, end = match.group(4), match.group(5), match.group(6)
    year = int(year)
    if end is not None and int(end) % 100 != (year + 1) % 100:
        return None
    if end is not None and start_month == 1:
        return None
    return Quarter(year, int(quarter), start_month)


def _values_sheet(workbook: Workbook):
    for name in in_every_language(SHEET):
        sheet = workbook.sheet(name)
        if sheet is not None:
            return sheet
    return workbook.sheets[0] if workbook.sheets else None


def values_plan(
    *,
    partnership: Partnership,
    actor: User,
    workbook: Workbook,
    lock: bool = False,
    today: datetime.date | None = None,
) -> ValuesPlan:
    """What importing the workbook would do, and every problem in it.

    ``lock`` takes row locks on the stored figures it will change (the
    import's own transaction), so nothing changes them between the check
    and the write.
    """
    plan = ValuesPlan()
    problems = plan.problems
    sheet = _values_sheet(workbook)
    if sheet is None:
        problems.add(str(SHEET), None, "", _("The workbook has no sheet of figures."))
        return plan
    index = map_headers(sheet, COLUMNS, problems)
    if index is None:
        return plan
    if not sheet.rows:
        problems.add(sheet.name, None, "", _("The sheet has no figures in it."))
        return plan
    membership = Membership.objects.filter(partnership=partnership, user=actor).first()
    if not roles.may_import(membership, roles.FIGURES):
        problems.add(
            sheet.name, None, "", _("Only leads and admins can import figures.")
        )
        return plan
    measures = {
        m.code.casefold(): m
        for m in PerformanceMeasure.objects.filter(partnership=partnership)
    }
    led = measures_led(membership)
    today = today or timezone.localdate()
    start_month = partnership.reporting_year_start_month
    first = first_reporting_quarter_set(partnership)
    seen: dict[tuple[int, int, int], int] = {}
    for number, cells in sheet.rows:
        row = Row(sheet.name, number, cells, index, COLUMNS, problems)
        planned = _plan_row(row, measures, led, start_month, today, seen, first)
        if planned == "empty":
            plan.skipped += 1
        elif planned is not None:
            plan.rows.append(planned)
    _compare_with_stored(partnership, membership, plan, sheet.name, lock=lock)
    return plan


def _plan_row(row: Row, measures, led, start_month, today, seen, first=None):
    code = row.text("code")
    value_raw = cell_text(row.raw("value"))
    numerator_raw = cell_text(row.raw("numerator"))
    denominator_raw = cell_text(row.raw("denominator"))
    story = row.text("story", max_length=STORY_MAX_LENGTH)
    quarter_text = row.text("quarter")
    if not (value_raw or numerator_raw or denominator_raw or story):
        # A template row left empty: nothing to import for that measure.
        return "empty"
    if not code:
        row.problem("code", _("Give the measure's code."))
        return None
    measure = measures.get(code.casefold())
    if measure is None:
        row.problem(
            "code",
            _("No measure has the code “%(code)s” in this partnership.")
            % {"code": code[:40]},
        )
        return None
    if led is not None and measure.pk not in led:
        row.problem(
            "code",
            _("You do not lead %(code)s, so you cannot import its figures.")
            % {"code": measure.code},
        )
        return None
    quarter = parse_quarter(quarter_text, start_month) if quarter_text else None
    if quarter is None:
        example = Quarter.containing(today, start_month).label
        row.problem(
            "quarter",
            _("“%(text)s” is not a quarter; write it like “%(example)s”.")
            % {"text": quarter_text[:40], "example": example}
            if quarter_text
            else _("Give the quarter, like “%(example)s”.") % {"example": example},
        )
        return None
    if quarter.starts_on > today:
        row.problem(
            "quarter",
            _("%(quarter)s has not started yet.") % {"quarter": quarter.label},
        )
        return None
    if first is not None and quarter < first:
        row.problem("quarter", before_first_message(quarter, first))
        return None
    kind_text = row.text("kind")
    if kind_text:
        kind = row.choice("kind", KINDS)
        if kind is not None and kind != measure.value_type:
            row.problem(
                "kind",
                _("%(code)s is a measure of kind “%(kind)s”, not “%(given)s”.")
                % {
                    "code": measure.code,
                    "kind": KINDS.labels[measure.value_type],
                    "given": kind_text[:40],
                },
            )
    if measure.value_type == ValueType.MILESTONE and choice_key(value_raw) in (
        MILESTONE_WORDS
    ):
        value = Decimal(MILESTONE_WORDS[choice_key(value_raw)])
    else:
        value = row.number("value")
    numerator = row.number("numerator")
    denominator = row.number("denominator")
    if not row.ok:
        return None
    try:
        value, numerator, denominator = value_numbers_check(
            measure=measure, value=value, numerator=numerator, denominator=denominator
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.problem(FIELD_COLUMNS.get(name, "value"), message)
        return None
    key = (measure.pk, quarter.year, quarter.quarter)
    if key in seen:
        row.problem(
            "code",
            _("%(code)s %(quarter)s is also on row %(row)s; give each figure once.")
            % {"code": measure.code, "quarter": quarter.label, "row": seen[key]},
        )
        return None
    seen[key] = row.line
    return PlannedValue(
        row=row.line,
        measure=measure,
        quarter=quarter,
        value=value,
        numerator=numerator,
        denominator=denominator,
        story=story,
    )


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and Decimal(a) == Decimal(b)
    )


class _Stored:
    """What the check needs of a stored figure."""

    __slots__ = (
        "id",
        "measure_id",
        "period_id",
        "value",
        "numerator",
        "denominator",
        "story",
        "status",
        "breakdown",
        "version",
    )

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def _compare_with_stored(
    partnership: Partnership,
    membership: Membership,
    plan: ValuesPlan,
    sheet: str,
    *,
    lock: bool,
) -> None:
    """Mark each row create, update or unchanged; refuse what the rules refuse."""
    if not plan.rows:
        return
    wanted = {(r.quarter.year, r.quarter.quarter) for r in plan.rows}
    condition = Q()
    for year, quarter in wanted:
        condition |= Q(year=year, quarter=quarter)
    period_query = Period.objects.filter(condition, partnership=partnership)
    if lock:
        # Hold the quarters as a single save does, then read them under the
        # hold: a quarter locked meanwhile is seen locked, and one being
        # locked waits for the import.
        periods_hold(period_ids=list(period_query.values_list("pk", flat=True)))
        # The import may add figures, to quarters it may yet create.
        figures_claim(partnership=partnership, quarters={r.quarter for r in plan.rows})
    periods = {(p.year, p.quarter): p for p in period_query}
    stored_query = QuarterlyValue.objects.filter(
        partnership=partnership, period__in=list(periods.values())
    ).values_list(*_Stored.__slots__)
    if lock:
        stored_query = values_for_update(stored_query)
    # Plain tuples, not model instances: a quarter of a big file's check time.
    stored = {
        (row[1], row[2]): _Stored(*row)
        for row in stored_query.iterator(chunk_size=5000)
    }
    kept = []
    for planned in plan.rows:
        period = periods.get((planned.quarter.year, planned.quarter.quarter))
        record = stored.get((planned.measure.pk, period.pk)) if period else None
        try:
            value_editable_check(
                record=record,
                membership=membership,
                period=period or SimpleNamespace(is_locked=False),
            )
        except ValidationError as error:
            message = (
                locked_message(period)
                if period is not None and period.is_locked
                else error.messages[0]
            )
            plan.problems.add(
                sheet,
                planned.row,
                "Quarter" if period is not None and period.is_locked else "Value",
                f"{planned.measure.code}: {message}",
            )
            continue
        if record is not None:
            planned.version = record.version
            unchanged = (
                _same(record.value, planned.value)
                and _same(record.numerator, planned.numerator)
                and _same(record.denominator, planned.denominator)
                and record.story.strip() == planned.story
            )
            if unchanged:
                planned.action = "unchanged"
            else:
                planned.action = "update"
                planned.before = figure_text(
                    planned.measure.value_type,
                    record.value,
                    record.numerator,
                    record.denominator,
                )
                if record.breakdown and not _same(record.value, planned.value):
                    plan.problems.add(
                        sheet,
                        planned.row,
                        "Value",
                        _(
                            "%(code)s %(quarter)s is broken down (by %(dims)s); "
                            "change its total on the web form, where its "
                            "breakdown changes with it."
                        )
                        % {
                            "code": planned.measure.code,
                            "quarter": planned.quarter.label,
                            "dims": ", ".join(
                                d.name for d in planned.measure.dimensions
                            )
                            or "—",
                        },
                    )
                    continue
        kept.append(planned)
    plan.rows = kept


class ChangedWhileImporting(Exception):
    """A figure the import meant to create or update was saved meanwhile."""


def values_write(
    *, partnership: Partnership, actor: User, rows: list[PlannedValue]
) -> int:
    """Write the planned figures in one statement; the caller holds the transaction.

    Must run inside the partnership's tenant scope: row-level security
    admits only its rows, and the triggers (locked quarters, history) run
    for each one.
    """
    rows = [r for r in rows if r.action != "unchanged"]
    if not rows:
        return 0
    periods = periods_get_or_create(
        partnership=partnership, quarters={r.quarter for r in rows}
    )
    written = figures_write(
        partnership=partnership,
        actor=actor,
        rows=[
            FigureWrite(
                measure=r.measure,
                period=periods[r.quarter],
                value=r.value,
                numerator=r.numerator,
                denominator=r.denominator,
                story=r.story,
                breakdown={},
                version=r.version,
            )
            for r in rows
        ],
        # A broken-down figure's total is refused above unless unchanged, so
        # its breakdown still holds.
        keep_breakdowns=True,
    )
    # A figure someone saved between the check and the write (one the import
    # meant to create, so had no row to lock) is not overwritten: the upsert
    # skips it, and the whole import is refused.
    if len(written) != len(rows):
        raise ChangedWhileImporting
    return len(written)


# --- Templates and exports --------------------------------------------------

# The guide sheet, in the person's language (lazy: read when the file is
# made). It names the columns as the English template writes them; the
# Welsh catalogue gives the Welsh template's names.
KIND_HINTS = {
    ValueType.COUNT: gettext_lazy("Count: a whole number in Value"),
    ValueType.PERCENTAGE: gettext_lazy(
        "Percentage: Numerator and Denominator, or the percentage in Value "
        "(not for a measure whose year adds up the numbers: a ratio of sums)"
    ),
    ValueType.NUMBER_AND_PERCENTAGE: gettext_lazy(
        "Number and percentage: Numerator and Denominator"
    ),
    ValueType.SCORE: gettext_lazy("Score or average: the figure in Value"),
    ValueType.MILESTONE: gettext_lazy("Milestone: Value 1 (done) or 0 (not done)"),
}

GUIDE = (
    gettext_lazy("Quarterly figures: how to fill this template"),
    gettext_lazy(
        "Fill one row per measure on the Values sheet, then upload the file on "
        "the Import and export page. You will see a preview of every figure and "
        "every problem before anything is saved; nothing is saved until you "
        "confirm, and then either every figure is saved or none is."
    ),
    gettext_lazy(
        "Quarter: the reporting quarter, like %(example)s. Rows for other "
        "quarters can be added."
    ),
    gettext_lazy(
        "Code: the measure's code. Name and Kind are there to help you; Kind "
        "must match the measure if you keep it."
    ),
    *KIND_HINTS.values(),
    gettext_lazy(
        "Story: the story behind the number (optional; some changes need one "
        "before the quarter is submitted)."
    ),
    gettext_lazy(
        "Leave a row's figures and story empty to skip that measure. Figures "
        "that are submitted or approved can only be changed by an admin; a "
        "locked quarter cannot be changed at all."
    ),
    gettext_lazy("Status is filled in for information and is not imported."),
)


def guide_lines() -> list[str]:
    """The guide sheet's lines in the active language."""
    example = Quarter(2024, 1, 9).label
    return [str(line).replace("%(example)s", example) for line in GUIDE]


def _row_cells(measure: PerformanceMeasure, quarter_label: str, record) -> list:
    return [
        quarter_label,
        measure.code,
        measure.name,
        KINDS.labels[measure.value_type],
        record.value if record else None,
        record.numerator if record else None,
        record.denominator if record else None,
        record.story if record else "",
        record.get_status_display() if record else "",
    ]


def values_template_rows(*, membership: Membership, quarter: Quarter) -> list[list]:
    """One row per measure the member enters, with what is stored already."""
    partnership = membership.partnership
    measures = list(measure_list_for_entry(membership=membership))
    stored = {
        v.measure_id: v
        for v in QuarterlyValue.objects.filter(
            partnership=partnership,
            period__year=quarter.year,
            period__quarter=quarter.quarter,
            measure__in=measures,
        )
    }
    return [_row_cells(m, quarter.label, stored.get(m.pk)) for m in measures]


def values_export_rows(
    *, partnership: Partnership, year: int | None, figures: list[tuple] | None = None
) -> list[tuple]:
    """The figures (of one year, or all), oldest quarter first, as the
    Values sheet's rows: from ``figures`` (``selectors.export_figure_rows``,
    read here when not given), with each label (quarter, kind, status)
    translated once, not once a row."""
    if figures is None:
        figures = export_figure_rows(partnership=partnership, year=year)
    start = partnership.reporting_year_start_month
    quarters: dict[tuple[int, int], str] = {}
    kinds = {kind: str(KINDS.labels[kind]) for kind in ValueType.values}
    statuses = {status: str(status.label) for status in ReviewStatus}
    rows = []
    append = rows.append
    for (
        year_,
        quarter,
        code,
        name,
        kind,
        value,
        numerator,
        denominator,
        story,
        status,
        _first,
        _second,
        _breakdown,
    ) in figures:
        label = quarters.get((year_, quarter))
        if label is None:
            label = quarters[year_, quarter] = Quarter(year_, quarter, start).label
        append(
            (
                label,
                code,
                name,
                kinds[kind],
                value,
                numerator,
                denominator,
                story,
                statuses[status],
            )
        )
    return rows


WIDTHS = (12, 10, 50, 22, 10, 12, 12, 50, 14)


def values_file(
    rows: list[list],
    *,
    file_format: str,
    guide: bool,
    more: Sequence[SheetSpec] = (),
) -> bytes:
    """The figures as CSV, or as a workbook with ``more`` sheets after them.

    The sheet's name, its headers and the guide are in the active language.
    """
    names = headers(COLUMNS)
    if file_format == "csv":
        return csv_bytes(names, rows)
    return xlsx_bytes(
        [SheetSpec(str(SHEET), names, rows, WIDTHS), *more],
        guide=guide_lines() if guide else (),
    )
