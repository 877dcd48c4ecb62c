"""How quarters make a year, and whether a measure is on track.

Pure functions over plain values, so every rule is tested without a database.

* A quarter's figure: the count, score or milestone (1 = done) as entered; for
  a percentage, numerator / denominator × 100 (or the rate entered directly);
  for "number and %", the percentage (the number is shown beside it).
* A year's figure, by the measure's rule, from the quarters that have values
  (missing quarters are skipped, not counted as zero): sum; latest; ratio of
  the summed numerators and denominators × 100; mean of the quarter figures.
* A quarter that has ended without a figure is *missing*: never zero, and
  never a reason for a status by itself. The year is judged on the quarters
  reported and the status is shown with what is missing ("Q1 not
  reported"), everywhere it is shown (``missing_note``).
* The pro-rata target: for a summed measure, the annual target × n / 4 where
  n is the number of quarters reported this year (so 76 + 86 + 81 with Q1
  missing is judged against three quarters' share, not against 300); for
  every other rule the annual target itself, as their year's figure is
  already made from the quarters reported. Status compares the year's
  figure so far with it: on track when it meets it (in the desired
  direction), at risk when within ``AT_RISK_TOLERANCE`` of it, off track
  otherwise. A year with no figure at all is "No data yet".
* A milestone done stays done: done in an earlier year, it is done (and on
  track, with nothing missing) in every later year, whatever this year holds.
* A milestone not done yet is judged against its due quarter: on track until
  the due quarter has ended, off track once it has (as of the day judged: today,
  or the year's end for a year that is over). Without a due quarter, the year
  end is its due date: at risk before the year's last quarter, off track in it.
* Quarters before the partnership's first reporting quarter are neither
  missing nor overdue. The first reporting quarter is the earlier of the
  quarter the partnership was created in and the earliest quarter holding
  any of its figures (a partnership that brings its history keeps it).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from partnerships.conjunctions import AND_BEFORE_VOWEL, welsh_and
from partnerships.i18n import label_once

from .models import Aggregation, Direction, ValueType
from .periods import Quarter

HUNDRED = Decimal(100)
# The kinds of value whose quarter figure is a rate (numerator over denominator).
RATE_TYPES = frozenset({ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE})
AT_RISK_TOLERANCE = Decimal("0.10")


class Entry(NamedTuple):
    """One quarter's stored numbers, in quarter order.

    A tuple: a page makes one for every figure of the year it shows (a
    frozen dataclass cost several times as much to make).
    """

    quarter: int
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @classmethod
    def of(cls, stored) -> "Entry":
        """From a stored QuarterlyValue (with its period loaded)."""
        return cls(
            stored.period.quarter, stored.value, stored.numerator, stored.denominator
        )


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        # Shown for every measure on the dashboard: translated once a language.
        return label_once(("status", self), STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.OFF_TRACK: _("Off track"),
    Status.NO_TARGET: _("No target"),
    Status.NO_DATA: _("No data yet"),
}


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return numerator / denominator * HUNDRED


def quarter_figure(value_type: str, entry: Entry) -> Decimal | None:
    return figure_of(value_type, entry.value, entry.numerator, entry.denominator)


def figure_of(
    value_type: str,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> Decimal | None:
    """``quarter_figure`` of a quarter's numbers as they are: for read models
    that hold figures as tuples rather than entries."""
    if value_type in RATE_TYPES and numerator is not None and denominator is not None:
        return _ratio(numerator, denominator)
    return value


def year_figure(
    value_type: str,
    aggregation: str,
    entries: Sequence[Entry],
    *,
    done_earlier: bool = False,
) -> Decimal | None:
    """The year's figure so far from this year's entries, or None if no data.

    ``done_earlier``: a milestone done in an earlier year, which stays done.
    """
    if value_type == ValueType.MILESTONE and done_earlier:
        return Decimal(1)
    if aggregation == Aggregation.SUM:
        values = [e.value for e in entries if e.value is not None]
        return sum(values, Decimal(0)) if values else None
    if aggregation == Aggregation.LATEST:
        for entry in reversed(entries):
            figure = quarter_figure(value_type, entry)
            if figure is not None:
                return figure
        return None
    if aggregation == Aggregation.RATIO_OF_SUMS:
        ratios = [
            e for e in entries if e.numerator is not None and e.denominator is not None
        ]
        if not ratios:
            return None
        return _ratio(
            sum((e.numerator for e in ratios), Decimal(0)),
            sum((e.denominator for e in ratios), Decimal(0)),
        )
    if aggregation == Aggregation.MEAN:
        figures = [
            f for e in entries if (f := quarter_figure(value_type, e)) is not None
        ]
        return sum(figures, Decimal(0)) / len(figures) if figures else None
    raise ValueError(f"unknown aggregation {aggregation!r}")


def rate_only_refused(value_type: str, aggregation: str, entry: Entry) -> bool:
    """A rate without its numbers, for a measure whose year pools the numbers.

    The year's ratio of sums cannot use a bare percentage: it would silently
    drop that quarter, so every path that records figures refuses it.
    """
    return (
        pools_rates(value_type, aggregation)
        and entry.value is not None
        and (entry.numerator is None or entry.denominator is None)
    )


def pools_rates(value_type: str, aggregation: str) -> bool:
    """A rate whose year pools the quarters' numbers (a ratio of sums)."""
    return value_type in RATE_TYPES and aggregation == Aggregation.RATIO_OF_SUMS


