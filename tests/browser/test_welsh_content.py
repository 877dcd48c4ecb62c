"""A Welsh page of the demo: Welsh texts, and English ones marked lang="en".

The demo's draft Welsh (demo/data/*.toml) names most civic-mission measures
in Welsh; "Partners at CoP events" has no Welsh yet, so the Welsh dashboard
shows it in English inside ``<span lang="en">`` for screen readers to switch
voice. axe checks the page at desktop and phone sizes.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from demo.loader import PASSWORD, STEERING_EMAIL
from tests.demo_database import DEMO_NOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock(DEMO_NOW),
    pytest.mark.usefixtures("clock"),
]

SLUG = "wrexham-civic-mission"


@pytest.mark.django_db(transaction=True)
def test_a_welsh_dashboard_shows_welsh_texts_and_marks_english_ones(
    demo_database_copy, live_server, browser, a11y
):
    expect.set_options(timeout=10_000)
    # The Welsh page's own address (/cy/... where the URLs carry the
    # language); the browser asks for Welsh too. The sign-in page's address
    # has no prefix: English, whatever the browser asks, where they do.
    with translation.override("cy"):
        welsh_url = reverse("reports:dashboard", kwargs={"slug": SLUG})
    for viewport in ({"width": 1366, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="cy"
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        # By the fields' names: the labels are in whichever language.
        page.locator('input[name="username"]').fill(STEERING_EMAIL)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator('main button[type="submit"]').click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(welsh_url)
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        # A Welsh measure name and priority, unmarked.
        welsh_name = page.get_by_role("link", name="Digwyddiadau cydweithredol C4C")
        expect(welsh_name.first).to_be_visible()
        expect(
            page.get_by_role("heading", name="Meithrin cydnerthedd cymunedol")
        ).to_be_visible()
        assert welsh_name.first.evaluate("e => e.closest('[lang=en]')") is None
        # The measure without Welsh: English, marked as English.
        fallback = page.locator('span[lang="en"]', has_text="Partners at CoP events")
        expect(fallback.first).to_be_attached()
        a11y.check(page, f"welsh-dashboard-{viewport['width']}")
        context.close()
    a11y.assert_clean()
