"""GET /api/v1/p/<slug>/measures/<code>/years/: the measure page's year figures."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.models import Aggregation, ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from tests.api import bearer
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def events():
    partnership = PartnershipFactory(reporting_year_start_month=4)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(
        partnership=partnership,
        code="EV-01",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        direction="up",
        annual_target=300,
    )
    # Another measure reported 2024/25 Q1, so the partnership was reporting
    # then and Q1 is missing for this one.
    other = MeasureFactory(partnership=partnership, code="EV-02")
    # 2024/25: Q1 missing, then 76, 86, 81 (the case); 2025/26: all
    # four quarters.
    figures = {(other, 2024, 1): 1}
    figures |= {(measure, 2024, 2): 76, (measure, 2024, 3): 86, (measure, 2024, 4): 81}
    figures |= {(measure, 2025, q): 70 + q for q in range(1, 5)}
    for (which, year, number), value in figures.items():
        period = services.period_get_or_create(
            partnership=partnership, quarter=Quarter(year, number, 4)
        )
        recording.quarterly_value_record(
            partnership=partnership,
            measure=which,
            period=period,
            actor=admin,
            value=D(value),
        )
    return partnership, viewer, measure


def years_url(partnership, code):
    return reverse("api:measure_years", kwargs={"slug": partnership.slug, "code": code})


def test_each_year_says_its_figure_target_status_and_what_is_missing(client, events):
    partnership, viewer, measure = events
    response = client.get(years_url(partnership, measure.code), headers=bearer(viewer))
    assert response.status_code == 200
    years = {y["year"]: y for y in response.json()}
    # Newest first, the current year (2026/27, under the pinned clock) included.
    assert [y["year"] for y in response.json()][:3] == [2026, 2025, 2024]
    earlier = years[2024]
    assert earlier["year_label"] == "2024/25"
    assert D(earlier["figure"]) == 243
    assert D(earlier["target"]) == 300
    assert D(earlier["pro_rata_target"]) == 225
    assert earlier["status"] == "on_track"
    assert earlier["quarters_reported"] == [2, 3, 4]
    assert earlier["quarters_ended"] == 4
    assert earlier["quarters_missing"] == [1]
    assert earlier["missing_note"] == "Q1 not reported"
    full = years[2025]
    assert D(full["figure"]) == 71 + 72 + 73 + 74
    assert full["status"] == "at_risk"  # 290 against 300
    assert full["quarters_missing"] == []
    # The line through 76, 86, 81, 71, 72, 73 (slope -1.9) forecasts 70 for
    # 2025/26 Q4: 74 beats it, upwards being better.
    assert full["curve"] == "turning"
    assert earlier["curve"] == "not_enough_history"  # three quarters by then
    assert earlier["curve_label"] == "Not enough history"


def test_another_partnerships_measure_and_an_unknown_code_are_404(client, events):
    partnership, viewer, measure = events
    other = MeasureFactory(code="OT-01")
    assert (
        client.get(
            years_url(other.partnership, "OT-01"), headers=bearer(viewer)
        ).status_code
        == 404
    )
    response = client.get(years_url(partnership, "NOPE-1"), headers=bearer(viewer))
    assert response.status_code == 404
    assert response.json()["detail"] == "No measure has the code “NOPE-1”."


def test_it_needs_credentials(client, events):
    partnership, _viewer, measure = events
    assert client.get(years_url(partnership, measure.code)).status_code == 401
