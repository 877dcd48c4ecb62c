"""Server-side SVG line charts for quarterly series.

One definition serves the web pages and the PDF report: plain SVG, no
JavaScript, readable in greyscale (actuals solid with round markers, target
dashed, baseline dotted), each chart with a text alternative.

Written here rather than taken from a charting library: the charts are two
small, fixed designs (a sparkline and a labelled line chart), and owning the
markup keeps the accessible names, the print styling and the numbers'
formatting under the same tests as the rest of the page.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None


def _scale(lo: float, hi: float, size: float, pad: float, invert: bool = False):
    span = (hi - lo) or 1.0

    def scale(v: float) -> float:
        fraction = (v - lo) / span
        return pad + (size - 2 * pad) * ((1 - fraction) if invert else fraction)

    return scale


def _bounds(values: Sequence[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    lo = min(lo, 0.0)
    if hi == lo:
        hi = lo + 1.0
    return lo, hi * 1.08


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering lo..hi."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    ticks = [first]
    while ticks[-1] < hi - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _segments(
    points: list[tuple[float, float] | None],
) -> list[list[tuple[float, float]]]:
    """Split the line at missing quarters, so a gap shows as a gap."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


# Presentation attributes, so a chart looks the same wherever it is drawn:
# in a browser (where the page's CSS may restyle the classes) and in the PDF
# (whose SVG renderer does not apply the document's stylesheet to inline SVG).
# Repeated marks (grid lines, labels, markers) share a group that carries the
# class and the paint once: the report holds 18 charts, and every element and
# attribute of them is parsed, styled and drawn by the PDF renderer.
PAINT = {
    "chart-actual": 'stroke="#0b4f6c" stroke-width="2"',
    "chart-target": 'stroke="#1b1f24" stroke-width="1.5" stroke-dasharray="6 4"',
    "chart-baseline": 'stroke="#4a5560" stroke-width="1.5" stroke-dasharray="1 3"',
    "chart-forecast": 'stroke="#0b4f6c" stroke-width="2" stroke-dasharray="5 4"',
    # Comparison areas (an indicator's nation and comparator): greys with
    # their own dash patterns, told apart in greyscale too.
    "chart-compare-1": 'stroke="#3d4650" stroke-width="1.5" stroke-dasharray="12 3 2 3"',
    "chart-compare-2": 'stroke="#8a949d" stroke-width="2"',
    "chart-grid": 'stroke="#d0d5da" stroke-width="1"',
    "chart-marker": 'fill="#0b4f6c"',
    "chart-tick": 'fill="#4a5560"',
    "chart-legend": 'fill="#1b1f24"',
}
# On the chart's <svg>, inherited by its labels.
FONT = 'font-size="11" font-family="Source Sans 3, sans-serif"'


def _group(css: str, children: Sequence[str], extra: str = "") -> str:
    return f'<g class="{css}" {PAINT[css]}{extra}>{"".join(children)}</g>'


# The average advance of an 11px character, for deciding whether labels fit.
LABEL_CHAR_WIDTH = 6.2


def axis_labels(labels: Sequence[str]) -> list[str]:
    """Quarter labels as the axis shows them: the year only where it changes.

    "2023/24 Q1", "2023/24 Q2" read "2023/24 Q1", "Q2". Shorter labels fit
    side by side more often, and the PDF renderer lays out and draws SVG text
    one letter at a time, so every letter left out of 18 charts counts.
    """
    shown: list[str] = []
    previous = None
    for label in labels:
        year, _, quarter = label.rpartition(" ")
        shown.append(quarter if year and year == previous else label)
        previous = year or None
    return shown


def _polyline(run: list[tuple[float, float]], css: str) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
    return f'<polyline class="{css}" {PAINT[css]} points="{coords}" fill="none"/>'


