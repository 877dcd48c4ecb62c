"""Forecasts that make sense: ended quarters only, counts as counts, no silly lines.

The rules are kpis.forecast's (its module docstring); these tests hold the
pages and the report to them.
"""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from kpis import recording, services
from kpis.forecast import CurveVerdict, baseline_forecast, curve_verdict, too_lumpy
from kpis.models import ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from reports.annual import annual_report_content
from reports.charts import Point
from reports.selectors import FORECAST_QUARTERS, measure_forecast
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    MissionFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.usefixtures("clock")


def _quarters_to_now(count: int) -> list[Quarter]:
    """``count`` quarters ending with the one in progress today."""
    now = Quarter.containing(timezone.localdate(), 4)
    quarters = [now]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    return quarters


def test_the_quarter_in_progress_is_left_out_and_a_count_is_forecast_whole():
    measure = MeasureFactory.build(value_type=ValueType.COUNT, direction="up")
    quarters = _quarters_to_now(5)
    # The current quarter's partial 100 would bend the line if it counted.
    series = [
        Point(q.label, D(v))
        for q, v in zip(quarters, (10, 11, 13, 14, 100), strict=True)
    ]
    forecast = measure_forecast(measure, series, quarters)
    # The line through 10, 11, 13, 14 (slope 1.4) reaches 15.5, 16.9, 18.3,
    # 19.7 in the next four quarters: whole meetings, rounded half up.
    assert [p.value for p in forecast] == [D(16), D(17), D(18), D(20)]
    assert len(forecast) == FORECAST_QUARTERS
    assert forecast[0].label == quarters[-1].label
    assert all(p.value == p.value.to_integral_value() for p in forecast)


def test_a_percentage_keeps_its_decimals():
    measure = MeasureFactory.build(value_type=ValueType.PERCENTAGE, direction="up")
    quarters = _quarters_to_now(5)
    series = [
        Point(q.label, D(v)) for q, v in zip(quarters, (10, 11, 13, 14, 0), strict=True)
    ]
    assert measure_forecast(measure, series, quarters)[0].value == D("15.50")


def test_a_lumpy_series_gets_no_forecast_and_no_verdict():
    lumpy = [0, 12, 0, 15, 0, 14]
    assert too_lumpy(lumpy)
    assert baseline_forecast(lumpy, 2) is None
    assert curve_verdict([*lumpy, 30], direction="up") == (
        CurveVerdict.NOT_ENOUGH_HISTORY
    )
    # A noisy but trending series still has one, and a flat zero series too.
    assert not too_lumpy([10, 12, 11, 14, 13, 16])
    assert baseline_forecast([10, 12, 11, 14, 13, 16], 1) is not None
    assert baseline_forecast([0, 0, 0, 0], 1).points == (D("0.00"),)


def test_the_verdict_is_made_from_ended_quarters_only(db):
    partnership = PartnershipFactory(reporting_year_start_month=4)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(
        partnership=partnership, value_type=ValueType.COUNT, direction="up"
    )
    quarters = _quarters_to_now(6)
    for quarter, value in zip(quarters, (10, 11, 12, 13, 14, 0), strict=True):
        period = services.period_get_or_create(partnership=partnership, quarter=quarter)
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=period,
            actor=admin,
            value=D(value),
        )
    from reports.selectors import dashboard_get

    dashboard = dashboard_get(partnership=partnership, year=quarters[-1].year)
    (summary,) = [
        s
        for section in dashboard.priorities
        for s in section.measures
        if s.measure.pk == measure.pk
    ] or dashboard.mission_measures
    # The partial 0 of the quarter in progress is not judged: 14 against
    # the forecast from 10..13 (14) is not better, so not turning; with the 0
    # it would be judged on the 0.
    assert summary.ended_points == len(summary.trend) - 1
    assert summary.curve == CurveVerdict.NOT_TURNING


def test_the_report_draws_the_forecast_on_each_headline_chart(db):
    partnership = PartnershipFactory(reporting_year_start_month=4)
    MissionFactory(partnership=partnership)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(
        partnership=partnership,
        value_type=ValueType.COUNT,
        direction="up",
        is_headline=True,
        name="Meetings held",
    )
    for number, value in zip((1, 2, 3, 4), (10, 11, 13, 14), strict=True):
        period = services.period_get_or_create(
            partnership=partnership, quarter=Quarter(2024, number, 4)
        )
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=period,
            actor=admin,
            value=D(value),
        )
    content = annual_report_content(partnership=partnership, year=2024)
    (item,) = [h for chapter in content.chapters for h in chapter.headline]
    assert "chart-forecast" in item.chart
    assert "If nothing changes, the curve reaches 20 by 2025/26 Q4." in (
        item.chart_description
    )
