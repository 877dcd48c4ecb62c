import datetime
from decimal import Decimal as D

import pytest

from kpis.models import Aggregation, Direction, ValueType
from kpis.periods import Quarter
from kpis.rules import (
    Entry,
    Status,
    first_reporting_quarter,
    format_figure,
    missing_note,
    pro_rata_target,
    quarter_figure,
    quarters_ended,
    quarters_missing,
    quarters_rate_only,
    quarters_reported,
    rate_only_refused,
    status,
    year_figure,
    year_number,
)


def counts(*values):
    return [Entry(q, D(v)) for q, v in values]


def test_sum_skips_missing_quarters_rather_than_counting_zero():
    entries = counts((1, 10), (3, 5))
    assert year_figure(ValueType.COUNT, Aggregation.SUM, entries) == D(15)


def test_no_quarters_means_no_figure_not_zero():
    for aggregation in Aggregation:
        assert year_figure(ValueType.PERCENTAGE, aggregation, []) is None


def test_latest_takes_the_last_reported_quarter():
    entries = counts((1, 10), (2, 7))
    assert year_figure(ValueType.COUNT, Aggregation.LATEST, entries) == D(7)


def test_mean_of_reported_quarters():
    entries = [Entry(1, D("3.5")), Entry(2, D("4.5"))]
    assert year_figure(ValueType.SCORE, Aggregation.MEAN, entries) == D(4)


def test_ratio_of_sums_is_not_the_mean_of_ratios():
    entries = [Entry(1, None, D(1), D(2)), Entry(2, None, D(9), D(10))]
    # Mean of 50% and 90% would be 70%; the ratio of sums is 10/12.
    figure = year_figure(ValueType.PERCENTAGE, Aggregation.RATIO_OF_SUMS, entries)
    assert figure.quantize(D("0.01")) == D("83.33")


def test_ratio_of_sums_ignores_quarters_given_only_as_a_rate():
    entries = [Entry(1, D(40)), Entry(2, None, D(3), D(4))]
    assert year_figure(ValueType.PERCENTAGE, Aggregation.RATIO_OF_SUMS, entries) == D(
        75
    )


def test_a_rate_only_entry_is_refused_only_where_the_year_pools_the_numbers():
    rate_only, counted = Entry(1, D(40)), Entry(1, None, D(3), D(4))
    pooled = Aggregation.RATIO_OF_SUMS
    assert rate_only_refused(ValueType.PERCENTAGE, pooled, rate_only)
    assert rate_only_refused(ValueType.NUMBER_AND_PERCENTAGE, pooled, rate_only)
    assert not rate_only_refused(ValueType.PERCENTAGE, pooled, counted)
    assert not rate_only_refused(ValueType.PERCENTAGE, Aggregation.LATEST, rate_only)
    assert not rate_only_refused(ValueType.COUNT, Aggregation.SUM, Entry(1, D(4)))


def test_ratio_with_zero_denominators_has_no_figure():
    entries = [Entry(1, None, D(0), D(0))]
    assert year_figure(ValueType.PERCENTAGE, Aggregation.RATIO_OF_SUMS, entries) is None
    assert quarter_figure(ValueType.PERCENTAGE, entries[0]) is None


def test_number_and_percentage_reports_both():
    entries = [Entry(1, None, D(3), D(10)), Entry(2, None, D(5), D(10))]
    kind = ValueType.NUMBER_AND_PERCENTAGE
    assert year_figure(kind, Aggregation.RATIO_OF_SUMS, entries) == D(40)
    assert year_number(kind, entries) == D(8)
    assert year_number(ValueType.COUNT, entries) is None


def test_pro_rata_target_only_scales_summed_measures():
    assert pro_rata_target(Aggregation.SUM, D(100), 2) == D(50)
    assert pro_rata_target(Aggregation.RATIO_OF_SUMS, D(80), 2) == D(80)
    assert pro_rata_target(Aggregation.SUM, None, 2) is None


def measure_status(
    entries,
    target=D(100),
    direction=Direction.UP,
    kind=ValueType.COUNT,
    aggregation=Aggregation.SUM,
):
    return status(
        value_type=kind,
        aggregation=aggregation,
        direction=direction,
        annual_target=target,
        entries=entries,
    )


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # Half-way through the year a target of 100 expects 50.
        (counts((1, 25), (2, 25)), Status.ON_TRACK),
        (counts((1, 25), (2, 21)), Status.AT_RISK),  # 46 is within 10% of 50
        (counts((1, 20), (2, 20)), Status.OFF_TRACK),
        ([], Status.NO_DATA),
    ],
)
def test_status_against_the_pro_rata_target(entries, expected):
    assert measure_status(entries) == expected


def test_status_for_a_partial_year_uses_the_last_reported_quarter():
    # Only Q1 reported: 25 of a pro-rata 25 is on track.
    assert measure_status(counts((1, 25))) == Status.ON_TRACK