def describe(
    series: Sequence[Point],
    fmt: Callable[[Decimal | None], str],
    *,
    target: Decimal | None = None,
    target_label: str = "",
    forecast: Sequence[Point] = (),
    unit: str = "",
) -> str:
    """A one-sentence text alternative for the chart.

    ``forecast`` (the baseline forecast's points, after the last actual one)
    adds where the curve goes if nothing changes; ``unit`` names the
    spacing of the points: "quarters" unless told, "years" for indicators
    (each a whole sentence of its own, for translation).
    """
    known = [p for p in series if p.value is not None]
    if not known:
        return _("No values yet for %(first)s to %(last)s.") % {
            "first": series[0].label,
            "last": series[-1].label,
        }
    text = (
        _(
            "%(count)s of %(total)s years reported; from %(first)s in %(fl)s to "
            "%(last)s in %(ll)s."
        )
        if unit == "years"
        else _(
            "%(count)s of %(total)s quarters reported; from %(first)s in %(fl)s to "
            "%(last)s in %(ll)s."
        )
    ) % {
        "count": len(known),
        "total": len(series),
        "first": fmt(known[0].value),
        "fl": known[0].label,
        "last": fmt(known[-1].value),
        "ll": known[-1].label,
    }
    if target is not None:
        text += " " + _("%(label)s: %(target)s.") % {
            "label": target_label or _("Target"),
            "target": fmt(target),
        }
    if forecast:
        text += " " + forecast_sentence(forecast, fmt)
    return text


def forecast_sentence(
    forecast: Sequence[Point], fmt: Callable[[Decimal | None], str]
) -> str:
    return _("If nothing changes, the curve reaches %(value)s by %(label)s.") % {
        "value": fmt(forecast[-1].value),
        "label": forecast[-1].label,
    }


def sparkline(
    series: Sequence[Point], *, description: str, width: int = 120, height: int = 32
) -> SafeString:
    values = [float(p.value) for p in series if p.value is not None]
    body = ""
    if values:
        lo, hi = _bounds(values)
        x = _scale(0, max(len(series) - 1, 1), width, 4)
        y = _scale(lo, hi, height, 4, invert=True)
        points = [
            (x(i), y(float(p.value))) if p.value is not None else None
            for i, p in enumerate(series)
        ]
        body = "".join(_polyline(run, "chart-actual") for run in _segments(points))
        last = next(p for p in reversed(points) if p is not None)
        body += f'<circle class="chart-marker" {PAINT["chart-marker"]} cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5"/>'
    return mark_safe(
        f'<svg class="sparkline" role="img" aria-label="{escape(description)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(description)}</title>'
        f"{body}</svg>"
    )


