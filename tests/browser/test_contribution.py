"""The contribution map of the demo civic mission, in a real browser.

The steering-group member opens the map from the main navigation, with and
without JavaScript; axe checks each page against WCAG 2.2 AA and each is
saved as a screenshot in ``test-artifacts/``.
"""

import pytest
from playwright.sync_api import expect

from demo.loader import PASSWORD, STEERING_EMAIL
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.demo_database import DEMO_NOW

# The demo is laid out as on DEMO_TODAY, and the pages read the current year
# from today: the clock is pinned to that day (tests/conftest.py).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock(DEMO_NOW),
    pytest.mark.usefixtures("clock"),
]

SLUG = "wrexham-civic-mission"


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, email)


@pytest.mark.django_db(transaction=True)
def test_the_steering_group_reads_the_contribution_map(
    demo_database_copy, live_server, browser, a11y
):
    expect.set_options(timeout=10_000)
    for javascript in (True, False):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        sign_in(page, STEERING_EMAIL)
        nav_link(page, "Contribution").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Contribution map")
        # Seed 000 line 31: every priority serves all seven goals.
        gaps = page.get_by_role("region", name="Goals with no contribution")
        expect(gaps.get_by_role("listitem")).to_have_count(0)
        expect(gaps).to_contain_text("Every well-being goal")
        goals = page.get_by_role("table", name="against the well-being goals")
        expect(goals).to_be_visible()
        ways = page.get_by_role("table", name="against the ways of working")
        row = ways.get_by_role("row", name="The priority as a whole").nth(2)
        # Keeping well -> Prevention, the fifth way of working.
        expect(row.get_by_role("cell").nth(4)).to_have_accessible_name(
            "Contributes directly"
        )
        label = "with JavaScript" if javascript else "without JavaScript"
        a11y.check(page, f"contribution goals ({label})", javascript=javascript)

        page.get_by_role("link", name="National indicators").click()
        matrix = page.get_by_role("table", name="against the national indicators")
        headers = matrix.locator("thead th")
        expect(headers).to_have_count(1 + 16)
        expect(page.get_by_text("wording unconfirmed").first).to_be_visible()
        a11y.check(page, f"contribution indicators ({label})", javascript=javascript)
        context.close()
    a11y.assert_clean()
