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