def year_number(value_type: str, entries: Sequence[Entry]) -> Decimal | None:
    """For "number and %": the year's number (summed numerators) beside the %."""
    if value_type != ValueType.NUMBER_AND_PERCENTAGE:
        return None
    numbers = [e.numerator for e in entries if e.numerator is not None]
    return sum(numbers, Decimal(0)) if numbers else None


def pro_rata_target(
    aggregation: str, annual_target: Decimal | None, quarters_reported: int
) -> Decimal | None:
    """The target for the quarters reported so far (summed measures scale)."""
    if annual_target is None:
        return None
    if aggregation == Aggregation.SUM:
        return annual_target * Decimal(quarters_reported) / Decimal(4)
    return annual_target


def quarters_reported(
    value_type: str, entries: Sequence[Entry], aggregation: str | None = None
) -> list[int]:
    """The quarters that have a figure the year's rule can use, in order.

    A rate stored without its numbers (from before entry refused it) is left
    out for a pooled measure, as the year's ratio of sums leaves it out:
    ``quarters_rate_only`` names it instead.
    """
    if aggregation is None:
        return sorted(
            {e.quarter for e in entries if quarter_figure(value_type, e) is not None}
        )
    return quarters_counted(value_type, aggregation, entries)[0]


def quarters_rate_only(
    value_type: str, aggregation: str, entries: Sequence[Entry]
) -> list[int]:
    """Quarters given only as a rate for a pooled measure: not in its figure."""
    return quarters_counted(value_type, aggregation, entries)[1]


def quarters_counted(
    value_type: str, aggregation: str, entries: Sequence[Entry]
) -> tuple[list[int], list[int]]:
    """``quarters_reported`` and ``quarters_rate_only`` in one pass."""
    reported: set[int] = set()
    rate_only: set[int] = set()
    pooled = pools_rates(value_type, aggregation)
    for entry in entries:
        if pooled and rate_only_refused(value_type, aggregation, entry):
            rate_only.add(entry.quarter)
        elif quarter_figure(value_type, entry) is not None:
            reported.add(entry.quarter)
    return sorted(reported), sorted(rate_only)


def quarters_missing(*, reported: Iterable[int], ended: Iterable[int]) -> list[int]:
    """Quarters that have ended (and count) without a figure."""
    have = set(reported)
    return sorted(q for q in set(ended) if q not in have)


