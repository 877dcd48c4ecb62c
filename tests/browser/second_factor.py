"""Passing the second factor in a browser test, after the password: the code
the person's enrolled app would show, or, at the enrolment page, adding an
app with the key the page shows (as a person would with their phone)."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from partnerships import tenancy
from tests.mfa import code_for, code_for_secret


def pass_second_factor(page: Page, email: str) -> None:
    """Call right after clicking "Sign in" (or the admin site's "Log in")."""
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/account/security/verify/" in page.url:
        with tenancy.platform_scope():
            device = TOTPDevice.objects.get(user__email=email, confirmed=True)
            code = code_for(device)
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/account/security/verify/" not in url)
    elif "/account/security/authenticator/" in page.url:
        enrol_from_page(page)


def enrol_from_page(page: Page) -> list[str]:
    """On the enrolment page: read the key, enter the app's code, note the
    recovery codes and continue. Returns the recovery codes."""
    secret = page.get_by_label("Key").input_value()
    page.get_by_label("Code from the app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Add the app").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(lambda url: "/account/security/authenticator/" not in url)
    return codes
