"""The demo: the civic mission's public page, a small count in a breakdown
shown as "fewer than 5" and not recoverable from the open data; Community
Cohesion unpublished."""

import pytest
from django.urls import reverse

from kpis.models import PerformanceMeasure
from tests.demo_database import DEMO_NOW

CIVIC = "wrexham-civic-mission"
COHESION = "wrexham-community-cohesion"


@pytest.mark.django_db
@pytest.mark.clock(DEMO_NOW)
@pytest.mark.usefixtures("demo_database", "clock")
class TestTheDemoPublicPage:
    def test_civic_mission_is_published_with_a_small_count_withheld(self, client):
        page = client.get(reverse("public:page", kwargs={"slug": CIVIC}))
        assert page.status_code == 200
        measure = PerformanceMeasure.objects.get(partnership__slug=CIVIC, code="CR-06")
        html = client.get(
            reverse("public:measure", kwargs={"slug": CIVIC, "pk": measure.pk})
        ).content.decode()
        assert "Looked after children" in html
        assert "fewer than 5" in html
        data = client.get(
            reverse("public:open_data_json", kwargs={"slug": CIVIC})
        ).json()
        cells = [
            f for f in data["figures"] if f["measure_code"] == "CR-06" and f["category"]
        ]
        small = [f for f in cells if f["disclosure"] == "small"]
        assert small and all(f["value"] is None for f in small)

    def test_community_cohesion_stays_unpublished(self, client):
        for name in ("public:page", "public:open_data_csv", "public:open_data_json"):
            assert (
                client.get(reverse(name, kwargs={"slug": COHESION})).status_code == 404
            )
