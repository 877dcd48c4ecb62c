"""The baseline forecast: where a curve goes if nothing changes.

RBA's "turning the curve" compares what happens with the baseline, the
forecast of the series as it was heading. Two methods, both pure functions of
the series' values in time order (quarters of a measure, or years of an
indicator), equally spaced:

* ``linear_trend`` (the default, ``baseline_forecast``): an ordinary
  least-squares straight line through the last ``window`` points (eight: two
  years of quarters), extended forward. Easy to explain to a steering group
  ("if the last two years' trend carried on"), and not thrown by one odd
  early value outside the window.
* ``holt``: Holt's linear exponential smoothing (level and trend, each
  smoothed; alpha and beta between 0 and 1), which weights recent points
  more and suits longer series whose trend drifts.

When there is no forecast. A forecast needs ``MIN_POINTS`` values; with
fewer there is no baseline (``None``), and a page says "not enough history"
rather than draw a line through two points. Nor is there one for a series
too lumpy for a straight line to describe: when the points' typical distance
from their line (the root mean square of the residuals) is more than
``LUMPINESS_LIMIT`` (a half) of the series' mean size, the line is mostly
noise (0, 12, 0, 15 meetings), so ``baseline_forecast`` gives ``None`` too.
Only quarters that have ended count: the caller leaves out the quarter in
progress, whose figure may be partial (reports.selectors).

What a forecast says. Forecasts are clamped to the kind of value's bounds (a
count never below 0, a percentage within 0–100), and a count's forecast is
a whole number (``whole=True``): "1 meeting", never "0.61 meetings".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_POINTS = 4
DEFAULT_WINDOW = 8
LUMPINESS_LIMIT = 0.5

Number = int | float | Decimal


@dataclass(frozen=True)
class Forecast:
    method: str
    # The values of the next ``len(points)`` periods, in order.
    points: tuple[Decimal, ...]
    # How many of the series' latest points the method used.
    based_on: int


def _clamp(
    value: float, lower: float | None, upper: float | None, whole: bool = False
) -> Decimal:
    if lower is not None:
        value = max(value, lower)
    if upper is not None:
        value = min(value, upper)
    places = Decimal("1") if whole else Decimal("0.01")
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _line(ys: list[float]) -> tuple[float, float]:
    """The least-squares line through ``ys`` at x = 0, 1, ...: (intercept, slope)."""
    n = len(ys)
    mean_x = (n - 1) / 2
    mean_y = sum(ys) / n
    sxy = sum([(x - mean_x) * (y - mean_y) for x, y in enumerate(ys)])
    slope = sxy / _sxx(n)
    return mean_y - slope * mean_x, slope


# The x spread of n points at 0, 1, ...: the same few n on every page.
_SXX: dict[int, float] = {}


def _sxx(n: int) -> float:
    try:
        return _SXX[n]
    except KeyError:
        mean_x = (n - 1) / 2
        spread = _SXX[n] = sum((x - mean_x) ** 2 for x in range(n))
        return spread


def _lumpy(ys: list[float], intercept: float, slope: float) -> bool:
    """The residuals' root mean square over ``LUMPINESS_LIMIT`` of the mean size."""
    rms = sum([(y - intercept - slope * x) ** 2 for x, y in enumerate(ys)]) / len(ys)
    rms **= 0.5
    size = sum([abs(y) for y in ys]) / len(ys)
    return rms > LUMPINESS_LIMIT * size


def too_lumpy(values: Sequence[Number], *, window: int = DEFAULT_WINDOW) -> bool:
    """Whether the last ``window`` values jump about too much for a line.

    True when the residuals' root mean square exceeds ``LUMPINESS_LIMIT`` of
    the values' mean size (a series of zeros is not lumpy).
    """
    ys = [float(v) for v in values][-window:]
    if len(ys) < 2:
        return False
    return _lumpy(ys, *_line(ys))


def linear_trend(
    values: Sequence[Number],
    horizon: int,
    *,
    window: int = DEFAULT_WINDOW,
    lower: float | None = None,
    upper: float | None = None,
    whole: bool = False,
) -> Forecast | None:
    """Least-squares line through the last ``window`` values, extended."""
    if horizon < 1 or window < 2:
        raise ValueError("horizon must be at least 1 and window at least 2")
    ys = [float(v) for v in values][-window:]
    n = len(ys)
    if n < MIN_POINTS:
        return None
    return _extended(ys, *_line(ys), horizon, lower, upper, whole)


