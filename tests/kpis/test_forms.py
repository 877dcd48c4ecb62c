"""The My measures entry form refuses what the value columns cannot hold.

Each bad number is answered with a message beside its field (400 without
htmx, the row with htmx) and nothing is saved: never an overflow (500).
"""

import pytest
from django.urls import reverse

from kpis.models import Aggregation, QuarterlyValue, ValueType
from partnerships.models import Role
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

TOO_LARGE = "This number is too large"


def lead_on(client, measure):
    lead = MembershipFactory(partnership=measure.partnership, role=Role.LEAD).user
    MeasureLeadFactory(measure=measure, user=lead)
    client.force_login(lead)
    return reverse("kpis:my_measures", kwargs={"slug": measure.partnership.slug})


def post(client, url, measure, htmx, **fields):
    data = {"measure": measure.pk}
    data.update({f"m{measure.pk}-{name}": value for name, value in fields.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("1e20", TOO_LARGE),
        ("12345678901234567890", TOO_LARGE),
        ("1e999999", TOO_LARGE),
        ("1000000000000", TOO_LARGE),
        ("-1e20", "This number is too small"),
        ("12.345", "at most two decimal places"),
    ],
)
def test_a_count_the_column_cannot_hold_is_refused_beside_the_field(
    client, htmx, bad, message
):
    measure = MeasureFactory(name="Schools engaged")
    url = lead_on(client, measure)
    response = post(client, url, measure, htmx, value=bad, story="kept")
    page = response.content.decode()
    assert response.status_code == (200 if htmx else 400)
    assert message in page
    assert f'id="id_m{measure.pk}-value_error"' in page
    assert f'value="{bad}"' in page and "kept</textarea>" in page
    assert not QuarterlyValue.objects.exists()


def test_the_largest_count_the_column_holds_is_saved(client):
    measure = MeasureFactory(name="Schools engaged")
    url = lead_on(client, measure)
    response = post(client, url, measure, False, value="999999999999")
    assert response.status_code == 302
    assert QuarterlyValue.objects.get().value == 999999999999


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("numerator", "denominator", "field", "message"),
    [
        ("0.001", "0.003", "numerator", "at most two decimal places"),
        ("0.001", "0.003", "denominator", "at most two decimal places"),
        ("1", "1e20", "denominator", TOO_LARGE),
        ("1e999999", "1e999999", "numerator", TOO_LARGE),
    ],
)
def test_numbers_out_of_range_are_refused_beside_numerator_and_denominator(
    client, htmx, numerator, denominator, field, message
):
    measure = MeasureFactory(
        name="Pupils progressing",
        value_type=ValueType.NUMBER_AND_PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        annual_target=80,
    )
    url = lead_on(client, measure)
    response = post(
        client, url, measure, htmx, numerator=numerator, denominator=denominator
    )
    page = response.content.decode()
    assert response.status_code == (200 if htmx else 400)
    assert message in page
    assert f'id="id_m{measure.pk}-{field}_error"' in page
    assert not QuarterlyValue.objects.exists()


def test_a_breakdown_cell_too_large_to_hold_is_refused_beside_the_grid(client):
    partnership = PartnershipFactory()
    age = DimensionFactory(partnership=partnership, is_exhaustive=False)
    child = DimensionCategoryFactory(dimension=age, name="Children")
    measure = MeasureFactory(partnership=partnership, breakdown_first=age)
    url = lead_on(client, measure)
    response = post(
        client, url, measure, False, value="5", **{f"cell_{child.pk}": "1" + "0" * 19}
    )
    assert response.status_code == 400
    assert f"Children: {TOO_LARGE}" in response.content.decode()
    assert not QuarterlyValue.objects.exists()
