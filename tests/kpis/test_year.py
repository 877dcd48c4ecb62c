"""kpis.year, the one implementation of a measure's year (the measure page, My
measures, the annual report, the dashboard and the exports all read it), on
plain numbers: each rule's result written out, in English and Welsh."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from kpis.models import Aggregation, Direction, ValueType
from kpis.periods import Quarter
from kpis.rules import Entry, Status
from kpis.year import year_figures_of

APRIL = 4
# 2026/27 (April years): Q1-Q3 have ended, Q4 is in progress.
TODAY = datetime.date(2027, 1, 20)


def year(**given):
    inputs = {
        "value_type": ValueType.COUNT,
        "aggregation": Aggregation.SUM,
        "direction": Direction.UP,
        "target": None,
        "due_year": None,
        "due_quarter": None,
        "year": 2026,
        "label": "2026/27",
        "entries": [],
        "ended": [1, 2, 3],
        "done_earlier": False,
        "start_month": APRIL,
        "today": TODAY,
    }
    return year_figures_of(**(inputs | given))


def test_a_summed_year_with_a_quarter_missing_is_judged_pro_rata():
    summed = year(target=D(300), entries=[Entry(2, D(76)), Entry(3, D(86))])
    assert summed.reported == [2, 3]
    assert summed.missing == [1]
    assert summed.missing_note == "Q1 not reported"
    assert summed.quarters_ended == 3
    assert (summed.figure, summed.display) == (D(162), "162")
    assert summed.last_quarter == 3
    # Two quarters' share of 300: 150, and 162 meets it.
    assert (summed.pro_rata_target, summed.pro_rata_display) == (D(150), "150")
    assert summed.target_display == "300"
    assert summed.status == Status.ON_TRACK
    assert (summed.due, summed.due_label, summed.due_note) == (None, "", "")


@pytest.mark.parametrize(
    ("figure", "status"),
    [(D(140), Status.AT_RISK), (D(134), Status.OFF_TRACK), (D(150), Status.ON_TRACK)],
)
def test_the_status_is_within_a_tenth_of_the_target_at_risk(figure, status):
    judged = year(target=D(300), entries=[Entry(1, figure / 2), Entry(2, figure / 2)])
    assert judged.status == status
    down = year(
        target=D(150),
        aggregation=Aggregation.LATEST,
        direction=Direction.DOWN,
        entries=[Entry(2, D(300) - figure)],
    )
    assert down.pro_rata_target == D(150)
    assert down.status == status


def test_a_year_without_figures_or_a_target():
    empty = year(target=D(300))
    assert (empty.figure, empty.display, empty.status) == (None, "—", Status.NO_DATA)
    assert (empty.last_quarter, empty.pro_rata_target) == (None, None)
    assert empty.pro_rata_display == "—"
    assert empty.missing_note == "Q1, Q2 and Q3 not reported"
    untargeted = year(entries=[Entry(1, D(3))], ended=[1])
    assert (untargeted.status, untargeted.target_display) == (Status.NO_TARGET, "—")


def test_a_pooled_rate_names_the_quarter_given_only_as_a_rate():
    pooled = year(
        value_type=ValueType.NUMBER_AND_PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        target=D(80),
        entries=[
            Entry(1, D(50)),
            Entry(2, None, D(45), D(50)),
            Entry(3, None, D(36), D(50)),
        ],
    )
    assert pooled.reported == [2, 3]
    assert pooled.rate_only == [1]
    assert pooled.missing == []
    assert pooled.missing_note == "Q1 given only as a rate, not counted"
    assert pooled.quarters_ended == 3
    assert pooled.figure == D(81)
    assert pooled.display == "81 (81%)"
    assert pooled.status == Status.ON_TRACK
    latest = year(
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.LATEST,
        entries=[Entry(1, D(50)), Entry(2, None, D(45), D(60))],
        ended=[1, 2],
    )
    assert (latest.reported, latest.rate_only, latest.display) == ([1, 2], [], "75%")


def test_a_mean_of_scores():
    mean = year(
        value_type=ValueType.SCORE,
        aggregation=Aggregation.MEAN,
        target=D(4),
        entries=[Entry(1, D("3.5")), Entry(3, D("4.5"))],
    )
    assert (mean.figure, mean.display, mean.missing) == (D(4), "4", [2])
    assert mean.status == Status.ON_TRACK


def milestone(**given):
    return year(value_type=ValueType.MILESTONE, aggregation=Aggregation.LATEST, **given)


def test_a_milestone_is_judged_against_its_due_quarter():
    due = Quarter(2026, 4, APRIL)
    not_yet = milestone(entries=[Entry(3, D(0))], due_year=2026, due_quarter=4)
    assert not_yet.due == due
    assert not_yet.due_label == "2026/27 Q4"
    assert not_yet.due_note == "Not due until 2026/27 Q4."
    assert not_yet.status == Status.ON_TRACK
    late = milestone(entries=[Entry(3, D(0))], due_year=2026, due_quarter=2)
    assert late.due_note == "Not done by 2026/27 Q2, when it was due."
    assert late.status == Status.OFF_TRACK
    # Without a due quarter: at risk before the year's last quarter.
    undated = milestone(entries=[Entry(3, D(0))])
    assert (undated.due, undated.status) == (None, Status.AT_RISK)
    done = milestone(entries=[Entry(3, D(1))], due_year=2026, due_quarter=2)
    assert (done.display, done.due_note, done.status) == ("Done", "", Status.ON_TRACK)


def test_a_milestone_done_earlier_stays_done_with_nothing_missing():
    earlier = milestone(done_earlier=True, due_year=2025, due_quarter=2)
    assert (earlier.figure, earlier.display) == (D(1), "Done")
    assert (earlier.missing, earlier.missing_note) == ([], "")
    assert earlier.status == Status.ON_TRACK
    assert earlier.due_note == ""
    # A count's earlier years say nothing about this one.
    count = year(done_earlier=True)
    assert (count.figure, count.missing) == (None, [1, 2, 3])


def test_a_year_that_is_over_is_judged_at_its_end():
    over = milestone(
        year=2025,
        label="2025/26",
        entries=[Entry(4, D(0))],
        ended=[1, 2, 3, 4],
        due_year=2025,
        due_quarter=4,
    )
    # Judged the day after 2025/26 ended, when Q4 had just ended: past due.
    assert over.due_note == "Not done by 2025/26 Q4, when it was due."
    assert over.status == Status.OFF_TRACK


def test_the_notes_in_welsh():
    with translation.override("cy"):
        summed = year(target=D(300), entries=[Entry(2, D(76))])
        assert summed.missing_note == "Heb adrodd ar Ch1 a Ch3"
        due = milestone(entries=[Entry(3, D(0))], due_year=2026, due_quarter=4)
        assert due.due_label == "2026/27 Ch4"
        assert due.due_note == "Ddim yn ddyledus tan 2026/27 Ch4."
        assert due.status.label == "Ar y trywydd iawn"
    # Each language's note is its own.
    assert year(target=D(300), entries=[Entry(2, D(76))]).missing_note == (
        "Q1 and Q3 not reported"
    )
