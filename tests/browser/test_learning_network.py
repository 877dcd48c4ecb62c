"""End to end (issue 16): an admin accepts a learning network's invitation,
adopts a shared measure with one of the partnership's measures and shares
it; a member of another partnership in the network then sees its curve
beside their own, in English and Welsh. axe checks every page at 1366x900
and 390x844; screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from networks import services
from networks.models import SharedCopy
from partnerships import tenancy
from partnerships.models import Role
from tests.browser.flows import check_both_sizes, sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.networks.conftest import _member, join

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]


@pytest.fixture
def setting(transactional_db):
    with tenancy.platform_scope():
        staff = UserFactory(is_staff=True)
        network = services.network_save(
            actor=staff,
            english={"name": "Action learning", "description": "Learning together."},
            welsh={"name": "Dysgu gweithredol", "description": "Dysgu gyda'n gilydd."},
        )
        shared = services.shared_measure_save(
            actor=staff,
            network=network,
            question="how_much",
            value_type="count",
            english={"name": "Volunteers recruited", "definition": "People."},
            welsh={"name": "Gwirfoddolwyr a recriwtiwyd", "definition": "Pobl."},
        )
        ours = _member("Conwy Together", [12, 14, 3, 20], story="Our open day.")
        theirs = _member("Gwynedd Together", [30, 31, 22, 40], story="Their fair.")
        join(network, theirs, staff)
        services.adoption_set(
            partnership=theirs.partnership,
            membership=theirs.admin,
            actor=theirs.admin.user,
            shared_measure=shared,
            measure_id=theirs.measure.pk,
            is_shared=True,
        )
        services.network_invite(
            actor=staff, network=network, partnership=ours.partnership
        )
        viewer = MembershipFactory(partnership=theirs.partnership, role=Role.VIEWER)
    return network, shared, ours, theirs, viewer, staff


def test_an_admin_joins_adopts_and_shares_and_another_member_sees_it(
    setting, live_server, browser, a11y
):
    network, shared, ours, theirs, viewer, staff = setting
    expect.set_options(timeout=10_000)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, ours.admin.user.email)
    page.goto(f"/p/{ours.partnership.slug}/networks/")
    check_both_sizes(page, a11y, "networks with an invitation")
    page.get_by_role("button", name="Join Action learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action learning")
    expect(page.get_by_role("heading", name="Gwynedd Together")).to_be_visible()
    check_both_sizes(page, a11y, "network page before sharing")
    page.get_by_role("link", name="Adopt this measure").click()
    page.get_by_label("Your measure", exact=True).select_option(
        label=f"{ours.measure.code} Conwy Together volunteers"
    )
    page.get_by_label("Share this measure's figures with the network").check()
    check_both_sizes(page, a11y, "adopting a shared measure")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Its figures are shared with the network")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Conwy Together (your partnership)")
    ).to_be_visible()
    with tenancy.platform_scope():
        assert SharedCopy.objects.filter(partnership=ours.partnership).exists()
    context.close()

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, viewer.user.email)
    page.goto(f"/p/{theirs.partnership.slug}/networks/{network.pk}/")
    ours_copy = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Conwy Together")
    )
    expect(ours_copy.locator("svg")).to_be_visible()
    expect(ours_copy.get_by_text("fewer than 5").first).to_be_visible()
    expect(ours_copy.get_by_text("Our open day.")).to_be_visible()
    # A viewer reads the network; only admins adopt, share or leave.
    expect(page.get_by_role("link", name="Adopt this measure")).to_have_count(0)
    check_both_sizes(page, a11y, "network page of another member")
    page.goto(f"/cy/p/{theirs.partnership.slug}/networks/{network.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dysgu gweithredol")
    expect(page.get_by_text("llai na 5").first).to_be_visible()
    check_both_sizes(page, a11y, "network page in Welsh")
    for viewport in ({"width": 1366, "height": 900}, {"width": 390, "height": 844}):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], width
    context.close()

    # Platform staff's pages: the network, its members and its library.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, staff.email)
    page.goto("/staff/networks/")
    page.get_by_role("button", name="Create the network").click()
    expect(page.locator("#id_name_en_error")).to_be_visible()
    check_both_sizes(page, a11y, "staff networks with an error")
    page.get_by_role("link", name="Action learning").click()
    expect(page.get_by_role("cell", name="Member")).to_have_count(2)
    check_both_sizes(page, a11y, "staff network")
    page.get_by_role("link", name="Volunteers recruited").click()
    check_both_sizes(page, a11y, "staff shared measure")
    context.close()
    a11y.assert_clean()