def quarter_names(quarters: Sequence[int]) -> str:
    """ "Q1", "Q1 and Q3", "Q1, Q2 and Q4" (Welsh "Ch1, Ch2 a Ch4")."""
    names = [
        # Translators: a quarter of the reporting year, without the year.
        pgettext("quarter number", "Q%(quarter)s") % {"quarter": q}
        for q in quarters
    ]
    if len(names) == 1:
        return names[0]
    values = {"list": ", ".join(names[:-1]), "last": names[-1]}
    if welsh_and(names[-1]) == AND_BEFORE_VOWEL:
        # Translators: a list of quarters; %(last)s begins with a vowel.
        text = pgettext("and before a vowel", "%(list)s and %(last)s")
    else:
        # Translators: a list of quarters; %(last)s begins with a consonant
        # ("Ch4" in Welsh, which "a" leaves as it is).
        text = pgettext("and before a consonant", "%(list)s and %(last)s")
    return text % values


def missing_note(missing: Sequence[int], rate_only: Sequence[int] = ()) -> str:
    """What is missing, in words: "Q1 not reported", "Q1 and Q3 not reported";
    for a pooled measure also "Q2 given only as a rate, not counted"."""
    notes = []
    if missing:
        notes.append(
            str(_("%(quarters)s not reported") % {"quarters": quarter_names(missing)})
        )
    if rate_only:
        notes.append(
            str(
                _("%(quarters)s given only as a rate, not counted")
                % {"quarters": quarter_names(rate_only)}
            )
        )
    return "; ".join(notes)


def first_reporting_quarter(
    created: Quarter, earliest_figure: Quarter | None
) -> Quarter:
    """The partnership's first quarter that counts: the earlier of the quarter
    it was created in and the earliest quarter holding a figure."""
    if earliest_figure is None or created < earliest_figure:
        return created
    return earliest_figure


def quarters_ended(
    year: int, start_month: int, *, first: Quarter, today: datetime.date
) -> list[int]:
    """The year's quarters that have ended by ``today``, from ``first`` on."""
    ended = []
    for number in range(1, 5):
        quarter = Quarter(year, number, start_month)
        if quarter.ends_on < today and not quarter < first:
            ended.append(number)
    return ended


def status(
    *,
    value_type: str,
    aggregation: str,
    direction: str,
    annual_target: Decimal | None,
    entries: Sequence[Entry],
    done_earlier: bool = False,
    due: Quarter | None = None,
    as_of: datetime.date | None = None,
) -> Status:
    """``due`` and ``as_of``: a milestone's due quarter and the day it is
    judged on (today, or the day after the year ends for a year that is over)."""
    return status_of(
        value_type=value_type,
        aggregation=aggregation,
        direction=direction,
        annual_target=annual_target,
        figure=year_figure(value_type, aggregation, entries, done_earlier=done_earlier),
        reported=len(quarters_reported(value_type, entries, aggregation)),
        last_quarter=max((e.quarter for e in entries), default=None),
        due=due,
        as_of=as_of,
    )


def status_of(
    *,
    value_type: str,
    aggregation: str,
    direction: str,
    annual_target: Decimal | None,
    figure: Decimal | None,
    reported: int,
    last_quarter: int | None,
    due: Quarter | None = None,
    as_of: datetime.date | None = None,
) -> Status:
    """``status`` from the year's figure, the number of quarters reported
    and the latest quarter with an entry, for a caller that has them."""
    if figure is None:
        return Status.NO_DATA
    if value_type == ValueType.MILESTONE and figure >= 1:
        return Status.ON_TRACK
    if value_type == ValueType.MILESTONE:
        if due is not None and as_of is not None:
            return Status.OFF_TRACK if due.ends_on < as_of else Status.ON_TRACK
        return Status.AT_RISK if last_quarter < 4 else Status.OFF_TRACK
    target = pro_rata_target(aggregation, annual_target, reported)
    if target is None:
        return Status.NO_TARGET
    if direction == Direction.DOWN:
        if figure <= target:
            return Status.ON_TRACK
        if figure <= target * (1 + AT_RISK_TOLERANCE):
            return Status.AT_RISK
        return Status.OFF_TRACK
    if figure >= target:
        return Status.ON_TRACK
    if figure >= target * (1 - AT_RISK_TOLERANCE):
        return Status.AT_RISK
    return Status.OFF_TRACK


