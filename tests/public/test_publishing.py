"""The publishing page: admins only; choices limited to the partnership's own."""

import pytest
from django.urls import reverse

from partnerships.models import Role
from public.models import Publication, PublishedMeasure
from tests.factories import MeasureFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_nothing_is_published_by_default(client):
    measure = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse(
        "publishing:publishing", kwargs={"slug": measure.partnership.slug}
    )
    page = client.get(address)
    assert page.status_code == 200
    assert 'name="is_published"' in page.content.decode()
    assert "checked" not in page.content.decode().split('name="is_published"')[1][:40]
    assert not Publication.objects.filter(partnership=measure.partnership).exists()


def test_admin_publishes_chosen_measures(client):
    measure = MeasureFactory()
    partnership = measure.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse("publishing:publishing", kwargs={"slug": partnership.slug})
    response = client.post(
        address, {"is_published": "on", "threshold": "10", "measures": [measure.pk]}
    )
    assert response.status_code == 302
    publication = Publication.objects.get(partnership=partnership)
    assert publication.is_published and publication.threshold == 10
    assert list(
        PublishedMeasure.objects.filter(partnership=partnership).values_list(
            "measure_id", flat=True
        )
    ) == [measure.pk]


def test_another_partnerships_measure_cannot_be_published(client):
    measure = MeasureFactory()
    stranger = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse(
        "publishing:publishing", kwargs={"slug": measure.partnership.slug}
    )
    response = client.post(
        address, {"is_published": "on", "threshold": "5", "measures": [stranger.pk]}
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert not Publication.objects.filter(partnership=measure.partnership).exists()


@pytest.mark.parametrize("threshold", ["1", "101", "five", ""])
def test_a_bad_threshold_is_refused_beside_the_field(client, threshold):
    measure = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse(
        "publishing:publishing", kwargs={"slug": measure.partnership.slug}
    )
    response = client.post(address, {"is_published": "on", "threshold": threshold})
    assert response.status_code == 400
    assert 'id="id_threshold-error"' in response.content.decode()
    assert not Publication.objects.filter(partnership=measure.partnership).exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_publish(client, role):
    measure = MeasureFactory()
    member = MembershipFactory(partnership=measure.partnership, role=role)
    client.force_login(member.user)
    address = reverse(
        "publishing:publishing", kwargs={"slug": measure.partnership.slug}
    )
    assert client.get(address).status_code == 403
    assert (
        client.post(address, {"is_published": "on", "threshold": "5"}).status_code
        == 403
    )
    assert not Publication.objects.filter(partnership=measure.partnership).exists()


def test_another_partnerships_publishing_page_is_404(client):
    measure = MeasureFactory()
    admin = MembershipFactory(role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse(
        "publishing:publishing", kwargs={"slug": measure.partnership.slug}
    )
    assert client.get(address).status_code == 404


def test_the_api_publishes_as_the_page_does(client):
    measure = MeasureFactory()
    partnership = measure.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse("api:publication", kwargs={"slug": partnership.slug})
    assert client.get(address).json()["is_published"] is False
    response = client.put(
        address,
        {"is_published": True, "threshold": 5, "measure_ids": [measure.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["measure_ids"] == [measure.pk]
    assert response.json()["public_url"] == f"/public/{partnership.slug}/"


def test_the_api_refuses_another_partnerships_measure_and_bad_thresholds(client):
    measure = MeasureFactory()
    stranger = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse("api:publication", kwargs={"slug": measure.partnership.slug})
    for body in (
        {"is_published": True, "threshold": 5, "measure_ids": [stranger.pk]},
        {"is_published": True, "threshold": 1},
    ):
        response = client.put(address, body, content_type="application/json")
        assert response.status_code == 400, response.content
    assert not Publication.objects.filter(partnership=measure.partnership).exists()


def test_the_api_lets_only_admins_publish(client):
    measure = MeasureFactory()
    viewer = MembershipFactory(partnership=measure.partnership, role=Role.VIEWER)
    client.force_login(viewer.user)
    address = reverse("api:publication", kwargs={"slug": measure.partnership.slug})
    assert client.get(address).status_code == 200
    response = client.put(
        address, {"is_published": True, "threshold": 5}, content_type="application/json"
    )
    assert response.status_code == 403
    other = MeasureFactory().partnership
    assert (
        client.get(reverse("api:publication", kwargs={"slug": other.slug})).status_code
        == 404
    )


def test_settings_link_to_the_publishing_page(client):
    measure = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    slug = measure.partnership.slug
    html = client.get(
        reverse("kpis:partnership_settings", kwargs={"slug": slug})
    ).content.decode()
    assert reverse("publishing:publishing", kwargs={"slug": slug}) in html
