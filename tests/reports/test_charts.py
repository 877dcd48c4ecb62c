from decimal import Decimal as D
from xml.etree import ElementTree

from reports.charts import Point, axis_labels, describe, line_chart, sparkline


def fmt(value):
    return "—" if value is None else f"{value:f}"


SERIES = [Point("Q1", D(1)), Point("Q2", None), Point("Q3", D(3)), Point("Q4", D(4))]


def test_sparkline_is_valid_svg_with_a_text_alternative():
    svg = str(sparkline(SERIES, description="Rising from 1 to 4"))
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Rising from 1 to 4"
    # The missing quarter breaks the line into two runs.
    assert svg.count("<polyline") == 2


def test_line_chart_draws_target_baseline_and_markers():
    svg = str(
        line_chart(
            SERIES,
            title="Schools",
            description="d",
            fmt=fmt,
            target=D(5),
            baseline=D(2),
        )
    )
    ElementTree.fromstring(svg)
    assert 'class="chart-target"' in svg and 'class="chart-baseline"' in svg
    assert svg.count('class="chart-marker"') == 1  # one group for the markers
    assert svg.count("<circle") == 3
    assert '<title id="chart-title">Schools</title>' in svg


def test_chart_escapes_text():
    svg = str(sparkline([Point("<Q1>", D(1))], description='"quoted" & <b>'))
    ElementTree.fromstring(svg)
    assert "<b>" not in svg


def test_description_says_what_the_chart_shows():
    text = describe(SERIES, fmt, target=D(5), target_label="Target")
    assert "3 of 4 quarters reported" in text
    assert "from 1 in Q1 to 4 in Q4" in text
    assert "Target: 5" in text
    assert describe([Point("Q1", None)], fmt).startswith("No values yet")


def test_empty_series_still_renders():
    ElementTree.fromstring(str(sparkline([Point("Q1", None)], description="none")))
    ElementTree.fromstring(
        str(line_chart([Point("Q1", None)], title="t", description="d", fmt=fmt))
    )


def test_nice_ticks_are_round_numbers_covering_the_range():
    from reports.charts import nice_ticks

    assert nice_ticks(0, 396.36) == [0, 100, 200, 300, 400]
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    assert nice_ticks(0, 83) == [0, 25, 50, 75, 100]
    assert nice_ticks(5, 5) == [5, 5.25, 5.5, 5.75, 6]


def quarter_labels(series):
    root = ElementTree.fromstring(
        str(line_chart(series, title="t", description="d", fmt=fmt))
    )
    names = set(axis_labels([p.label for p in series]))
    return [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text in names]


def test_the_axis_names_the_year_only_where_it_changes():
    labels = ["2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2"]
    assert axis_labels(labels) == ["2023/24 Q3", "Q4", "2024/25 Q1", "Q2"]
    assert axis_labels(["Q1", "Q2"]) == ["Q1", "Q2"]


def test_quarter_labels_lie_level_when_eight_fit_and_slant_when_twenty_do_not():
    def quarters(count):
        return [
            Point(f"{2020 + n // 4}/{21 + n // 4} Q{n % 4 + 1}", D(n))
            for n in range(count)
        ]

    eight, twenty = quarters(8), quarters(20)
    assert [t.get("transform") for t in quarter_labels(eight)] == [None] * 8
    assert [t.text for t in quarter_labels(eight)][:5] == [
        "2020/21 Q1",
        "Q2",
        "Q3",
        "Q4",
        "2021/22 Q1",
    ]
    assert all("rotate(-35" in t.get("transform") for t in quarter_labels(twenty))
    assert len(quarter_labels(twenty)) == 20


def test_each_chart_names_its_title_and_description_by_its_own_ids():
    svg = str(
        line_chart(SERIES, title="t", description="d", fmt=fmt, id_prefix="chart-7")
    )
    root = ElementTree.fromstring(svg)
    assert root.get("aria-labelledby") == "chart-7-title chart-7-desc"
    assert svg.count('id="chart-7-title"') == 1


FORECAST = [Point("Q5", D(5)), Point("Q6", D(6))]


