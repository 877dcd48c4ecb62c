"""Disclosure control: what a public surface may show of a table of counts.

A table is a set of cells (counts, or None where there is no figure) and the
sums that tie them: each quarter's breakdown adds up to the quarter's total,
each category's quarters to its year total, the quarters to the year. The
published table keeps every sum true of what it shows, so a reader can
subtract; ``protect`` decides which cells to withhold so that no withheld
cell can be worked out exactly from the cells shown and the sums.

* Primary suppression: a count from 1 to threshold - 1 shows as "fewer than
  <threshold>" (zero is shown: it discloses no one).
* Secondary suppression: every sum with a withheld member gets at least two
  (else the one is the total minus the rest), and then each withheld cell is
  tested against every sum at once: solved exactly by linear algebra (the
  sums combined), or pinned by the bounds the labels give (a "fewer than 5"
  cell lies between 1 and 4, a withheld one is at least 0) propagated
  through the sums and their combinations. A cell found recoverable takes
  one more of its sums' cells with it, until none is.

Adversarial tests (tests/public/test_disclosure.py) enumerate every table a
reader could reconstruct and check that each withheld cell has more than one
possible value.
"""

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

DEFAULT_THRESHOLD = 5


class State(StrEnum):
    SHOWN = "shown"
    # Below the threshold: "fewer than 5".
    SMALL = "small"
    # Hidden so that a small one cannot be worked out.
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Sum:
    """``total`` is the sum of ``members``."""

    total: Hashable
    members: tuple[Hashable, ...]


def is_small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def percentage_shown(denominator, threshold: int) -> bool:
    """A percentage is shown only when its denominator is known and at least
    the threshold (a rate of few people discloses them)."""
    return denominator is not None and denominator >= threshold


