"""Disclosure control: the rules, and a reader who tries to recover a cell.

The adversary enumerates every table consistent with what is published (the
cells shown, the sums, and what each label says: "fewer than 5" is 1 to 4,
withheld is any count) and the tests require each withheld cell to take more
than one value across them: subtraction, combined sums and bounds all fail.
"""

import random

import pytest

from public.disclosure import (
    YEAR,
    State,
    Sum,
    category_total,
    cell,
    percentage_shown,
    protect,
    quarter_total,
    year_table_sums,
)

T = 5


def year_table(rows: dict[str, list[int | None]], *, adds_up: bool = True):
    """Values and sums of one year: categories x four quarters, with totals."""
    categories = list(rows)
    quarters = [1, 2, 3, 4]
    values = {}
    for c, figures in rows.items():
        for q, v in zip(quarters, figures, strict=True):
            values[cell(c, q)] = v
    for q in quarters:
        column = [rows[c][q - 1] for c in categories]
        values[quarter_total(q)] = (
            None if all(v is None for v in column) else sum(v or 0 for v in column)
        )
    if adds_up:
        for c in categories:
            values[category_total(c)] = sum(v or 0 for v in rows[c])
        values[YEAR] = sum(values[quarter_total(q)] or 0 for q in quarters)
    return values, year_table_sums(categories, quarters, adds_up=adds_up)


def possible_values(values, sums, states):
    """Every value each withheld cell takes in some table a reader could not
    tell apart from the published one: a depth-first search over the hidden
    cells that fills in any cell a sum determines and prunes on the bounds."""
    hidden = [k for k in values if states[k] != State.SHOWN and values[k] is not None]
    known = {k: (v or 0) for k, v in values.items() if k not in hidden}
    top = sum(v for v in values.values() if v) + 1
    low = {k: 1 if states[k] == State.SMALL else 0 for k in hidden}
    high = {k: T - 1 if states[k] == State.SMALL else top for k in hidden}
    lines = [((*s.members,), s.total) for s in sums]
    seen = {k: set() for k in hidden}

    def settle(assigned):
        """Fill in what the sums force; False when they contradict."""
        while True:
            progress = False
            for members, total in lines:
                get = {**known, **assigned}
                open_ = [k for k in (*members, total) if k not in get]
                inner = sum(get[m] for m in members if m in get)
                if not open_:
                    if inner != get[total]:
                        return False
                    continue
                if len(open_) == 1:
                    k = open_[0]
                    v = get[total] - inner if k != total else inner
                    if k == total:
                        v = inner
                    if not low[k] <= v <= high[k]:
                        return False
                    assigned[k] = v
                    progress = True
                elif total in get:
                    floor = inner + sum(low[m] for m in members if m not in get)
                    if floor > get[total]:
                        return False
            if not progress:
                return True

    def search(assigned):
        if all(len(v) > 1 for v in seen.values()):
            return
        assigned = dict(assigned)
        if not settle(assigned):
            return
        free = [k for k in hidden if k not in assigned]
        if not free:
            for k, v in assigned.items():
                seen[k].add(v)
            return
        key = min(free, key=lambda k: high[k] - low[k])
        for v in range(low[key], high[key] + 1):
            search({**assigned, key: v})

    search({})
    return seen


def assert_nothing_recoverable(values, sums, states):
    options_by_cell = possible_values(values, sums, states)
    assert options_by_cell, "nothing withheld"
    for key, options in options_by_cell.items():
        assert len(options) > 1, f"{key} recoverable as {options}"


def test_small_count_shows_as_small_and_zero_is_shown():
    values, sums = year_table({"a": [3, 0, 12, 20]}, adds_up=False)
    states = protect(values, [], T)
    assert states[cell("a", 1)] == State.SMALL
    assert states[cell("a", 2)] == State.SHOWN
    assert states[cell("a", 3)] == State.SHOWN


def test_threshold_is_the_partnerships():
    values = {"x": 7}
    assert protect(values, [], 10)["x"] == State.SMALL
    assert protect(values, [], 5)["x"] == State.SHOWN


