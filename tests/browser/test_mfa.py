"""A partnership admin's first sign-in: enrol an authenticator app (the test
reads the key from the page and computes the app's code), sign out, sign in
again with a code; axe at a desktop and a phone width on each new page."""

import pytest
from playwright.sync_api import expect

from partnerships import tenancy
from partnerships.models import Role
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, MembershipFactory
from tests.mfa import code_for_secret

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


def check_both_widths(page, a11y, label: str) -> None:
    page.set_viewport_size(WIDE)
    a11y.check(page, f"{label} at 1366")
    page.set_viewport_size(NARROW)
    a11y.check(page, f"{label} at 390")
    page.set_viewport_size(WIDE)


def sign_in_with_password(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_enrols_signs_out_and_signs_in_with_a_code(
    live_server, browser, transactional_db, a11y, clock
):
    with tenancy.platform_scope():
        membership = MembershipFactory(role=Role.ADMIN)
    email = membership.user.email
    partnership = membership.partnership
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    page = context.new_page()

    sign_in_with_password(page, email)
    expect(
        page.get_by_role("heading", name="Add an authenticator app", level=1)
    ).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    check_both_widths(page, a11y, "Enrolment")

    # A wrong code first: the message sits beside the field.
    page.get_by_label("Code from the app").fill("12")
    page.get_by_role("button", name="Add the app").click()
    expect(page.locator(".field-error")).to_contain_text("6-digit code")

    secret = page.get_by_label("Key").input_value()
    page.get_by_label("Code from the app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Add the app").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    check_both_widths(page, a11y, "Recovery codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", level=1, name=partnership.name)).to_be_visible()

    nav_link(page, "Two-step sign-in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    check_both_widths(page, a11y, "Two-step sign-in")

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_both_widths(page, a11y, "Code at sign-in")
    pass_second_factor(page, email)
    expect(page.get_by_role("heading", level=1, name=partnership.name)).to_be_visible()
    context.close()
    a11y.assert_clean()
