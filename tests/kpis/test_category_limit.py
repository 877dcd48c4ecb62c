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


def test_the_admin_site_keeps_a_breakdown_to_the_limit_too():
    from kpis.models import DimensionCategory
    from tests.factories import UserFactory

    partnership = PartnershipFactory()
    dimension = Dimension.objects.create(partnership=partnership, name="Ward")
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:kpis_dimension_change", args=[dimension.pk])
    page = staff.get(url).context
    form = page["adminform"].form
    prefix = page["inline_admin_formsets"][0].formset.prefix
    data = {
        "partnership": partnership.pk,
        "name": form.initial.get("name", "Ward"),
        "name_en": "Ward",
        f"{prefix}-TOTAL_FORMS": LIMIT + 1,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": LIMIT,
    }
    for n in range(LIMIT + 1):
        data[f"{prefix}-{n}-name_en"] = f"Ward {n}"
        data[f"{prefix}-{n}-name"] = f"Ward {n}"
        data[f"{prefix}-{n}-position"] = n
        data[f"{prefix}-{n}-partnership"] = partnership.pk
    response = staff.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors, "the admin site accepted more categories than the limit"
    assert not DimensionCategory.objects.filter(dimension=dimension).exists()
