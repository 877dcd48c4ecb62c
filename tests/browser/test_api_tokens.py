"""A person makes an API token in the browser and a script uses it.

The tokens page is checked with axe (with the new secret showing, and after
a revocation); the secret read off the page then authenticates a plain HTTP
client against the live server, until it is revoked. The API's documentation
page renders from the application's own static files.
"""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from partnerships import tenancy
from partnerships.models import Role
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.browser


def api_get(live_server, path: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        live_server.url + path, headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_token_made_on_the_page_works_until_revoked(
    live_server, browser, transactional_db, a11y
):
    with tenancy.platform_scope():
        membership = MembershipFactory(role=Role.LEAD)
    user, partnership = membership.user, membership.partnership
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)

    nav_link(page, "API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Data warehouse")
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("The token").input_value()
    assert secret.startswith("civic_")
    a11y.check(page, "API tokens with a new token")

    status, body = api_get(live_server, "/api/v1/partnerships/", secret)
    assert status == 200
    assert body["results"][0]["slug"] == partnership.slug
    status, _body = api_get(
        live_server, f"/api/v1/p/{partnership.slug}/measures/", secret
    )
    assert status == 200

    page.goto("/account/tokens/")
    expect(page.get_by_role("cell", name="Never")).to_have_count(0)
    page.get_by_role("button", name="Revoke Data warehouse").click()
    expect(
        page.get_by_text("Revoked “Data warehouse”: it no longer works.")
    ).to_be_visible()
    a11y.check(page, "API tokens after revoking")
    status, body = api_get(live_server, "/api/v1/partnerships/", secret)
    assert status == 401
    assert "revoked" in body["detail"]

    page.goto("/api/v1/docs/")
    expect(page.get_by_text("/api/v1/p/{slug}/values/bulk/")).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested)
    # Closing the browser's connections lets the server's threads (and their
    # database connections) end before the test database is dropped.
    context.close()
    a11y.assert_clean()
