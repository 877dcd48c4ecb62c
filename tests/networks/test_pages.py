"""The network pages: members only, copies only, both languages."""

import pytest
from django.urls import reverse

from kpis.models import ValueType
from networks import services
from networks.models import Adoption, MembershipStatus, NetworkMembership, SharedCopy
from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory, UserFactory

from .conftest import _member, adopt, join

pytestmark = pytest.mark.django_db


def _page(three, member, language=""):
    address = reverse(
        "networks:network",
        kwargs={"slug": member.partnership.slug, "pk": three.network.pk},
    )
    return f"/cy{address}" if language == "cy" else address


def test_a_member_sees_the_others_shared_curves_side_by_side(client, three):
    client.force_login(three.quiet.admin.user)
    response = client.get(_page(three, three.quiet))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ours" in html and "Theirs" in html
    assert html.count("<svg") == 2
    assert "fewer than 5" in html
    assert "Their open day brought many." in html
    # Its own unshared figures and stories are not on the network page.
    assert "779" not in html and "Quiet secret story" not in html


def test_another_partnerships_unshared_figures_appear_nowhere(client, three):
    client.force_login(three.ours.admin.user)
    html = client.get(_page(three, three.ours)).content.decode()
    api = client.get(
        reverse(
            "api:network_detail",
            kwargs={"slug": three.ours.partnership.slug, "pk": three.network.pk},
        )
    ).content.decode()
    for text in (html, api):
        assert "Quiet secret story" not in text
        assert "779" not in text and "Quiet volunteers" not in text


