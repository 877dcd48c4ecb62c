"""The demo network: seed 002's action learning programme compares a shared
measure across two demo partnerships; the third's unshared figures appear
nowhere outside it."""

import pytest
from django.urls import reverse

from demo.loader import ADMIN_EMAIL
from demo.networks import NAME
from kpis.models import PerformanceMeasure
from networks.models import (
    Adoption,
    MembershipStatus,
    Network,
    NetworkMembership,
    SharedCopy,
    SharedMeasure,
)
from partnerships.models import User
from tests.demo_database import DEMO_NOW

CIVIC = "wrexham-civic-mission"
COHESION = "wrexham-community-cohesion"
WAKEFIELD = "wakefield-together"


@pytest.mark.django_db
@pytest.mark.clock(DEMO_NOW)
@pytest.mark.usefixtures("demo_database", "clock")
class TestTheDemoNetwork:
    def test_three_members_two_shared_measures_two_sharers(self):
        network = Network.objects.get(name_en=NAME)
        assert network.name_cy == "Rhaglen dysgu gweithredol NCIA"
        assert set(
            NetworkMembership.objects.filter(
                network=network, status=MembershipStatus.ACCEPTED
            ).values_list("partnership__slug", flat=True)
        ) == {CIVIC, COHESION, WAKEFIELD}
        assert SharedMeasure.objects.filter(network=network).count() == 2
        assert set(
            SharedCopy.objects.filter(network=network).values_list(
                "partnership__slug", flat=True
            )
        ) == {CIVIC, WAKEFIELD}
        adoption = Adoption.objects.get(partnership__slug=COHESION)
        assert adoption.measure.code == "O3-01" and not adoption.is_shared

    def test_the_network_page_compares_across_two_partnerships(self, client):
        admin = User.objects.get(email=ADMIN_EMAIL)
        client.force_login(admin)
        network = Network.objects.get(name_en=NAME)
        response = client.get(
            reverse("networks:network", kwargs={"slug": WAKEFIELD, "pk": network.pk})
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Wrexham University Civic Mission Partnership" in html
        assert "Wakefield Together" in html
        assert html.count("<svg") == 4
        cohesion = PerformanceMeasure.objects.get(
            partnership__slug=COHESION, code="O3-01"
        )
        assert cohesion.name not in html
        copied = {
            copy["languages"]["en-gb"]["id"]
            for copy in SharedCopy.objects.values_list("payload", flat=True)
        }
        assert cohesion.pk not in copied
        assert f'id="m{cohesion.pk}-' not in html
