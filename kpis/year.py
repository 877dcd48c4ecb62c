"""A measure's reporting year so far against its target, on plain numbers.

The one place the year's rules (``kpis.rules``) are put together: the year's
figure and how it reads, the quarters reported, given only as a rate and
missing (and the note saying so), a milestone's due quarter, its due note and
"done earlier", the pro-rata target and the status. Every page that shows a
year reads it from ``year_figures_of``: the measure page, My measures and the
annual report through ``kpis.selectors.year_summary`` (from a measure
instance), the dashboard and the exports' year summary through
``reports.year_figures.year_figures_compute`` (from rows read as tuples).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from partnerships.i18n import label_once

from . import rules
from .models import ValueType
from .periods import Quarter


@dataclass(slots=True)
class YearFigures:
    """A measure's year so far against its target, worked out at once."""

    year: int
    label: str
    value_type: str
    aggregation: str
    entries: list[rules.Entry]
    # The year's quarters that have ended, from the partnership's first
    # reporting quarter on (``kpis.selectors.year_quarters_ended``): those
    # without a figure are missing.
    ended: list[int]
    # A milestone done in an earlier year: it stays done.
    done_earlier: bool
    reported: list[int]
    rate_only: list[int]
    missing: list[int]
    missing_note: str
    quarters_ended: int
    figure: Decimal | None
    display: str
    # The target of this year, not of another: a later change of next year's
    # target leaves this year judged as it was.
    target: Decimal | None
    target_display: str
    last_quarter: int | None
    pro_rata_target: Decimal | None
    pro_rata_display: str
    status: rules.Status
    # A milestone's due quarter, if it has one.
    due: Quarter | None
    # Why a milestone not done has its status: not yet due, or past due.
    due_note: str

    @property
    def due_label(self) -> str:
        return self.due.label if self.due else ""


class _MissingNote:
    """``rules.missing_note`` put in words when ``label_once`` first asks."""

    __slots__ = ("missing", "rate_only")

    def __init__(self, missing: list[int], rate_only: list[int]) -> None:
        self.missing = missing
        self.rate_only = rate_only

    def __str__(self) -> str:
        return rules.missing_note(self.missing, self.rate_only)


def _missing_note(missing: list[int], rate_only: list[int]) -> str:
    """The few distinct notes a page holds (a quarter or two missing), each
    put in words once a language, not once a measure."""
    if not missing and not rate_only:
        return ""
    return label_once(
        ("missing note", tuple(missing), tuple(rate_only)),
        _MissingNote(missing, rate_only),
    )


def _due_note(due: Quarter, as_of: datetime.date) -> str:
    if due.ends_on < as_of:
        return _("Not done by %(quarter)s, when it was due.") % {"quarter": due.label}
    return _("Not due until %(quarter)s.") % {"quarter": due.label}


def year_figures_of(
    *,
    value_type: str,
    aggregation: str,
    direction: str,
    target: Decimal | None,
    due_year: int | None,
    due_quarter: int | None,
    year: int,
    label: str,
    entries: Sequence[rules.Entry],
    ended: list[int],
    done_earlier: bool,
    start_month: int,
    today: datetime.date,
) -> YearFigures:
    """The measure's ``year`` so far from its ``entries`` (this year's, in
    quarter order), judged on ``today``.

    ``target``: the year's own target, else the measure's annual target;
    ``ended``: the year's quarters that have ended and count.
    """
    milestone = value_type == ValueType.MILESTONE
    entries = list(entries)
    reported, rate_only = rules.quarters_counted(value_type, aggregation, entries)
    missing = (
        []
        if done_earlier and milestone
        else rules.quarters_missing(reported=reported + rate_only, ended=ended)
    )
    figure = rules.year_figure(
        value_type, aggregation, entries, done_earlier=done_earlier
    )
    display = rules.format_figure(value_type, figure)
    number = rules.year_number(value_type, entries)
    if number is not None:
        display = f"{rules.format_figure('count', number)} ({display})"
    last_quarter = max((e.quarter for e in entries), default=None)
    pro_rata = (
        None
        if last_quarter is None
        else rules.pro_rata_target(aggregation, target, len(reported))
    )
    due = (
        Quarter(due_year, due_quarter, start_month)
        if milestone and due_year is not None
        else None
    )
    # The day a milestone's due quarter is judged on.
    as_of = rules.judged_on(year, start_month, today) if due is not None else None
    due_note = (
        _due_note(due, as_of)
        if due is not None and figure is not None and figure < 1
        else ""
    )
    target_display = rules.format_figure(value_type, target)
    return YearFigures(
        year=year,
        label=label,
        value_type=value_type,
        aggregation=aggregation,
        entries=entries,
        ended=ended,
        done_earlier=done_earlier,
        reported=reported,
        rate_only=rate_only,
        missing=missing,
        missing_note=_missing_note(missing, rate_only),
        quarters_ended=len({*ended, *reported, *rate_only}),
        figure=figure,
        display=display,
        target=target,
        target_display=target_display,
        last_quarter=last_quarter,
        pro_rata_target=pro_rata,
        # A target not scaled is the target itself, already written out.
        pro_rata_display=target_display
        if pro_rata is target
        else rules.format_figure(value_type, pro_rata),
        status=rules.status_of(
            value_type=value_type,
            aggregation=aggregation,
            direction=direction,
            annual_target=target,
            figure=figure,
            reported=len(reported),
            last_quarter=last_quarter,
            due=due,
            as_of=as_of,
        ),
        due=due,
        due_note=due_note,
    )