def test_the_network_page_in_welsh(client, three):
    client.force_login(three.quiet.admin.user)
    response = client.get(_page(three, three.quiet, "cy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dysgu gweithredol" in html and "Gwirfoddolwyr" in html
    assert 'lang="cy"' in html
    assert "Rhwydweithiau dysgu" in html and "Gadael Dysgu gweithredol" in html
    assert "llai na 5" in html and "fewer than 5" not in html


@pytest.mark.parametrize("who", ["outsider", "invited", "declined", "left"])
def test_a_network_the_partnership_is_not_in_is_a_404(client, three, who):
    member = three.outsider
    if who in ("invited", "declined"):
        services.network_invite(
            actor=three.staff, network=three.network, partnership=member.partnership
        )
    if who == "declined":
        services.invitation_respond(
            partnership=member.partnership,
            membership=member.admin,
            network_id=three.network.pk,
            accept=False,
        )
    if who == "left":
        member = three.theirs
        services.network_leave(
            partnership=member.partnership,
            membership=member.admin,
            network_id=three.network.pk,
        )
    client.force_login(member.admin.user)
    assert client.get(_page(three, member)).status_code == 404
    adoption = reverse(
        "networks:adoption",
        kwargs={
            "slug": member.partnership.slug,
            "pk": three.network.pk,
            "measure_pk": three.shared.pk,
        },
    )
    assert client.get(adoption).status_code == 404
    api = reverse(
        "api:network_detail",
        kwargs={"slug": member.partnership.slug, "pk": three.network.pk},
    )
    assert client.get(api).status_code == 404


def test_another_networks_id_is_a_404(client, three):
    other = services.network_save(
        actor=three.staff, english={"name": "Other"}, welsh={}
    )
    join(other, three.outsider, three.staff)
    client.force_login(three.quiet.admin.user)
    address = reverse(
        "networks:network",
        kwargs={"slug": three.quiet.partnership.slug, "pk": other.pk},
    )
    assert client.get(address).status_code == 404


def test_a_shared_measure_of_another_network_is_a_404(client, three):
    other = services.network_save(
        actor=three.staff, english={"name": "Other"}, welsh={}
    )
    elsewhere = services.shared_measure_save(
        actor=three.staff,
        network=other,
        question="how_much",
        value_type=ValueType.COUNT,
        english={"name": "Elsewhere"},
        welsh={},
    )
    client.force_login(three.quiet.admin.user)
    address = reverse(
        "networks:adoption",
        kwargs={
            "slug": three.quiet.partnership.slug,
            "pk": three.network.pk,
            "measure_pk": elsewhere.pk,
        },
    )
    assert client.get(address).status_code == 404


def test_an_admin_accepts_an_invitation_on_the_networks_page(client, three):
    member = three.outsider
    services.network_invite(
        actor=three.staff, network=three.network, partnership=member.partnership
    )
    client.force_login(member.admin.user)
    listing = reverse("networks:networks", kwargs={"slug": member.partnership.slug})
    assert "Join Action learning" in client.get(listing).content.decode()
    response = client.post(
        reverse(
            "networks:respond",
            kwargs={"slug": member.partnership.slug, "pk": three.network.pk},
        ),
        {"response": "accept"},
    )
    assert response.status_code == 302
    assert (
        NetworkMembership.objects.get(partnership=member.partnership).status
        == MembershipStatus.ACCEPTED
    )
    assert client.get(_page(three, member)).status_code == 200


def test_a_viewer_cannot_answer_an_invitation(client, three):
    member = three.outsider
    services.network_invite(
        actor=three.staff, network=three.network, partnership=member.partnership
    )
    viewer = MembershipFactory(partnership=member.partnership, role=Role.VIEWER)
    client.force_login(viewer.user)
    response = client.post(
        reverse(
            "networks:respond",
            kwargs={"slug": member.partnership.slug, "pk": three.network.pk},
        ),
        {"response": "accept"},
    )
    assert response.status_code == 403
    assert (
        NetworkMembership.objects.get(partnership=member.partnership).status
        == MembershipStatus.INVITED
    )


def _adoption_url(three, member):
    return reverse(
        "networks:adoption",
        kwargs={
            "slug": member.partnership.slug,
            "pk": three.network.pk,
            "measure_pk": three.shared.pk,
        },
    )


def test_an_incompatible_measure_is_refused_beside_the_field(client, three):
    rate = MeasureFactory(
        partnership=three.quiet.partnership,
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target=50,
    )
    client.force_login(three.quiet.admin.user)
    response = client.post(
        _adoption_url(three, three.quiet), {"measure": str(rate.pk), "is_shared": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_measure_error"' in html and "kind that compares" in html
    adoption = Adoption.objects.get(partnership=three.quiet.partnership)
    assert adoption.measure_id == three.quiet.measure.pk and not adoption.is_shared


def test_a_new_measure_needs_a_code_and_priority(client, three):
    client.force_login(three.quiet.admin.user)
    response = client.post(_adoption_url(three, three.quiet), {"measure": "new"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_new_code_error"' in html and 'id="id_new_priority_error"' in html


def test_an_admin_shares_on_the_adoption_page(client, three):
    client.force_login(three.quiet.admin.user)
    response = client.post(
        _adoption_url(three, three.quiet),
        {"measure": str(three.quiet.measure.pk), "is_shared": "on"},
    )
    assert response.status_code == 302
    assert SharedCopy.objects.filter(partnership=three.quiet.partnership).exists()
    client.force_login(three.ours.admin.user)
    assert "Quiet secret story" in client.get(_page(three, three.ours)).content.decode()


def test_the_network_pages_queries_do_not_grow_with_its_members(
    client, three, django_assert_max_num_queries
):
    client.force_login(three.quiet.admin.user)
    client.get(_page(three, three.quiet))
    # One bound for two sharing partnerships and for four.
    bound = 16
    with django_assert_max_num_queries(bound):
        client.get(_page(three, three.quiet))
    for name in ("Fourth", "Fifth"):
        extra = _member(name, [10, 11, 12, 13])
        join(three, extra, three.staff)
        adopt(three, extra, share=True)
    client.get(_page(three, three.quiet))
    with django_assert_max_num_queries(bound):
        response = client.get(_page(three, three.quiet))
    assert response.content.decode().count("<svg") == 4


def test_staff_run_networks_on_their_pages(client, three):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    listing = reverse("networks_staff:networks")
    response = client.post(listing, {"name_en": "", "name_cy": "Dim"})
    assert response.status_code == 400
    assert 'id="id_name_en_error"' in response.content.decode()
    response = client.post(listing, {"name_en": "New network", "name_cy": "Rhwydwaith"})
    assert response.status_code == 302
    address = response.url
    response = client.post(
        address, {"form": "invite", "partnership": three.outsider.partnership.pk}
    )
    assert response.status_code == 302
    response = client.post(
        address,
        {
            "form": "measure",
            "name_en": "Events",
            "question": "how_much",
            "value_type": "count",
        },
    )
    assert response.status_code == 302
    page = client.get(address).content.decode()
    assert "Events" in page and three.outsider.partnership.name in page


def test_only_staff_open_the_staff_pages(client, three):
    client.force_login(three.ours.admin.user)
    assert client.get(reverse("networks_staff:networks")).status_code == 403
    assert (
        client.get(
            reverse("networks_staff:network", kwargs={"pk": three.network.pk})
        ).status_code
        == 403
    )
