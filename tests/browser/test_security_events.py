"""A partnership admin reads the partnership's security events: axe at a
desktop and a phone width."""

import pytest
from playwright.sync_api import expect

from partnerships import services, tenancy
from partnerships.models import Role
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_security_page_reads_well_wide_and_narrow(
    live_server, browser, transactional_db, a11y
):
    with tenancy.platform_scope():
        admin = MembershipFactory(role=Role.ADMIN)
        services.membership_grant(
            partnership=admin.partnership,
            user=UserFactory(email="new.lead@example.org"),
            role=Role.LEAD,
            actor=admin.user,
        )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(admin.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, admin.user.email)
    nav_link(page, "Security").click()
    expect(page.get_by_role("heading", name="Security events", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="new.lead@example.org")).to_be_visible()
    a11y.check(page, "Security events at 1366")
    page.set_viewport_size({"width": 390, "height": 844})
    a11y.check(page, "Security events at 390")
    context.close()
    a11y.assert_clean()
