"""The measures and quarterly values endpoints, and the bulk record."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import services
from kpis.models import QuarterlyValue, ReviewStatus, ValueType
from kpis.periods import Quarter
from kpis.selectors import current_quarter, value_history
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    partnership = PartnershipFactory(slug="north")
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    count = MeasureFactory(partnership=partnership, code="CR-01", name="Schools")
    pct = MeasureFactory(
        partnership=partnership,
        code="CR-02",
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target=80,
    )
    other = MeasureFactory(partnership=partnership, code="CR-03")
    MeasureLeadFactory(measure=count, user=lead)
    MeasureLeadFactory(measure=pct, user=lead)
    quarter = current_quarter(partnership=partnership)
    return {
        "partnership": partnership,
        "admin": admin,
        "lead": lead,
        "viewer": viewer,
        "count": count,
        "pct": pct,
        "other": other,
        "quarter": quarter,
    }


def bulk_url(partnership):
    return reverse("api:value_bulk", kwargs={"slug": partnership.slug})


def body(quarter, *rows):
    return {"year": quarter.year, "quarter": quarter.quarter, "values": list(rows)}


def test_a_lead_records_their_quarter_in_one_request(client, setup):
    quarter = setup["quarter"]
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(
            quarter,
            {"measure": "CR-01", "value": "12", "story": "Two new schools."},
            {"measure": "CR-02", "numerator": 45, "denominator": "60"},
        ),
        bearer(setup["lead"]),
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["created"] == 2 and data["updated"] == 0
    assert [v["measure"] for v in data["values"]] == ["CR-01", "CR-02"]
    assert data["values"][0]["value"] == "12.00"
    assert data["values"][0]["version"] == 1
    stored = QuarterlyValue.objects.get(measure=setup["count"])
    assert stored.value == D(12) and stored.story == "Two new schools."
    assert stored.entered_by == setup["lead"]
    ratio = QuarterlyValue.objects.get(measure=setup["pct"])
    assert (ratio.numerator, ratio.denominator) == (D(45), D(60))