def protect(
    values: dict[Hashable, int | None],
    sums: Sequence[Sum],
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[Hashable, State]:
    """Each cell's state; cells without a figure (None) are never withheld."""
    states = {
        key: State.SMALL if is_small(value, threshold) else State.SHOWN
        for key, value in values.items()
    }
    sums = [s for s in sums if s.total in values]
    for _round in range(len(values) + 1):
        changed = _pairs(values, sums, states)
        if not changed:
            exposed = _recoverable(values, sums, states, threshold)
            if not exposed:
                return states
            changed = _widen(values, sums, states, exposed)
        if not changed:
            break
    # Nothing left to widen with: withhold every figure of the table.
    return {
        key: (states[key] if states[key] != State.SHOWN else State.WITHHELD)
        if values[key] is not None
        else State.SHOWN
        for key in values
    }


def _line(s: Sum) -> tuple[Hashable, ...]:
    return (*s.members, s.total)


def _hidden(states, keys: Iterable[Hashable]) -> list[Hashable]:
    return [k for k in keys if states.get(k, State.SHOWN) != State.SHOWN]


def _candidates(values, states, s: Sum) -> list[Hashable]:
    """The cells of a sum that could be withheld next: the smallest member
    first (it hides the least), the total last."""
    members = sorted(
        (
            k
            for k in s.members
            if k in values and states[k] == State.SHOWN and values[k] is not None
        ),
        key=lambda k: (values[k], str(k)),
    )
    if states[s.total] == State.SHOWN and values[s.total] is not None:
        members.append(s.total)
    return members


def _pairs(values, sums, states) -> bool:
    changed = False
    for s in sums:
        if len(_hidden(states, _line(s))) == 1:
            candidates = _candidates(values, states, s)
            if candidates:
                states[candidates[0]] = State.WITHHELD
                changed = True
    return changed


def _widen(values, sums, states, exposed: list[Hashable]) -> bool:
    for key in exposed:
        for s in sums:
            if key in _line(s):
                candidates = _candidates(values, states, s)
                if candidates:
                    states[candidates[0]] = State.WITHHELD
                    return True
    return False


def _equations(values, sums, states):
    """The sums as equations in the withheld cells: (coefficients, constant)."""
    equations = []
    for s in sums:
        coefficients: dict[Hashable, Fraction] = {}
        constant = Fraction(0)
        for key, sign in [(m, 1) for m in s.members] + [(s.total, -1)]:
            if key not in values or values[key] is None:
                continue
            if states[key] == State.SHOWN:
                constant -= sign * values[key]
            else:
                coefficients[key] = coefficients.get(key, 0) + Fraction(sign)
        coefficients = {k: c for k, c in coefficients.items() if c}
        if coefficients:
            equations.append((coefficients, constant))
    return equations


def _reduced(equations, variables):
    """Reduced row echelon form of the equations (Gauss-Jordan, exact)."""
    rows = [
        ([coeffs.get(v, Fraction(0)) for v in variables], c) for coeffs, c in equations
    ]
    pivot_row = 0
    for column in range(len(variables)):
        pivot = next(
            (r for r in range(pivot_row, len(rows)) if rows[r][0][column]), None
        )
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        coeffs, constant = rows[pivot_row]
        factor = coeffs[column]
        rows[pivot_row] = ([c / factor for c in coeffs], constant / factor)
        for r in range(len(rows)):
            if r != pivot_row and rows[r][0][column]:
                f = rows[r][0][column]
                rows[r] = (
                    [
                        a - f * b
                        for a, b in zip(rows[r][0], rows[pivot_row][0], strict=True)
                    ],
                    rows[r][1] - f * rows[pivot_row][1],
                )
        pivot_row += 1
    return [
        ({v: c for v, c in zip(variables, coeffs, strict=True) if c}, constant)
        for coeffs, constant in rows[:pivot_row]
    ]


def _recoverable(values, sums, states, threshold: int) -> list[Hashable]:
    """Withheld cells a reader could work out exactly."""
    variables = [
        k for k in values if states[k] != State.SHOWN and values[k] is not None
    ]
    if not variables:
        return []
    equations = _equations(values, sums, states)
    reduced = _reduced(equations, variables)
    exposed = {next(iter(c)) for c, _k in reduced if len(c) == 1}
    # Bounds: what the labels say, tightened through every equation (the
    # sums and their combinations) until they stop moving.
    low = {
        v: Fraction(1) if states[v] == State.SMALL else Fraction(0) for v in variables
    }
    high: dict[Hashable, Fraction | None] = {
        v: Fraction(threshold - 1) if states[v] == State.SMALL else None
        for v in variables
    }
    rows = equations + reduced
    for _pass in range(4 * len(variables) + 4):
        moved = False
        for coeffs, constant in rows:
            for v, a in coeffs.items():
                # a*v = constant - sum(others): bound the right-hand side.
                lo_rest, hi_rest = constant, constant
                for w, b in coeffs.items():
                    if w == v:
                        continue
                    w_lo, w_hi = low[w], high[w]
                    if b > 0:
                        hi_rest = hi_rest - b * w_lo if hi_rest is not None else None
                        lo_rest = (
                            lo_rest - b * w_hi
                            if lo_rest is not None and w_hi is not None
                            else None
                        )
                    else:
                        hi_rest = (
                            hi_rest - b * w_hi
                            if hi_rest is not None and w_hi is not None
                            else None
                        )
                        lo_rest = lo_rest - b * w_lo if lo_rest is not None else None
                bounds = (lo_rest, hi_rest) if a > 0 else (hi_rest, lo_rest)
                new_lo = bounds[0] / a if bounds[0] is not None else None
                new_hi = bounds[1] / a if bounds[1] is not None else None
                if new_lo is not None and new_lo > low[v]:
                    low[v], moved = new_lo, True
                if new_hi is not None and (high[v] is None or new_hi < high[v]):
                    high[v], moved = new_hi, True
        if not moved:
            break
    for v in variables:
        # Counts are whole: an interval holding one whole number pins it.
        if high[v] is not None and _whole_count(low[v], high[v]) <= 1:
            exposed.add(v)
    return sorted(exposed, key=lambda k: (values[k], str(k)))


def _whole_count(low: Fraction, high: Fraction) -> int:
    return max(0, math.floor(high) - math.ceil(low) + 1)


def cell(category, quarter) -> tuple:
    return ("cell", category, quarter)


def quarter_total(quarter) -> tuple:
    return ("quarter", quarter)


def category_total(category) -> tuple:
    return ("category", category)


YEAR = ("year",)


def year_table_sums(
    categories: Sequence[Hashable], quarters: Sequence[int], *, adds_up: bool
) -> list[Sum]:
    """The sums that tie one year of a count measure's figures together.

    Each quarter's breakdown adds up to the quarter; for a measure whose year
    is the sum of its quarters, each category's quarters add up to its year
    total and the quarters to the year.
    """
    sums = []
    if categories:
        sums += [
            Sum(quarter_total(q), tuple(cell(c, q) for c in categories))
            for q in quarters
        ]
    if adds_up:
        sums.append(Sum(YEAR, tuple(quarter_total(q) for q in quarters)))
        if categories:
            sums += [
                Sum(category_total(c), tuple(cell(c, q) for q in quarters))
                for c in categories
            ]
            sums.append(Sum(YEAR, tuple(category_total(c) for c in categories)))
    return sums


def counts_people(measure) -> bool:
    """Whether disclosure control applies to a measure's figures: counts of
    people and percentages of people do (the measure's "counts people",
    yes unless told); counts of events, scores and milestones count no
    one."""
    return measure.value_type not in ("score", "milestone") and getattr(
        measure, "counts_people", True
    )