def judged_on(year: int, start_month: int, today: datetime.date) -> datetime.date:
    """The day a year is judged on: today, or the day after it ends."""
    return min(today, Quarter(year, 4, start_month).next().starts_on)


MILESTONE_LABELS = {
    True: pgettext_lazy("milestone", "Done"),
    False: pgettext_lazy("milestone", "Not done"),
}


def format_figure(value_type: str, figure: Decimal | None) -> str:
    """A figure as people read it: "12", "40%", "3.5", "Done"."""
    if figure is None:
        return "—"
    if value_type == ValueType.MILESTONE:
        done = figure >= 1
        # Shown for every milestone of a page: translated once a language.
        return label_once(("milestone", done), MILESTONE_LABELS[done])
    if value_type in RATE_TYPES:
        return f"{_trim(figure, 1)}%"
    text = _trim(figure, 2)
    return text


def _trim(number: Decimal, places: int) -> str:
    quantised = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{quantised:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# A quarter that moves more than this from the last one needs a note, unless
# the measure sets its own threshold.
DEFAULT_CHANGE_THRESHOLD = 50
# The third quarter running that a measure moves the wrong way needs a note.
AGAINST_DIRECTION_RUN = 3


@dataclass(frozen=True)
class Flag:
    """Why a quarter's figure needs the story behind it before submission."""

    code: str
    message: str


def plausibility_flags(
    *,
    value_type: str,
    direction: str,
    threshold: int | None,
    figures: Sequence[Decimal | None],
    fmt=None,
) -> list[Flag]:
    """Checks on the last of ``figures`` (consecutive quarters, oldest first).

    * a change of more than ``threshold`` per cent from the quarter before
      (skipped when the quarter before was 0 or missing: there is no rate);
    * the third quarter-on-quarter move running against the desired
      direction (needs the four quarters that make three moves).

    Milestones are done or not done, so neither check applies to them.
    """
    if value_type == ValueType.MILESTONE or not figures or figures[-1] is None:
        return []
    fmt = fmt or (lambda v: format_figure(value_type, v))
    threshold = threshold or DEFAULT_CHANGE_THRESHOLD
    flags = []
    current = figures[-1]
    previous = figures[-2] if len(figures) >= 2 else None
    if previous:
        change = (current - previous) / abs(previous) * HUNDRED
        if abs(change) > threshold:
            flags.append(
                Flag(
                    "big_change",
                    (
                        _(
                            "%(change)s%% up on last quarter (%(previous)s), more "
                            "than the %(threshold)s%% that needs a note."
                        )
                        if change > 0
                        else _(
                            "%(change)s%% down on last quarter (%(previous)s), more "
                            "than the %(threshold)s%% that needs a note."
                        )
                    )
                    % {
                        "change": _trim(abs(change), 0),
                        "previous": fmt(previous),
                        "threshold": threshold,
                    },
                )
            )
    recent = list(figures[-(AGAINST_DIRECTION_RUN + 1) :])
    if len(recent) == AGAINST_DIRECTION_RUN + 1 and None not in recent:
        moves = [
            later - earlier for earlier, later in zip(recent, recent[1:], strict=False)
        ]
        worse = (lambda m: m < 0) if direction == Direction.UP else (lambda m: m > 0)
        if all(worse(m) for m in moves):
            flags.append(
                Flag(
                    "against_direction",
                    _(
                        "Down for the third quarter running, against the "
                        "desired direction."
                    )
                    if direction == Direction.UP
                    else _(
                        "Up for the third quarter running, against the "
                        "desired direction."
                    ),
                )
            )
    return flags


def value_display(value_type: str, stored) -> str:
    """A stored quarter as people read it: "12", "40%", "8 / 20 (40%)"."""
    return entry_display(value_type, Entry.of(stored))


def entry_display(value_type: str, entry: Entry) -> str:
    """``value_display`` of a quarter's numbers read without a model instance."""
    text = format_figure(value_type, quarter_figure(value_type, entry))
    if entry.numerator is not None:
        text = (
            f"{format_figure('count', entry.numerator)} / "
            f"{format_figure('count', entry.denominator)} ({text})"
        )
    return text