def test_percentage_withheld_below_threshold_denominator():
    assert not percentage_shown(4, 5)
    assert percentage_shown(5, 5)
    assert not percentage_shown(None, 5)


def test_one_small_cell_in_a_breakdown_takes_another_with_it():
    # A quarter's breakdown: 3 + 40 + 12 = 55; showing 55, 40 and 12 would
    # give the 3 away.
    values = {"a": 3, "b": 40, "c": 12, "total": 55}
    sums = [Sum("total", ("a", "b", "c"))]
    states = protect(values, sums, T)
    assert states["a"] == State.SMALL
    assert states["c"] == State.WITHHELD
    assert states["b"] == State.SHOWN
    assert states["total"] == State.SHOWN
    assert_nothing_recoverable(values, sums, states)


def test_subtraction_from_the_year_total_fails():
    # Quarters 20, 2, 30, 25 of a year total of 77: the 2 must not be 77 - 75.
    values, sums = year_table({"all": [20, 2, 30, 25]})
    states = protect(values, sums, T)
    assert states[quarter_total(2)] == State.SMALL
    hidden = [k for k, s in states.items() if s != State.SHOWN]
    assert len(hidden) >= 2
    assert_nothing_recoverable(values, sums, states)


def test_two_small_cells_summing_to_two_are_not_both_one():
    # Two "fewer than 5" cells whose sum is known to be 2 would both be 1.
    values = {"a": 1, "b": 1, "c": 30, "total": 32}
    sums = [Sum("total", ("a", "b", "c"))]
    states = protect(values, sums, T)
    assert_nothing_recoverable(values, sums, states)


def test_small_and_withheld_pinned_by_bounds_is_widened():
    # 1 (small, so 1..4) + 5 (withheld, so >= 0) = 6, beside 100: a reader
    # who knows only the total 106 and the 100 has small + withheld = 6.
    values = {"a": 1, "b": 5, "c": 100, "total": 106}
    sums = [Sum("total", ("a", "b", "c"))]
    states = protect(values, sums, T)
    assert_nothing_recoverable(values, sums, states)


def test_breakdown_cell_not_recoverable_from_year_and_quarter_totals():
    values, sums = year_table(
        {
            "Wrexham": [10, 12, 9, 11],
            "Flintshire": [7, 3, 8, 6],
            "Elsewhere": [5, 6, 5, 7],
        }
    )
    states = protect(values, sums, T)
    assert states[cell("Flintshire", 2)] == State.SMALL
    assert_nothing_recoverable(values, sums, states)


def test_non_additive_year_still_protects_each_quarter():
    values = {cell("a", 1): 2, cell("b", 1): 9, quarter_total(1): 11}
    sums = [Sum(quarter_total(1), (cell("a", 1), cell("b", 1)))]
    states = protect(values, sums, T)
    assert (
        states[cell("b", 1)] != State.SHOWN or states[quarter_total(1)] != State.SHOWN
    )
    assert_nothing_recoverable(values, sums, states)


@pytest.mark.parametrize("seed", range(40))
def test_random_year_tables_leave_nothing_recoverable(seed):
    rng = random.Random(seed)
    categories = ["a", "b", "c"][: rng.choice([1, 2, 3])]
    rows = {
        c: [rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, None]) for _q in range(4)]
        for c in categories
    }
    values, sums = year_table(rows)
    states = protect(values, sums, T)
    for key, value in values.items():
        if value is not None and 0 < value < T:
            assert states[key] == State.SMALL
    assert_nothing_recoverable(values, sums, states)


def test_a_table_without_small_counts_is_shown_whole():
    values, sums = year_table({"a": [9, 8, 7, 6], "b": [0, 20, 20, 20]})
    states = protect(values, sums, T)
    assert set(states.values()) == {State.SHOWN}


def test_the_reader_recovers_a_lone_small_cell():
    # The adversary is real: with primary suppression alone, it finds the 3.
    values = {"a": 3, "b": 40, "c": 12, "total": 55}
    sums = [Sum("total", ("a", "b", "c"))]
    states = {k: State.SHOWN for k in values} | {"a": State.SMALL}
    assert possible_values(values, sums, states) == {"a": {3}}
