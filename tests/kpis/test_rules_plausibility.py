"""The checks that ask for the story behind a number, on known series."""

from decimal import Decimal as D

import pytest

from kpis.models import Direction, ValueType
from kpis.rules import DEFAULT_CHANGE_THRESHOLD, plausibility_flags


def flags(
    *figures,
    value_type=ValueType.COUNT,
    direction=Direction.UP,
    threshold=None,
):
    return plausibility_flags(
        value_type=value_type,
        direction=direction,
        threshold=threshold,
        figures=[None if f is None else D(f) for f in figures],
    )


def codes(found):
    return [flag.code for flag in found]


def test_the_default_threshold_is_fifty_per_cent():
    assert DEFAULT_CHANGE_THRESHOLD == 50


def test_a_rise_over_the_threshold_is_flagged_with_the_change_and_the_way():
    (flag,) = flags(10, 16)
    assert flag.code == "big_change"
    message = str(flag.message)
    assert "60%" in message and "up" in message
    assert "(10)" in message and "50%" in message


def test_a_fall_over_the_threshold_is_flagged_as_down():
    (flag,) = flags(10, 4)
    assert flag.code == "big_change"
    message = str(flag.message)
    assert "60%" in message and "down" in message
    assert "up" not in message


@pytest.mark.parametrize(("previous", "current"), [(10, 15), (10, 5), (200, 300)])
def test_a_change_exactly_at_the_threshold_is_not_flagged(previous, current):
    assert flags(previous, current) == []


def test_a_change_just_over_the_threshold_is_flagged():
    assert codes(flags(100, 151)) == ["big_change"]


def test_a_measures_own_threshold_overrides_the_default():
    # 30% is under the default 50% but over a threshold of 20%.
    assert flags(10, 13) == []
    (flag,) = flags(10, 13, threshold=20)
    assert "30%" in str(flag.message) and "20%" in str(flag.message)
    # 60% is over the default but within a threshold of 100%.
    assert codes(flags(10, 16)) == ["big_change"]
    assert flags(10, 16, threshold=100) == []


@pytest.mark.parametrize(
    "figures",
    [
        (0, 50),  # from nothing there is no rate of change
        (None, 50),  # the quarter before is missing
        (50,),  # there is no quarter before
    ],
)
def test_no_change_flag_without_a_quarter_before_to_compare(figures):
    assert flags(*figures) == []


def test_nothing_is_flagged_when_this_quarter_has_no_figure():
    assert flags(10, 9, 8, None) == []
    assert flags() == []


def test_a_percentage_names_the_previous_quarter_as_a_percentage():
    (flag,) = flags(40, 80, value_type=ValueType.PERCENTAGE)
    assert "100%" in str(flag.message) and "(40%)" in str(flag.message)


def test_three_falls_running_are_flagged_when_higher_is_better():
    (flag,) = flags(10, 9, 8, 7, direction=Direction.UP)
    assert flag.code == "against_direction"
    assert str(flag.message).startswith("Down for the third quarter running")


def test_three_rises_running_are_flagged_when_lower_is_better():
    (flag,) = flags(7, 8, 9, 10, direction=Direction.DOWN)
    assert flag.code == "against_direction"
    assert str(flag.message).startswith("Up for the third quarter running")


def test_three_moves_in_the_desired_direction_are_not_flagged():
    assert flags(10, 9, 8, 7, direction=Direction.DOWN) == []
    assert flags(7, 8, 9, 10, direction=Direction.UP) == []


@pytest.mark.parametrize(
    "figures",
    [
        (8, 9, 8, 7),  # two falls after a rise
        (9, 9, 8, 7),  # two falls after no change
        (9, 8, 7),  # only two moves known
    ],
)
def test_two_moves_against_the_direction_are_not_flagged(figures):
    assert flags(*figures, direction=Direction.UP) == []


def test_a_missing_quarter_in_the_run_breaks_it():
    assert flags(10, None, 8, 7, direction=Direction.UP) == []
    assert flags(None, 9, 8, 7, direction=Direction.UP) == []


def test_only_the_last_four_quarters_make_the_run():
    # Falls before the last three moves do not count towards them.
    assert flags(20, 19, 18, 19, 18, 17, direction=Direction.UP) == []
    assert codes(flags(20, 21, 19, 18, 17, direction=Direction.UP)) == [
        "against_direction"
    ]


def test_a_big_change_and_a_run_are_both_flagged():
    assert codes(flags(40, 30, 20, 5, direction=Direction.UP)) == [
        "big_change",
        "against_direction",
    ]


@pytest.mark.parametrize("figures", [(1, 0), (0, 1), (1, 1, 1, 0), (1, 0, 0, 0)])
def test_milestones_are_never_flagged(figures):
    assert flags(*figures, value_type=ValueType.MILESTONE) == []
    assert (
        flags(
            *figures,
            value_type=ValueType.MILESTONE,
            direction=Direction.DOWN,
            threshold=1,
        )
        == []
    )
