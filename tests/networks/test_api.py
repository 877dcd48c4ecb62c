"""The networks through the API: the pages' services, the same guards."""

import pytest
from django.urls import reverse

from kpis.models import ValueType
from networks import services
from networks.models import MembershipStatus, NetworkMembership, SharedCopy
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import MeasureFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _url(name, member, **kwargs):
    return reverse(f"api:{name}", kwargs={"slug": member.partnership.slug, **kwargs})


def test_the_list_shows_invitations_and_networks(client, three):
    services.network_invite(
        actor=three.staff, network=three.network, partnership=three.outsider.partnership
    )
    headers = bearer(three.outsider.admin.user)
    response = client.get(_url("network_list", three.outsider), headers=headers)
    assert response.status_code == 200
    assert response.json() == [
        {
            "network_id": three.network.pk,
            "name": "Action learning",
            "description": "Twelve partnerships.",
            "status": "invited",
        }
    ]


def test_a_member_reads_the_others_shared_figures(client, three):
    headers = bearer(three.quiet.admin.user)
    response = client.get(
        _url("network_detail", three.quiet, pk=three.network.pk), headers=headers
    )
    assert response.status_code == 200
    (shared,) = response.json()["shared_measures"]
    assert shared["adopted_measure_id"] == three.quiet.measure.pk
    assert shared["is_shared"] is False
    assert [s["partnership"] for s in shared["shared"]] == ["Ours", "Theirs"]
    assert "779" not in response.content.decode()


def test_a_non_member_gets_a_404(client, three):
    headers = bearer(three.outsider.admin.user)
    for name, kwargs in (
        ("network_detail", {"pk": three.network.pk}),
        ("network_leave", {"pk": three.network.pk}),
        ("network_adoption", {"pk": three.network.pk, "measure_pk": three.shared.pk}),
    ):
        url = _url(name, three.outsider, **kwargs)
        if name == "network_detail":
            response = client.get(url, headers=headers)
        elif name == "network_leave":
            response = post_json(client, url, {}, headers)
        else:
            response = client.put(
                url,
                {"measure_id": three.outsider.measure.pk},
                content_type="application/json",
                headers=headers,
            )
        assert response.status_code == 404, name


def test_an_admin_accepts_through_the_api(client, three):
    services.network_invite(
        actor=three.staff, network=three.network, partnership=three.outsider.partnership
    )
    headers = bearer(three.outsider.admin.user)
    url = _url("network_response", three.outsider, pk=three.network.pk)
    assert post_json(client, url, {"accept": "maybe"}, headers).status_code == 400
    response = post_json(client, url, {"accept": True}, headers)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    # Answered: no open invitation is left.
    assert post_json(client, url, {"accept": False}, headers).status_code == 404


def test_a_viewer_cannot_accept_through_the_api(client, three):
    services.network_invite(
        actor=three.staff, network=three.network, partnership=three.outsider.partnership
    )
    viewer = MembershipFactory(partnership=three.outsider.partnership, role=Role.VIEWER)
    url = _url("network_response", three.outsider, pk=three.network.pk)
    response = post_json(client, url, {"accept": True}, bearer(viewer.user))
    assert response.status_code == 403
    assert (
        NetworkMembership.objects.get(partnership=three.outsider.partnership).status
        == MembershipStatus.INVITED
    )


def test_adopting_and_sharing_through_the_api(client, three):
    headers = bearer(three.quiet.admin.user)
    url = _url(
        "network_adoption", three.quiet, pk=three.network.pk, measure_pk=three.shared.pk
    )
    rate = MeasureFactory(
        partnership=three.quiet.partnership,
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target=50,
    )
    response = client.put(
        url,
        {"measure_id": rate.pk, "is_shared": True},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert "kind that compares" in response.json()["errors"]["measure"][0]
    assert not SharedCopy.objects.filter(partnership=three.quiet.partnership).exists()
    response = client.put(
        url,
        {"measure_id": three.quiet.measure.pk, "is_shared": True},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    (shared,) = response.json()["shared_measures"]
    assert shared["is_shared"] is True
    assert "Quiet" in [s["partnership"] for s in shared["shared"]]
    assert client.delete(url, headers=headers).status_code == 204
    assert not SharedCopy.objects.filter(partnership=three.quiet.partnership).exists()


def test_leaving_through_the_api_withdraws_the_copies(client, three):
    headers = bearer(three.ours.admin.user)
    url = _url("network_leave", three.ours, pk=three.network.pk)
    response = post_json(client, url, {}, headers)
    assert response.status_code == 200 and response.json()["status"] == "left"
    assert not SharedCopy.objects.filter(partnership=three.ours.partnership).exists()
