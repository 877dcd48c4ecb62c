"""The baseline forecast on series whose answer is known."""

from decimal import Decimal

import pytest

from kpis.forecast import (
    MIN_POINTS,
    baseline_forecast,
    holt,
    is_turning_the_curve,
    linear_trend,
)


def _floats(forecast):
    return [float(p) for p in forecast.points]


def test_a_straight_line_carries_on():
    forecast = linear_trend([1, 2, 3, 4], 2)
    assert _floats(forecast) == [5, 6]
    assert forecast.method == "linear_trend" and forecast.based_on == 4


def test_a_flat_series_stays_flat():
    assert _floats(linear_trend([7, 7, 7, 7, 7], 3)) == [7, 7, 7]


def test_the_least_squares_line_through_noisy_points():
    # Least squares through (0,1), (1,3), (2,4), (3,5): slope 6.5/5 = 1.3,
    # intercept 3.25 - 1.3 * 1.5 = 1.3, so y = 1.3 + 1.3x.
    assert _floats(linear_trend([1, 3, 4, 5], 2)) == [6.5, 7.8]


def test_only_the_last_window_counts():
    # A level shift long ago does not bend the last two years' trend.
    series = [100, 100, 100, 100] + [10, 12, 14, 16, 18, 20, 22, 24]
    assert _floats(linear_trend(series, 1)) == [26]
    assert linear_trend(series, 1).based_on == 8


def test_forecasts_stay_within_the_kind_of_values_bounds():
    assert _floats(linear_trend([30, 20, 10, 5], 3, lower=0)) == [0, 0, 0]
    assert _floats(linear_trend([70, 80, 90, 95], 2, upper=100)) == [100, 100]


def test_too_short_a_series_has_no_baseline():
    assert linear_trend([1, 2, 3], 1) is None
    assert holt([1, 2, 3], 1) is None
    assert MIN_POINTS == 4


def test_decimals_from_the_database_are_accepted():
    forecast = baseline_forecast([Decimal("10.5"), Decimal("11"), 11.5, 12], 1)
    assert forecast.points == (Decimal("12.50"),)


def test_holt_continues_a_straight_line_exactly():
    assert _floats(holt([2, 4, 6, 8, 10], 2, alpha=0.3, beta=0.2)) == [12, 14]


def test_holt_by_hand():
    # level, trend: (10, 2) -> (12, 2) -> (13.5, 1.75) -> (15.125, 1.6875)
    forecast = holt([10, 12, 13, 15], 2, alpha=0.5, beta=0.5)
    assert forecast.points == (Decimal("16.81"), Decimal("18.50"))
    assert forecast.method == "holt"


@pytest.mark.parametrize("kwargs", [{"alpha": 0}, {"beta": 1.5}, {"alpha": -0.1}])
def test_holt_refuses_smoothing_outside_0_to_1(kwargs):
    with pytest.raises(ValueError):
        holt([1, 2, 3, 4], 1, **kwargs)


@pytest.mark.parametrize(
    ("actual", "forecast", "direction", "expected"),
    [
        (12, 10, "up", True),
        (9, 10, "up", False),
        (10, 10, "up", False),
        (8, 10, "down", True),
        (11, 10, "down", False),
        (11, 10, "unknown", None),
    ],
)
def test_turning_the_curve_means_beating_the_baseline(
    actual, forecast, direction, expected
):
    assert (
        is_turning_the_curve(actual=actual, forecast=forecast, direction=direction)
        is expected
    )


# --- Turning the curve: the latest value against the forecast made without it ---

from kpis.forecast import CurveVerdict, curve_verdict, latest_run  # noqa: E402


def test_a_rise_above_a_falling_trend_turns_the_curve_when_up_is_better():
    # 10, 9, 8, 7 heads for 6; 8 beats it.
    assert curve_verdict([10, 9, 8, 7, 8], direction="up") == CurveVerdict.TURNING


def test_following_the_trend_is_not_turning_the_curve():
    # Exactly the forecast: nothing changed.
    assert curve_verdict([10, 9, 8, 7, 6], direction="up") == CurveVerdict.NOT_TURNING


def test_worse_than_the_forecast_is_not_turning_the_curve():
    assert curve_verdict([1, 2, 3, 4, 4], direction="up") == CurveVerdict.NOT_TURNING


def test_lower_is_better_turns_when_below_the_forecast():
    assert curve_verdict([1, 2, 3, 4, 4], direction="down") == CurveVerdict.TURNING
    assert curve_verdict([4, 3, 2, 1, 2], direction="down") == (
        CurveVerdict.NOT_TURNING
    )


def test_four_points_are_not_enough_history_for_a_verdict():
    assert curve_verdict([1, 2, 3, 9], direction="up") == (
        CurveVerdict.NOT_ENOUGH_HISTORY
    )
    assert curve_verdict([], direction="up") == CurveVerdict.NOT_ENOUGH_HISTORY


def test_no_desired_direction_gives_no_verdict():
    assert curve_verdict([1, 2, 3, 4, 9], direction="unknown") == (
        CurveVerdict.NOT_ENOUGH_HISTORY
    )


def test_a_gap_ends_the_history_and_trailing_gaps_are_skipped():
    assert latest_run([1, None, 2, 3, None, None]) == [2, 3]
    # Only three points after the gap: no verdict, however good the latest.
    assert curve_verdict([5, 6, 7, 8, None, 1, 2, 3, 99], direction="up") == (
        CurveVerdict.NOT_ENOUGH_HISTORY
    )
    assert curve_verdict([10, 9, 8, 7, 8, None], direction="up") == (
        CurveVerdict.TURNING
    )
