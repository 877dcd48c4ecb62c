"""Steps the browser flows share: signing in, reading an emailed invitation
link, checking a page at both sizes and filling the strategy editor's
"Add a measure" form."""

import re
import time

from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, email)


def emailed_link(email: str, timeout: float = 10) -> str:
    """The invitation link sent to ``email``, once the live server's
    transaction has committed and sent it (the locmem backend shares this
    process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if email in message.to:
                return re.search(r"https?://\S+/invitations/\S+/", message.body)[0]
        time.sleep(0.1)
    raise AssertionError(f"no invitation email was sent to {email}")


def check_both_sizes(page: Page, a11y, label: str) -> None:
    """axe at the desktop size, then the phone size; back to the desktop."""
    a11y.check(page, f"{label} at 1366")
    page.set_viewport_size(PHONE)
    a11y.check(page, f"{label} at 390")
    page.set_viewport_size(DESKTOP)


def add_measure(page: Page, code: str, name: str, kind: str, rule: str, targets):
    """From the strategy page: open "Add a measure" and fill it in (not saved)."""
    page.get_by_role("link", name="Add a measure").click()
    expect(page.get_by_role("heading", level=1, name="Add a measure")).to_be_visible()
    page.get_by_label("Code").fill(code)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("RBA question").select_option(label="How much did we do?")
    page.get_by_label("Kind of value").select_option(label=kind)
    page.get_by_label("How quarters make a year").select_option(label=rule)
    page.get_by_label("Outcome", exact=True).select_option(index=1)
    for year, target in targets.items():
        page.get_by_label(f"Target for {year}").fill(target)
