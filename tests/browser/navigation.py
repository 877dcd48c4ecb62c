"""Reaching a page through the main navigation, as a person would.

Most items sit in a menu (a ``<details>`` disclosure, civic/navigation.py),
and on a phone the whole list is behind the Menu button: the helper opens
what is closed on the way to the link, then hands the link back.
"""

from playwright.sync_api import Locator, Page, expect


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def nav_link(page: Page, name: str, *, exact: bool = False) -> Locator:
    """The main navigation's link ``name``, made visible (ready to click)."""
    nav = main_nav(page)
    link = nav.get_by_role("link", name=name, exact=exact)
    menu_button = nav.locator(".menu-button")
    if (
        menu_button.is_visible()
        and menu_button.get_attribute("aria-expanded") != "true"
    ):
        menu_button.click()
    # A closed menu's links are out of the accessibility tree: find the menu
    # by the link as it is in the page (a ``has`` locator is relative to the
    # element tested, so it starts from the page).
    in_page = page.get_by_role("link", name=name, exact=exact, include_hidden=True)
    menu = nav.locator("details", has=in_page)
    if menu.count() and not menu.evaluate("details => details.open"):
        menu.locator("summary").click()
    expect(link).to_be_visible()
    return link
