"""The values list's pages, read in quarter order without sorting history.

The list runs oldest quarter first, then by the measure's position and code.
Sorting every figure of the partnership for each page costs what the
partnership holds (row-level security hides the tenant from the planner,
which then sorts them all); so a page is read quarter by quarter instead:

* the partnership's quarters come first, in order (a few dozen small rows);
* their figures are read a few quarters at a time (``period_id IN ...`` with
  an explicit ``partnership_id`` beside row-level security), each batch
  sorted on its own, until the page is full. A page of 500 over 150 measures
  reads four quarters, however many the partnership holds.

A page starts either after a keyset (the last row of the previous page:
``ValueKey``, what the API's cursor carries), so rows added while a client
pages never shift what it has still to read, or at an offset (the API's
``?page=N``), reached by skipping whole quarters by their counts.

Rows are tuples and small dicts, not model instances: no user rows beyond the
entering user's email, no timestamps parsed that are not shown.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from partnerships.models import Partnership

from .models import Period, QuarterlyValue
from .periods import Quarter

# The columns a page shows, in the order ``ValueRow`` takes them.
ROW_FIELDS = (
    "id",
    "period_id",
    "measure__position",
    "measure__code",
    "value_type",
    "value",
    "numerator",
    "denominator",
    "story",
    "breakdown",
    "status",
    "return_reason",
    "version",
    "entered_by__email",
    "updated_at",
)
FIRST_BATCH = 4


@dataclass(frozen=True)
class ValueKey:
    """Where a row sits in the list's order."""

    year: int
    quarter: int
    position: int
    code: str


@dataclass(frozen=True)
class PeriodRow:
    id: int
    quarter: Quarter
    locked: bool


@dataclass(frozen=True)
class ValueRow:
    id: int
    period: PeriodRow
    position: int
    code: str
    value_type: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    story: str
    breakdown: dict
    status: str
    return_reason: str
    version: int
    entered_by: str | None
    updated_at: datetime.datetime

    @property
    def key(self) -> ValueKey:
        quarter = self.period.quarter
        return ValueKey(quarter.year, quarter.quarter, self.position, self.code)


@dataclass(frozen=True)
class ValueFilter:
    year: int | None = None
    quarter: int | None = None
    measure: str | None = None
    status: str | None = None


def _periods(
    partnership: Partnership, wanted: ValueFilter, after: ValueKey | None
) -> list[PeriodRow]:
    periods = Period.objects.filter(partnership=partnership)
    if wanted.year is not None:
        periods = periods.filter(year=wanted.year)
    if wanted.quarter is not None:
        periods = periods.filter(quarter=wanted.quarter)
    if after is not None:
        periods = periods.filter(
            Q(year__gt=after.year) | Q(year=after.year, quarter__gte=after.quarter)
        )
    rows = periods.order_by("year", "quarter").values_list(
        "id", "year", "quarter", "starts_on", "locked_at"
    )
    return [
        PeriodRow(
            id=pk,
            quarter=Quarter(
                year, quarter, (starts_on.month - 3 * (quarter - 1) - 1) % 12 + 1
            ),
            locked=locked_at is not None,
        )
        for pk, year, quarter, starts_on, locked_at in rows
    ]


def _values(partnership: Partnership, wanted: ValueFilter):
    # The explicit partnership predicate lets the planner see the tenant that
    # row-level security also enforces.
    values = QuarterlyValue.objects.filter(partnership_id=partnership.pk)
    if wanted.measure is not None:
        values = values.filter(
            measure__partnership_id=partnership.pk, measure__code=wanted.measure
        )
    if wanted.status is not None:
        values = values.filter(status=wanted.status)
    return values


def _read(
    partnership: Partnership,
    wanted: ValueFilter,
    periods: list[PeriodRow],
    *,
    limit: int,
    after: ValueKey | None = None,
    offset: int = 0,
) -> list[ValueRow]:
    """Up to ``limit`` rows from ``periods`` (in order), the first period's
    rows after ``after`` or from its ``offset``-th."""
    rows: list[ValueRow] = []
    batch = FIRST_BATCH
    start = 0
    while start < len(periods) and len(rows) < limit:
        chunk = periods[start : start + batch]
        by_id = {period.id: period for period in chunk}
        values = _values(partnership, wanted).filter(
            measure__partnership_id=partnership.pk, period_id__in=list(by_id)
        )
        if after is not None and start == 0:
            first = chunk[0].id
            values = values.filter(
                ~Q(period_id=first)
                | Q(measure__position__gt=after.position)
                | Q(measure__position=after.position, measure__code__gt=after.code)
            )
        values = values.order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        )
        skip = offset if start == 0 else 0
        wanted_rows = limit - len(rows)
        for pk, period_id, *rest in values.values_list(*ROW_FIELDS)[
            skip : skip + wanted_rows
        ]:
            rows.append(ValueRow(pk, by_id[period_id], *rest))
        start += batch
        # Sparse filters (one measure) leave quarters nearly empty: widen.
        batch *= 2
    return rows


@dataclass(frozen=True)
class KeysetPage:
    rows: list[ValueRow]
    count: int | None


def value_page_after(
    *,
    partnership: Partnership,
    wanted: ValueFilter,
    after: ValueKey | None,
    limit: int,
    counted: bool = False,
) -> KeysetPage:
    """Up to ``limit`` values in the list's order, after ``after`` (from the
    start when None); with ``counted``, how many match in all too (from the
    quarters' counts, or the rows themselves when they all fit)."""
    periods = _periods(partnership, wanted, after)
    rows = _read(partnership, wanted, periods, limit=limit, after=after)
    count = None
    if counted:
        count = (
            sum(_counts(partnership, wanted, periods))
            if len(rows) == limit or after is not None
            else len(rows)
        )
    return KeysetPage(rows=rows, count=count)


def value_count(*, partnership: Partnership, wanted: ValueFilter) -> int:
    return sum(_counts(partnership, wanted, _periods(partnership, wanted, None)))


def _counts(
    partnership: Partnership, wanted: ValueFilter, periods: list[PeriodRow]
) -> list[int]:
    values = _values(partnership, wanted)
    if wanted.year is not None or wanted.quarter is not None:
        values = values.filter(period_id__in=[period.id for period in periods])
    # COUNT(*) over (partnership, period): the index alone can answer it.
    counted = dict(
        values.order_by()
        .values_list("period_id")
        .annotate(n=Count("*"))
        .values_list("period_id", "n")
    )
    return [counted.get(period.id, 0) for period in periods]


@dataclass(frozen=True)
class NumberedPage:
    count: int
    rows: list[ValueRow]


def value_page_numbered(
    *, partnership: Partnership, wanted: ValueFilter, offset: int, limit: int
) -> NumberedPage:
    """The values from the ``offset``-th on, and how many there are in all:
    whole quarters before the offset are skipped by their counts, so a deep
    page reads no more figures than the first."""
    periods = _periods(partnership, wanted, None)
    counts = _counts(partnership, wanted, periods)
    total = sum(counts)
    # The first quarter holding the offset-th row, and the rows before it.
    first, skipped = 0, 0
    while first < len(periods) and skipped + counts[first] <= offset:
        skipped += counts[first]
        first += 1
    rows = _read(
        partnership,
        wanted,
        periods[first:],
        limit=limit,
        offset=offset - skipped,
    )
    return NumberedPage(count=total, rows=rows)