def line_chart(
    series: Sequence[Point],
    *,
    title: str,
    description: str,
    fmt: Callable[[Decimal | None], str],
    target: Decimal | None = None,
    target_label: str = "",
    baseline: Decimal | None = None,
    forecast: Sequence[Point] = (),
    comparisons: Sequence[tuple[str, Sequence[Point]]] = (),
    actual_label: str = "",
    width: int = 640,
    height: int = 280,
    id_prefix: str = "chart",
) -> SafeString:
    """A labelled quarterly line chart with optional target and baseline lines.

    ``forecast`` is the baseline forecast (kpis.forecast): points labelled by
    the periods after the last actual value, drawn dashed from that value on.
    Labels the series does not have extend the axis. ``comparisons`` are
    up to two other lines on the same axis (label, points), e.g. the nation
    and a comparator area; ``actual_label`` names the main line.
    """
    left, right, top = 64, 16, 36
    plot_w = width - left - right
    axis = [p.label for p in series]
    axis += [p.label for p in forecast if p.label not in axis]
    # Quarter labels sit level when they fit side by side, and slant when not;
    # level labels need less room below the plot, so the chart is shorter.
    spacing = (plot_w - 24) / max(len(axis) - 1, 1)
    shown = axis_labels(axis)
    widest_pair = max(
        (len(a) + len(b)) / 2 for a, b in zip(shown, shown[1:] or shown, strict=False)
    )
    level = spacing >= LABEL_CHAR_WIDTH * widest_pair + 8
    if level:
        height -= 28
    plot_h = height - top - (36 if level else 64)
    values = [float(p.value) for p in series if p.value is not None]
    references = [float(v) for v in (target, baseline) if v is not None]
    references += [float(p.value) for p in forecast if p.value is not None]
    references += [
        float(p.value)
        for _label, line in comparisons
        for p in line
        if p.value is not None
    ]
    known = values + references or [0.0]
    ticks = nice_ticks(min(min(known), 0.0), max(known))
    lo, hi = ticks[0], ticks[-1]
    x = _scale(0, max(len(axis) - 1, 1), plot_w, 12)
    y = _scale(lo, hi, plot_h, 0, invert=True)
    parts: list[str] = [f'<g transform="translate({left},{top})">']
    # The grid is one path, one element to draw instead of one per tick.
    grid = "".join(f"M0 {y(tick):.1f}H{plot_w}" for tick in ticks)
    parts.append(f'<path class="chart-grid" {PAINT["chart-grid"]} d="{grid}"/>')
    parts.append(
        _group(
            "chart-tick",
            [
                f'<text x="-8" y="{y(tick) + 4:.1f}">'
                f"{escape(fmt(Decimal(str(tick))))}</text>"
                for tick in ticks
            ],
            ' text-anchor="end"',
        )
    )
    labels = []
    for i, label in enumerate(shown):
        placement = (
            "" if level else f' transform="rotate(-35 {x(i):.1f} {plot_h + 18})"'
        )
        labels.append(
            f'<text x="{x(i):.1f}" y="{plot_h + 18}"{placement}>{escape(label)}</text>'
        )
    parts.append(
        _group(
            "chart-tick",
            labels,
            ' text-anchor="middle"' if level else ' text-anchor="end"',
        )
    )
    legend: list[tuple[str, str]] = [("chart-actual", actual_label or _("Actual"))]
    for number, (label, line) in enumerate(comparisons[:2], start=1):
        css = f"chart-compare-{number}"
        compared = [
            (x(i), y(float(p.value))) if p.value is not None else None
            for i, p in enumerate(line)
        ]
        parts.extend(_polyline(run, css) for run in _segments(compared))
        legend.append((css, label))
    if baseline is not None:
        by = y(float(baseline))
        parts.append(
            f'<line class="chart-baseline" {PAINT["chart-baseline"]} x1="0" x2="{plot_w}" y1="{by:.1f}" y2="{by:.1f}"/>'
        )
        legend.append(("chart-baseline", _("Baseline")))
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line class="chart-target" {PAINT["chart-target"]} x1="0" x2="{plot_w}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
        legend.append(("chart-target", target_label or _("Target")))
    points = [
        (x(i), y(float(p.value))) if p.value is not None else None
        for i, p in enumerate(series)
    ]
    for run in _segments(points):
        parts.append(_polyline(run, "chart-actual"))
    last_actual = next((pt for pt in reversed(points) if pt is not None), None)
    if forecast and last_actual is not None:
        ahead = [
            (x(axis.index(p.label)), y(float(p.value)))
            for p in forecast
            if p.value is not None
        ]
        parts.append(_polyline([last_actual, *ahead], "chart-forecast"))
        legend.append(("chart-forecast", _("Forecast if nothing changes")))
    parts.append(
        _group(
            "chart-marker",
            [
                f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3.5">'
                f"<title>{escape(source.label)}: {escape(fmt(source.value))}</title></circle>"
                for point, source in zip(points, series, strict=True)
                if point is not None
            ],
        )
    )
    parts.append("</g>")
    # The legend sits above the plot, clear of the rotated quarter labels.
    # An entry that would run past the right edge starts a new legend row,
    # and the plot moves down (the chart grows) by a row for each.
    legend_x, legend_y = left, 14
    legend_labels = []
    for css, label in legend:
        entry_width = 44 + 6 * len(label)
        if legend_x > left and legend_x + entry_width - 14 > width:
            legend_x, legend_y = left, legend_y + 16
        parts.append(
            f'<line class="{css}" {PAINT[css]} x1="{legend_x}" x2="{legend_x + 24}" '
            f'y1="{legend_y}" y2="{legend_y}"/>'
        )
        legend_labels.append(
            f'<text x="{legend_x + 30}" y="{legend_y + 4}">{escape(label)}</text>'
        )
        legend_x += entry_width
    parts.append(_group("chart-legend", legend_labels))
    if legend_y > 14:
        parts[0] = f'<g transform="translate({left},{top + legend_y - 14})">'
        height += legend_y - 14
    return mark_safe(
        f'<svg class="line-chart" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'viewBox="0 0 {width} {height}" {FONT} xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


# A milestone's quarters: done, not done, not reported. Told apart in
# greyscale by fill and outline as well as by the mark in each cell.
MILESTONE_PAINT = {
    "done": 'fill="#0b4f6c" stroke="#0b4f6c" stroke-width="1.5"',
    "not_done": 'fill="#ffffff" stroke="#1b1f24" stroke-width="1.5"',
    "missing": 'fill="#ffffff" stroke="#8a949d" stroke-width="1.5" stroke-dasharray="3 3"',
}


def _milestone_state(point: Point) -> str:
    if point.value is None:
        return "missing"
    return "done" if point.value >= 1 else "not_done"


def milestone_labels() -> dict[str, str]:
    return {
        "done": pgettext("milestone", "Done"),
        "not_done": pgettext("milestone", "Not done"),
        "missing": _("Not reported"),
    }


def describe_milestone(series: Sequence[Point]) -> str:
    """The text alternative of a milestone's chart: when it was done."""
    if not series:
        return _("No quarters yet.")
    done = [p.label for p in series if _milestone_state(p) == "done"]
    reported = [p for p in series if p.value is not None]
    if not reported:
        return _("No values yet for %(first)s to %(last)s.") % {
            "first": series[0].label,
            "last": series[-1].label,
        }
    if done:
        return _("%(count)s of %(total)s quarters reported; done from %(first)s.") % {
            "count": len(reported),
            "total": len(series),
            "first": done[0],
        }
    return _("%(count)s of %(total)s quarters reported; not done yet in %(last)s.") % {
        "count": len(reported),
        "total": len(series),
        "last": reported[-1].label,
    }


def milestone_chart(
    series: Sequence[Point],
    *,
    title: str,
    description: str,
    width: int = 640,
    id_prefix: str = "chart",
) -> SafeString:
    """A milestone by quarter: a row of cells, each done, not done or not
    reported (a line through 0 and 1 would say nothing a tick cannot)."""
    right, top, gap = 16, 36, 4
    count = max(len(series), 1)
    shown = axis_labels([p.label for p in series])
    widest = LABEL_CHAR_WIDTH * max((len(s) for s in shown), default=1) + 4
    # Level labels when each fits its cell; slanted ones need room on the
    # left for the first label.
    level = (width - 16 - right - gap * (count - 1)) / count >= widest
    left = 16 if level else 60
    cell = min(80.0, (width - left - right - gap * (count - 1)) / count)
    size = min(cell, 28.0)
    height = top + size + (36 if level else 64)
    names = milestone_labels()
    parts = [f'<g transform="translate({left},{top})">']
    for i, point in enumerate(series):
        state = _milestone_state(point)
        x = i * (cell + gap)
        cx = x + cell / 2
        parts.append(
            f'<rect class="milestone-{state}" {MILESTONE_PAINT[state]} '
            f'x="{x + (cell - size) / 2:.1f}" y="0" width="{size:.1f}" '
            f'height="{size:.1f}" rx="3">'
            f"<title>{escape(point.label)}: {escape(names[state])}</title></rect>"
        )
        if state == "done":  # a tick
            parts.append(
                f'<path d="M{cx - 7:.1f} {size / 2:.1f}l5 5l9 -10" fill="none" '
                f'stroke="#ffffff" stroke-width="2.5"/>'
            )
        elif state == "not_done":  # a cross
            parts.append(
                f'<path d="M{cx - 5:.1f} {size / 2 - 5:.1f}l10 10m0 -10l-10 10" '
                f'fill="none" stroke="#1b1f24" stroke-width="2"/>'
            )
    labels = []
    for i, label in enumerate(shown):
        cx = i * (cell + gap) + cell / 2
        placement = (
            "" if level else f' transform="rotate(-35 {cx:.1f} {size + 18:.1f})"'
        )
        labels.append(
            f'<text x="{cx:.1f}" y="{size + 18:.1f}"{placement}>{escape(label)}</text>'
        )
    parts.append(
        _group(
            "chart-tick",
            labels,
            ' text-anchor="middle"' if level else ' text-anchor="end"',
        )
    )
    parts.append("</g>")
    legend_x = 16
    legend = []
    for state in ("done", "not_done", "missing"):
        legend.append(
            f'<rect class="milestone-{state}" {MILESTONE_PAINT[state]} '
            f'x="{legend_x}" y="6" width="12" height="12" rx="2"/>'
        )
        legend.append(
            f'<text x="{legend_x + 18}" y="16" {PAINT["chart-legend"]}>'
            f"{escape(names[state])}</text>"
        )
        legend_x += 30 + 7 * len(names[state])
    parts.extend(legend)
    return mark_safe(
        f'<svg class="line-chart milestone-chart" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'viewBox="0 0 {width} {height:.0f}" {FONT} xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
