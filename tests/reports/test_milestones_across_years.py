"""A milestone done in one year stays done in the years after it."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.models import Aggregation, ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory, MissionFactory

# The clock is pinned to November 2026: 2026/27 Q1 (a September start).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def done_last_year(client):
    milestone = MeasureFactory(
        name="Civic charter signed",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        annual_target=None,
    )
    partnership = milestone.partnership
    MissionFactory(partnership=partnership)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    period = services.period_get_or_create(
        partnership=partnership,
        quarter=Quarter(2025, 2, partnership.reporting_year_start_month),
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=milestone,
        period=period,
        actor=admin,
        value=D(1),
    )
    client.force_login(admin)
    return partnership, milestone


def test_the_dashboard_shows_last_years_milestone_done(client, done_last_year):
    partnership, milestone = done_last_year
    page = client.get(
        reverse("reports:dashboard", kwargs={"slug": partnership.slug}),
        {"year": 2026},
    ).content.decode()
    row = page[page.index(milestone.name) :]
    row = row[: row.index("</li>")]
    assert "Done" in row and "On track" in row
    assert "No data yet" not in row and "not reported" not in row


def test_the_measure_page_shows_it_done_in_the_later_year(client, done_last_year):
    partnership, milestone = done_last_year
    page = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": milestone.pk},
        )
    ).content.decode()
    year = page[page.index("2026/27</th>") :]
    year = year[: year.index("</tr>")]
    assert "Done" in year and "On track" in year
    assert "No data yet" not in year
