"""An admin asks a second factor of every member on the Settings page; a
lead without one is then sent to add an app before the partnership's pages.
axe on the Settings page at a desktop and a phone width."""

import pytest
from playwright.sync_api import expect

from partnerships import tenancy
from partnerships.models import Partnership, Role
from tests.browser.navigation import nav_link
from tests.browser.second_factor import enrol_from_page, pass_second_factor
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.browser


def sign_in(context, email):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_an_admin_asks_every_member_and_a_lead_enrols(
    live_server, browser, transactional_db, a11y
):
    with tenancy.platform_scope():
        admin = MembershipFactory(role=Role.ADMIN)
        lead = MembershipFactory(role=Role.LEAD, partnership=admin.partnership)
    partnership = admin.partnership
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = sign_in(context, admin.user.email)
    pass_second_factor(page, admin.user.email)
    nav_link(page, "Settings").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    a11y.check(page, "Settings at 1366")
    page.get_by_label("Every member must use two-step sign-in").check()
    page.get_by_role("button", name="Save the two-step setting").click()
    expect(
        page.get_by_text("Every member must now use two-step sign-in.")
    ).to_be_visible()
    expect(page.get_by_label("Every member must use two-step sign-in")).to_be_checked()
    page.set_viewport_size({"width": 390, "height": 844})
    a11y.check(page, "Settings at 390")
    context.close()
    with tenancy.platform_scope():
        assert Partnership.objects.get(pk=partnership.pk).members_need_second_factor

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = sign_in(context, lead.user.email)
    page.wait_for_url("**/account/security/authenticator/**")
    a11y.check(page, "Enrolment asked by the partnership at 390")
    enrol_from_page(page)
    page.goto(partnership.get_absolute_url())
    expect(page).to_have_url(live_server.url + partnership.get_absolute_url())
    context.close()
    a11y.assert_clean()
