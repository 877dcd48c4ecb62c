"""The API holds both languages: English as ``name``, Welsh as ``name_cy``."""

import pytest
from django.urls import reverse

from kpis.models import PerformanceMeasure
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    PriorityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    partnership = PartnershipFactory(slug="north")
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    measure = MeasureFactory(
        partnership=partnership, code="CR-01", name="Schools", name_cy="Ysgolion"
    )
    return partnership, admin, lead, measure


def test_a_measure_reads_in_both_languages_whatever_the_request_asks(client, setup):
    _partnership, admin, _lead, _measure = setup
    url = reverse("api:measure_detail", kwargs={"slug": "north", "code": "CR-01"})
    for language in ("en-GB", "cy"):
        body = client.get(url, headers={**bearer(admin), "Accept-Language": language})
        data = body.json()
        assert (data["name"], data["name_cy"]) == ("Schools", "Ysgolion")
        assert data["definition_cy"] is None


def test_priorities_read_in_both_languages(client, setup):
    partnership, admin, _lead, _measure = setup
    PriorityFactory(partnership=partnership, name="Keeping well", name_cy="Cadw'n iach")
    url = reverse("api:priority_list", kwargs={"slug": "north"})
    rows = client.get(url, headers=bearer(admin)).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert {(r["name"], r["name_cy"]) for r in rows} >= {
        ("Keeping well", "Cadw'n iach")
    }


def test_an_admin_sets_a_welsh_text_through_the_service(client, setup):
    _partnership, admin, _lead, measure = setup
    url = reverse("api:welsh_text_set", kwargs={"slug": "north"})
    response = post_json(
        client,
        url,
        {
            "kind": "measure",
            "id": measure.pk,
            "field": "definition",
            "text": "Diffiniad",
        },
        bearer(admin),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "Diffiniad"
    assert PerformanceMeasure.objects.get(pk=measure.pk).definition_cy == "Diffiniad"


def test_bad_welsh_texts_are_refused_with_a_precise_error(client, setup):
    partnership, admin, lead, measure = setup
    url = reverse("api:welsh_text_set", kwargs={"slug": "north"})
    too_long = post_json(
        client,
        url,
        {"kind": "measure", "id": measure.pk, "field": "unit", "text": "x" * 61},
        bearer(admin),
    )
    assert too_long.status_code == 400
    assert "text" in too_long.json()["errors"]
    not_its = post_json(
        client,
        url,
        {"kind": "priority", "id": measure.pk, "field": "unit", "text": "x"},
        bearer(admin),
    )
    assert not_its.status_code in (400, 404)
    lead_tries = post_json(
        client,
        url,
        {"kind": "measure", "id": measure.pk, "field": "name", "text": "x"},
        bearer(lead),
    )
    assert lead_tries.status_code == 403
    theirs = MeasureFactory(partnership=PartnershipFactory(slug="south"))
    other = post_json(
        client,
        url,
        {"kind": "measure", "id": theirs.pk, "field": "name", "text": "x"},
        bearer(admin),
    )
    assert other.status_code == 404
    assert PerformanceMeasure.objects.get(pk=measure.pk).unit_cy is None
    assert PerformanceMeasure.objects.get(pk=theirs.pk).name_cy is None