def _extended(
    ys: list[float],
    intercept: float,
    slope: float,
    horizon: int,
    lower: float | None,
    upper: float | None,
    whole: bool,
) -> Forecast:
    n = len(ys)
    points = tuple(
        _clamp(intercept + slope * x, lower, upper, whole)
        for x in range(n, n + horizon)
    )
    return Forecast(method="linear_trend", points=points, based_on=n)


def holt(
    values: Sequence[Number],
    horizon: int,
    *,
    alpha: float = 0.5,
    beta: float = 0.3,
    lower: float | None = None,
    upper: float | None = None,
) -> Forecast | None:
    """Holt's linear exponential smoothing.

    Starts from level = the first value and trend = the first change, then
    for each later value y:  level' = alpha*y + (1-alpha)*(level + trend);
    trend' = beta*(level' - level) + (1-beta)*trend. The forecast h periods
    ahead is level + h*trend.
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    if not (0 < alpha <= 1 and 0 < beta <= 1):
        raise ValueError("alpha and beta must be in (0, 1]")
    ys = [float(v) for v in values]
    if len(ys) < MIN_POINTS:
        return None
    level, trend = ys[0], ys[1] - ys[0]
    for y in ys[1:]:
        previous = level
        level = alpha * y + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
    points = tuple(
        _clamp(level + h * trend, lower, upper) for h in range(1, horizon + 1)
    )
    return Forecast(method="holt", points=points, based_on=len(ys))


def baseline_forecast(
    values: Sequence[Number],
    horizon: int,
    *,
    lower: float | None = None,
    upper: float | None = None,
    whole: bool = False,
) -> Forecast | None:
    """The baseline the app uses: the linear trend of the last two years.

    None with too little history or too lumpy a series (``too_lumpy``).
    """
    # too_lumpy, then linear_trend, on the same window: the line fitted once.
    ys = [float(v) for v in values][-DEFAULT_WINDOW:]
    if len(ys) < 2:
        return linear_trend(values, horizon, lower=lower, upper=upper, whole=whole)
    line = _line(ys)
    if _lumpy(ys, *line):
        return None
    if horizon < 1:
        raise ValueError("horizon must be at least 1 and window at least 2")
    if len(ys) < MIN_POINTS:
        return None
    return _extended(ys, *line, horizon, lower, upper, whole)


def is_turning_the_curve(
    *, actual: Number, forecast: Number, direction: str
) -> bool | None:
    """Better than the baseline in the desired direction ("up" or "down").

    None when the direction is not established. Equal to the forecast is not
    turning the curve: nothing changed.
    """
    if direction == "up":
        return Decimal(str(actual)) > Decimal(str(forecast))
    if direction == "down":
        return Decimal(str(actual)) < Decimal(str(forecast))
    return None


class CurveVerdict:
    """Whether a series is turning the curve, as ``curve_verdict`` judges it."""

    TURNING = "turning"
    NOT_TURNING = "not_turning"
    NOT_ENOUGH_HISTORY = "not_enough_history"


def latest_run(values: Sequence[Number | None]) -> list[Number]:
    """The unbroken run of known values that ends with the latest one.

    Trailing gaps (quarters not reported yet) are skipped; an earlier gap
    ends the run, because the forecast methods assume equal spacing.
    """
    run: list[Number] = []
    for value in reversed(values):
        if value is None:
            if run:
                break
            continue
        run.append(value)
    return run[::-1]


def curve_verdict(
    values: Sequence[Number | None],
    *,
    direction: str,
    lower: float | None = None,
    upper: float | None = None,
    whole: bool = False,
) -> str:
    """Is the latest value better than the baseline forecast made without it?

    The forecast is made from the points before the latest one (the latest
    unbroken run, see ``latest_run``); the latest value turns the curve when
    it beats that forecast in the desired direction. With fewer than
    ``MIN_POINTS`` points before it, or no desired direction, there is no
    verdict; nor when the points before it are too lumpy for a forecast.
    """
    run = latest_run(values)
    if len(run) < MIN_POINTS + 1:
        return CurveVerdict.NOT_ENOUGH_HISTORY
    forecast = baseline_forecast(run[:-1], 1, lower=lower, upper=upper, whole=whole)
    if forecast is None:
        return CurveVerdict.NOT_ENOUGH_HISTORY
    turning = is_turning_the_curve(
        actual=run[-1], forecast=forecast.points[0], direction=direction
    )
    if turning is None:
        return CurveVerdict.NOT_ENOUGH_HISTORY
    return CurveVerdict.TURNING if turning else CurveVerdict.NOT_TURNING
