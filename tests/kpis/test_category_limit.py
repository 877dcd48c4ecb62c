"""A breakdown has at most ``services.CATEGORIES_PER_DIMENSION`` categories
(5,000 were once accepted), on the set-up page and in the service that every
other path (the demo, imports to come) writes through."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kpis import services
from kpis.models import Dimension
from partnerships.models import Role
from tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

LIMIT = services.CATEGORIES_PER_DIMENSION


def post(partnership, count: int):
    client = Client()
    client.force_login(MembershipFactory(partnership=partnership, role=Role.ADMIN).user)
    return client.post(
        reverse("kpis:reporting_setup", kwargs={"slug": partnership.slug}),
        {
            "name": "Ward",
            "categories": "\n".join(f"Ward {n}" for n in range(1, count + 1)),
        },
    )


def test_the_limit_is_fifty():
    assert LIMIT == 50


def test_5000_categories_are_refused_beside_the_field():
    partnership = PartnershipFactory()
    response = post(partnership, 5000)
    assert response.status_code == 400
    assert response.context["dimension_form"].errors["categories"] == [
        "Keep a breakdown to 50 categories or fewer (this lists 5,000)."
    ]
    assert not Dimension.objects.filter(partnership=partnership).exists()


def test_fifty_categories_are_kept():
    partnership = PartnershipFactory()
    assert post(partnership, LIMIT).status_code == 302
    dimension = Dimension.objects.get(partnership=partnership)
    assert dimension.categories.count() == LIMIT


def test_the_upsert_service_refuses_more_than_the_limit():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as error:
        services.dimension_upsert(
            partnership=partnership,
            name="Ward",
            categories=[f"Ward {n}" for n in range(LIMIT + 1)],
            is_exhaustive=False,
        )
    assert "categories" in error.value.message_dict
    assert not Dimension.objects.filter(partnership=partnership).exists()


def test_adding_to_a_breakdown_cannot_pass_the_limit():
    partnership = PartnershipFactory()
    first = [f"Ward {n}" for n in range(LIMIT)]
    services.dimension_upsert(
        partnership=partnership, name="Ward", categories=first, is_exhaustive=False
    )
    with pytest.raises(ValidationError) as error:
        services.dimension_upsert(
            partnership=partnership,
            name="Ward",
            categories=["Another ward"],
            is_exhaustive=False,
        )
    assert error.value.message_dict["categories"] == [
        "Keep a breakdown to 50 categories or fewer (this lists 51)."
    ]
    assert Dimension.objects.get(partnership=partnership).categories.count() == LIMIT
