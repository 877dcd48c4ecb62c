"""The admin's set-up page: breakdown dimensions, and each measure's checks."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from kpis import recording, services
from kpis.models import Dimension, ValueType
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def client_for(partnership, role) -> tuple[Client, object]:
    user = MembershipFactory(partnership=partnership, role=role).user
    client = Client()
    client.force_login(user)
    return client, user


def setup_url(partnership) -> str:
    return reverse("kpis:reporting_setup", kwargs={"slug": partnership.slug})


def checks_url(measure) -> str:
    return reverse(
        "kpis:measure_checks",
        kwargs={"slug": measure.partnership.slug, "pk": measure.pk},
    )


def test_an_admin_adds_a_breakdown_with_its_categories_in_order():
    partnership = PartnershipFactory()
    client, _admin = client_for(partnership, Role.ADMIN)
    response = client.post(
        setup_url(partnership),
        {
            "name": "Age group",
            "categories": "Children\n Young people \n\nAdults",
            "is_exhaustive": "on",
        },
    )
    assert response.status_code == 302
    dimension = Dimension.objects.get(partnership=partnership)
    assert dimension.is_exhaustive
    assert [c.name for c in dimension.categories.all()] == [
        "Children",
        "Young people",
        "Adults",
    ]
    page = client.get(setup_url(partnership)).content.decode()
    assert "Children; Young people; Adults" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "categories": "A\nB"}, "name", "Give the breakdown a name"),
        ({"name": "Area", "categories": "Only one"}, "categories", "at least two"),
        (
            {"name": "Area", "categories": "North\nnorth"},
            "categories",
            "only be listed once",
        ),
    ],
)
def test_a_bad_breakdown_is_explained_beside_the_field(data, field, message):
    partnership = PartnershipFactory()
    client, _admin = client_for(partnership, Role.ADMIN)
    response = client.post(setup_url(partnership), data)
    assert response.status_code == 400
    assert message in response.context["dimension_form"].errors[field][0]
    assert not Dimension.objects.filter(partnership=partnership).exists()


def test_a_second_breakdown_with_the_same_name_is_refused():
    partnership = PartnershipFactory()
    DimensionFactory(partnership=partnership, name="Area")
    client, _admin = client_for(partnership, Role.ADMIN)
    response = client.post(
        setup_url(partnership), {"name": "area", "categories": "North\nSouth"}
    )
    assert response.status_code == 400
    assert "already a breakdown" in response.context["dimension_form"].errors["name"][0]


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
def test_only_admins_see_or_change_the_set_up(role):
    partnership = PartnershipFactory()
    measure = MeasureFactory(partnership=partnership)
    client, _user = client_for(partnership, role)
    assert client.get(setup_url(partnership)).status_code == 403
    assert client.post(checks_url(measure), {}).status_code == 403


def test_another_partnerships_measure_is_not_found():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    client, _admin = client_for(ours, Role.ADMIN)
    their_measure = MeasureFactory(partnership=theirs)
    response = client.post(
        reverse(
            "kpis:measure_checks", kwargs={"slug": ours.slug, "pk": their_measure.pk}
        ),
        {},
    )
    assert response.status_code == 404


def test_an_admin_breaks_a_count_down_and_sets_its_threshold():
    partnership = PartnershipFactory()
    measure = MeasureFactory(partnership=partnership, value_type=ValueType.COUNT)
    age = DimensionFactory(partnership=partnership, name="Age group")
    area = DimensionFactory(partnership=partnership, name="Area")
    client, _admin = client_for(partnership, Role.ADMIN)
    prefix = f"c{measure.pk}"
    response = client.post(
        checks_url(measure),
        {
            f"{prefix}-breakdown_first": age.pk,
            f"{prefix}-breakdown_second": area.pk,
            f"{prefix}-change_threshold": "25",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.breakdown_first, measure.breakdown_second) == (age, area)
    assert measure.change_threshold == 25


def test_another_partnerships_dimension_is_not_a_choice():
    ours, theirs = PartnershipFactory(), PartnershipFactory()
    measure = MeasureFactory(partnership=ours, value_type=ValueType.COUNT)
    theirs_dimension = DimensionFactory(partnership=theirs)
    client, _admin = client_for(ours, Role.ADMIN)
    response = client.post(
        checks_url(measure), {f"c{measure.pk}-breakdown_first": theirs_dimension.pk}
    )
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.breakdown_first is None


def test_the_same_breakdown_twice_is_refused_beside_the_field():
    partnership = PartnershipFactory()
    measure = MeasureFactory(partnership=partnership, value_type=ValueType.COUNT)
    age = DimensionFactory(partnership=partnership)
    client, _admin = client_for(partnership, Role.ADMIN)
    prefix = f"c{measure.pk}"
    response = client.post(
        checks_url(measure),
        {f"{prefix}-breakdown_first": age.pk, f"{prefix}-breakdown_second": age.pk},
    )
    assert response.status_code == 400
    assert "two different" in response.content.decode()
    measure.refresh_from_db()
    assert measure.breakdown_first is None


def test_a_breakdown_in_use_cannot_change():
    partnership = PartnershipFactory()
    measure = MeasureFactory(partnership=partnership, value_type=ValueType.COUNT)
    age = DimensionFactory(partnership=partnership, is_exhaustive=True)
    child = DimensionCategoryFactory(dimension=age)
    adult = DimensionCategoryFactory(dimension=age)
    client, admin = client_for(partnership, Role.ADMIN)
    services.measure_checks_update(
        partnership=partnership,
        actor=admin,
        measure=measure,
        breakdown_first=age,
        breakdown_second=None,
        change_threshold=None,
    )
    period = services.period_get_or_create(
        partnership=partnership, quarter=current_quarter(partnership=partnership)
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=period,
        actor=admin,
        value=D(5),
        breakdown={str(child.pk): 2, str(adult.pk): 3},
    )
    response = client.post(checks_url(measure), {f"c{measure.pk}-breakdown_first": ""})
    assert response.status_code == 400
    assert "cannot change" in response.content.decode()
    measure.refresh_from_db()
    assert measure.breakdown_first == age


def test_a_percentage_measure_offers_no_breakdown():
    partnership = PartnershipFactory()
    measure = MeasureFactory(
        partnership=partnership,
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
    )
    client, _admin = client_for(partnership, Role.ADMIN)
    page = client.get(setup_url(partnership)).content.decode()
    assert f"c{measure.pk}-breakdown_first" not in page
    assert f"c{measure.pk}-change_threshold" in page