def test_the_forecast_continues_dashed_from_the_last_actual_point():
    svg = str(
        line_chart(SERIES, title="t", description="d", fmt=fmt, forecast=FORECAST)
    )
    root = ElementTree.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    dashed = [
        line
        for line in root.iterfind(".//s:polyline", ns)
        if line.get("class") == "chart-forecast"
    ]
    assert len(dashed) == 1 and dashed[0].get("stroke-dasharray")
    # From the last actual point (Q4) through the two forecast quarters.
    coords = dashed[0].get("points").split()
    assert len(coords) == 3
    actual_runs = [
        line.get("points").split()
        for line in root.iterfind(".//s:polyline", ns)
        if line.get("class") == "chart-actual"
    ]
    assert coords[0] == actual_runs[-1][-1]
    # The axis carries the forecast quarters, and the legend names the line.
    assert ">Q6</text>" in svg
    assert "Forecast if nothing changes" in svg


def test_no_forecast_no_dashed_line():
    svg = str(line_chart(SERIES, title="t", description="d", fmt=fmt))
    assert "chart-forecast" not in svg and "Forecast" not in svg


def test_the_text_alternative_says_where_the_curve_goes():
    text = describe(SERIES, fmt, forecast=FORECAST)
    assert text.endswith("If nothing changes, the curve reaches 6 by Q6.")


def test_a_long_legend_wraps_and_the_chart_grows_to_fit():
    kwargs = dict(title="t", description="d", fmt=fmt, target=D(5), baseline=D(2))
    short = ElementTree.fromstring(str(line_chart(SERIES, **kwargs)))
    long = ElementTree.fromstring(
        str(
            line_chart(
                SERIES,
                target_label="Quarterly share of the annual target",
                forecast=FORECAST,
                **kwargs,
            )
        )
    )
    short_height = float(short.get("viewBox").split()[3])
    long_height = float(long.get("viewBox").split()[3])
    assert long_height == short_height + 16


def test_a_milestone_is_drawn_as_done_or_not_done_by_quarter():
    from reports.charts import describe_milestone, milestone_chart

    series = [
        Point("2025/26 Q1", D(0)),
        Point("2025/26 Q2", None),
        Point("2025/26 Q3", D(1)),
        Point("2025/26 Q4", D(1)),
    ]
    description = describe_milestone(series)
    assert description == "3 of 4 quarters reported; done from 2025/26 Q3."
    svg = str(milestone_chart(series, title="Hub opened", description=description))
    NS = "{http://www.w3.org/2000/svg}"
    root = ElementTree.fromstring(svg)
    cells = [
        (el.get("class"), el.find(f"{NS}title").text)
        for el in root.iter(f"{NS}rect")
        if el.find(f"{NS}title") is not None
    ]
    assert cells == [
        ("milestone-not_done", "2025/26 Q1: Not done"),
        ("milestone-missing", "2025/26 Q2: Not reported"),
        ("milestone-done", "2025/26 Q3: Done"),
        ("milestone-done", "2025/26 Q4: Done"),
    ]
    # The axis names the quarters, the year once; no 0.00–1.00 value axis.
    ticks = [t.text for t in root.iter(f"{NS}text")]
    assert ticks[:4] == ["2025/26 Q1", "Q2", "Q3", "Q4"]
    assert "1.00" not in svg and "0.50" not in svg
    assert {"Done", "Not done", "Not reported"} <= set(ticks)
    assert describe_milestone(series[:2]) == (
        "1 of 2 quarters reported; not done yet in 2025/26 Q1."
    )


def test_the_measure_chart_of_a_milestone_is_the_milestone_chart():
    from kpis.models import ValueType
    from reports.selectors import measure_chart
    from tests.factories import MeasureFactory

    measure = MeasureFactory.build(value_type=ValueType.MILESTONE, name="Hub opened")
    chart, description = measure_chart(
        measure, [Point("2025/26 Q1", D(0)), Point("2025/26 Q2", D(1))], year=2025
    )
    assert 'class="line-chart milestone-chart"' in chart
    assert "Hub opened by quarter" in chart
    assert description == "2 of 2 quarters reported; done from 2025/26 Q2."