def test_status_when_lower_is_better():
    kw = {"direction": Direction.DOWN, "aggregation": Aggregation.LATEST}
    assert measure_status(counts((1, 9)), D(10), **kw) == Status.ON_TRACK
    assert measure_status(counts((1, 11)), D(10), **kw) == Status.AT_RISK
    assert measure_status(counts((1, 15)), D(10), **kw) == Status.OFF_TRACK


def test_status_without_a_target():
    assert measure_status(counts((1, 5)), target=None) == Status.NO_TARGET


def test_milestone_status():
    kw = {
        "kind": ValueType.MILESTONE,
        "aggregation": Aggregation.LATEST,
        "target": None,
    }
    assert measure_status(counts((2, 1)), **kw) == Status.ON_TRACK
    assert measure_status(counts((2, 0)), **kw) == Status.AT_RISK
    assert measure_status(counts((4, 0)), **kw) == Status.OFF_TRACK


def test_formatting():
    assert format_figure(ValueType.COUNT, D("1200.00")) == "1,200"
    assert format_figure(ValueType.PERCENTAGE, D("83.3333")) == "83.3%"
    assert format_figure(ValueType.SCORE, D("3.50")) == "3.5"
    assert format_figure(ValueType.MILESTONE, D(1)) == "Done"
    assert format_figure(ValueType.COUNT, None) == "—"


def test_a_missing_quarter_is_missing_not_zero_and_not_off_track():
    # The demo's case: 76, 86, 81 with Q1 not reported, against 300 a year.
    entries = counts((2, 76), (3, 86), (4, 81))
    assert year_figure(ValueType.COUNT, Aggregation.SUM, entries) == D(243)
    assert quarters_reported(ValueType.COUNT, entries) == [2, 3, 4]
    missing = quarters_missing(reported=[2, 3, 4], ended=[1, 2, 3, 4])
    assert missing == [1]
    assert missing_note(missing) == "Q1 not reported"
    # Judged on the three quarters reported: 243 against 225.
    assert measure_status(entries, target=D(300)) == Status.ON_TRACK


def test_a_gap_in_the_year_is_judged_on_the_quarters_reported():
    # Q2 missing: 50 + 50 is half of 200, on track, and Q2 is named.
    entries = counts((1, 50), (3, 50))
    assert measure_status(entries, target=D(200)) == Status.ON_TRACK
    assert missing_note(quarters_missing(reported=[1, 3], ended=[1, 2, 3])) == (
        "Q2 not reported"
    )
    assert missing_note([1, 2, 4]) == "Q1, Q2 and Q4 not reported"
    assert missing_note([]) == ""


def test_quarters_ended_count_from_the_first_reporting_quarter():
    start = 9  # September to August
    today = datetime.date(2025, 6, 15)  # in 2024/25 Q4 (June to August)
    everything = Quarter(2020, 1, start)
    assert quarters_ended(2024, start, first=everything, today=today) == [1, 2, 3]
    from_q3 = Quarter(2024, 3, start)
    assert quarters_ended(2024, start, first=from_q3, today=today) == [3]
    assert quarters_ended(2025, start, first=everything, today=today) == []


def test_the_first_reporting_quarter_is_the_earlier_of_creation_and_first_figure():
    created, figure = Quarter(2025, 2, 9), Quarter(2024, 1, 9)
    assert first_reporting_quarter(created, figure) == figure
    assert first_reporting_quarter(created, None) == created
    assert first_reporting_quarter(figure, created) == figure


def test_a_milestone_done_in_an_earlier_year_stays_done():
    kw = {
        "kind": ValueType.MILESTONE,
        "aggregation": Aggregation.LATEST,
        "target": None,
    }
    assert year_figure(
        ValueType.MILESTONE, Aggregation.LATEST, [], done_earlier=True
    ) == D(1)
    assert (
        status(
            value_type=ValueType.MILESTONE,
            aggregation=Aggregation.LATEST,
            direction=Direction.UP,
            annual_target=None,
            entries=[],
            done_earlier=True,
        )
        == Status.ON_TRACK
    )
    # Without an earlier year's "done", an empty year has no data yet.
    assert measure_status([], **kw) == Status.NO_DATA
    # Only milestones carry over: a count starts each year afresh.
    assert year_figure(ValueType.COUNT, Aggregation.SUM, [], done_earlier=True) is None


def test_a_stored_rate_only_quarter_is_named_not_silently_dropped():
    # Q1 stored as 50% before entry refused it; Q2 as 45 / 50.
    entries = [Entry(1, D(50)), Entry(2, None, D(45), D(50))]
    kind, pooled = ValueType.PERCENTAGE, Aggregation.RATIO_OF_SUMS
    assert year_figure(kind, pooled, entries) == D(90)
    assert quarters_reported(kind, entries, pooled) == [2]
    assert quarters_rate_only(kind, pooled, entries) == [1]
    assert missing_note([], [1]) == "Q1 given only as a rate, not counted"
    assert missing_note([3], [1]) == (
        "Q3 not reported; Q1 given only as a rate, not counted"
    )
    # Where the year takes the latest quarter, the rate is the figure.
    assert quarters_reported(kind, entries, Aggregation.LATEST) == [1, 2]
