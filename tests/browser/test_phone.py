"""The demo on a phone (390x844) and a desktop (1366x900): one header row
with a menu button on the phone, the full navigation on the desktop, the
status badges on screen and the chart labels readable; checked by axe.
Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from demo.loader import ADMIN_EMAIL, PASSWORD
from kpis.models import PerformanceMeasure
from partnerships import tenancy
from tests.browser.second_factor import pass_second_factor
from tests.demo_database import DEMO_NOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock(DEMO_NOW),
    pytest.mark.usefixtures("clock"),
]

SLUG = "wrexham-civic-mission"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Each chart label's size on screen: its font size in the SVG's user units
# times the scale at which the browser draws the SVG.
CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll("figure.chart svg text"))
  .filter((text) => text.getClientRects().length > 0)
  .map((text) => parseFloat(getComputedStyle(text).fontSize)
    * text.ownerSVGElement.getScreenCTM().a)"""

# The right edge of every status badge the page shows, and how wide the
# page can scroll.
STATUS_RIGHT_EDGES = """() => Array.from(document.querySelectorAll("main .status, main .review"))
  .filter((badge) => badge.getClientRects().length > 0
    && !badge.closest("details:not([open])"))
  .map((badge) => badge.getBoundingClientRect().right)"""


def _sign_in(context):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, ADMIN_EMAIL)
    return page


def _pages(measure_pk: int) -> dict[str, str]:
    return {
        "dashboard": f"/p/{SLUG}/",
        "measure page": f"/p/{SLUG}/measures/{measure_pk}/",
        "my measures": f"/p/{SLUG}/my-measures/",
        "quarter": f"/p/{SLUG}/quarter/",
    }


WIDE_TABLES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => w.querySelector('table')?.className)"""

NAME_NOT_CUT_SIDEWAYS = """() => {
  // Wrapped to two lines, not cut off sideways after a few letters.
  const name = document.querySelector('.site-header__partnership');
  return name.scrollWidth <= name.clientWidth + 1;
}"""


def _assert_status_on_screen(page, label: str) -> None:
    width = page.viewport_size["width"]
    edges = page.evaluate(STATUS_RIGHT_EDGES)
    assert all(edge <= width for edge in edges), (label, edges)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (label, scroll_width)


@pytest.mark.django_db(transaction=True)
def test_the_demo_on_a_phone_and_a_desktop(
    demo_database_copy, live_server, browser, a11y, artifacts_dir
):
    expect.set_options(timeout=10_000)
    with tenancy.platform_scope():
        measure = PerformanceMeasure.objects.filter(
            partnership__slug=SLUG, is_headline=True
        ).first()

    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = _sign_in(context)
    pages = _pages(measure.pk)
    for label, path in pages.items():
        page.goto(path)
        if label == "dashboard":
            page.screenshot(path=str(artifacts_dir / "phone-dashboard-390.png"))
        nav = page.get_by_role("navigation", name="Main")
        menu = nav.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(nav.get_by_role("link", name="Dashboard")).to_be_hidden()
        # One row: the header is no taller than its tallest item.
        header = page.locator(".site-header__inner").bounding_box()
        button = menu.bounding_box()
        assert header["height"] < button["height"] + 30, header
        # The language switch stays in the header row, outside the menu.
        expect(page.locator(".site-header .language-switch button")).to_be_visible()
        _assert_status_on_screen(page, label)
        # No table scrolls sideways on a phone (the Quarter page's counts by
        # lead and by organisation stack as cards too).
        wide = page.evaluate(WIDE_TABLES)
        assert not wide, (label, wide)
        # The partnership's name wraps rather than being cut off after a
        # few letters.
        assert page.evaluate(NAME_NOT_CUT_SIDEWAYS), label
        sizes = page.evaluate(CHART_TEXT_SIZES)
        if label == "measure page":
            assert sizes, "the measure page draws a chart"
        assert all(size >= 11 for size in sizes), (label, min(sizes, default=None))
        a11y.check(page, f"{label} at 390")

    page.goto(pages["dashboard"])
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    # The account's pages are in a menu of their own inside it, opened and
    # closed from the keyboard.
    account = nav.locator("summary", has_text="Account")
    expect(nav.get_by_role("link", name="Your account")).to_be_hidden()
    account.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Your account")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "phone-dashboard-390-menu.png"))
    a11y.check(page, "dashboard at 390, menu open")
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Your account")).to_be_hidden()
    expect(account).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name="Dashboard")).to_be_hidden()
    context.close()

    # Without JavaScript the Menu button stays hidden and the full list shows.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = _sign_in(context)
    page.goto(pages["dashboard"])
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Menu")).to_have_count(0)
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    a11y.check(page, "dashboard at 390 without JavaScript", javascript=False)
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = _sign_in(context)
    for label, path in pages.items():
        page.goto(path)
        if label == "dashboard":
            page.screenshot(path=str(artifacts_dir / "desktop-dashboard-1366.png"))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Menu")).to_have_count(0)
        expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        # The navigation is one row of links and menus, not three.
        assert nav.locator("#site-nav-list").bounding_box()["height"] < 40, label
        _assert_status_on_screen(page, label)
        a11y.check(page, f"{label} at 1366")
        # Each menu opens from the keyboard under its button; opening one
        # closes another, and Escape closes it and returns to its button.
        plan = nav.locator("summary", has_text="Plan")
        plan.focus()
        page.keyboard.press("Enter")
        expect(nav.get_by_role("link", name="Action plan")).to_be_visible()
        account = nav.locator("summary", has_text="Account")
        account.click()
        expect(nav.get_by_role("link", name="Your account")).to_be_visible()
        expect(nav.get_by_role("link", name="Action plan")).to_be_hidden()
        if label == "dashboard":
            page.screenshot(path=str(artifacts_dir / "desktop-dashboard-1366-menu.png"))
        a11y.check(page, f"{label} at 1366, a menu open")
        page.keyboard.press("Escape")
        expect(nav.get_by_role("link", name="Your account")).to_be_hidden()
        expect(account).to_be_focused()
    context.close()
    a11y.assert_clean()
