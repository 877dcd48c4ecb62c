"""Passkeys in Chromium, with its virtual authenticator (DevTools' WebAuthn
domain standing in for a laptop's fingerprint reader): a partnership admin
with no second factor adds a passkey at first sign-in, signs out and passes
the second step with it; axe at a desktop and a phone width on each new
page. WebAuthn needs a secure context and a domain for the relying party:
the live server's localhost is both."""

import pytest
from playwright.sync_api import expect

from partnerships import tenancy
from partnerships.models import Role, SecurityEvent, SecurityEventKind
from tests.browser.test_mfa import check_both_widths, sign_in_with_password
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}


def add_virtual_authenticator(context, page) -> None:
    session = context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_an_admin_adds_a_passkey_and_signs_in_with_it(
    live_server, browser, transactional_db, a11y, clock
):
    with tenancy.platform_scope():
        membership = MembershipFactory(role=Role.ADMIN)
    email = membership.user.email
    partnership = membership.partnership
    assert "localhost" in live_server.url
    context = browser.new_context(base_url=live_server.url, viewport=WIDE)
    page = context.new_page()
    add_virtual_authenticator(context, page)

    sign_in_with_password(page, email)
    expect(
        page.get_by_role("heading", name="Add an authenticator app", level=1)
    ).to_be_visible()
    page.get_by_role("link", name="Add a passkey instead").click()
    expect(page.get_by_role("heading", name="Add a passkey", level=1)).to_be_visible()
    expect(page.get_by_text("Your role needs a second factor")).to_be_visible()
    check_both_widths(page, a11y, "Passkey name")

    # No name: the message sits beside the field.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error")).to_contain_text("Enter a name")
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Continue").click()
    button = page.get_by_role("button", name="Make the passkey")
    expect(button).to_be_visible()
    check_both_widths(page, a11y, "Make the passkey")
    button.click()
    # A first second factor brings recovery codes, shown once.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("The passkey is set up.")).to_be_visible()
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    check_both_widths(page, a11y, "Recovery codes after a passkey")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", level=1, name=partnership.name)).to_be_visible()

    page.goto("/account/security/")
    expect(page.get_by_role("row", name="Work laptop")).to_be_visible()
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    check_both_widths(page, a11y, "Two-step sign-in with a passkey")

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, email)
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    check_both_widths(page, a11y, "Passkey at sign-in")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1, name=partnership.name)).to_be_visible()

    # Confirming who one is before a sensitive action: the passkey again.
    page.goto("/account/confirm/?next=/account/tokens/")
    expect(page.get_by_role("heading", name="Or with a passkey")).to_be_visible()
    check_both_widths(page, a11y, "Confirm with a passkey")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/account/confirm/" not in url)
    expect(page).to_have_url(f"{live_server.url}/account/tokens/")
    context.close()

    with tenancy.platform_scope():
        kinds = list(
            SecurityEvent.objects.filter(email=email)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
    assert SecurityEventKind.PASSKEY_ADDED in kinds
    assert kinds.index(SecurityEventKind.PASSKEY_USED) > kinds.index(
        SecurityEventKind.PASSKEY_ADDED
    )
    assert kinds[-1] == SecurityEventKind.REAUTHENTICATED
    assert kinds.count(SecurityEventKind.PASSKEY_USED) == 2
    a11y.assert_clean()
