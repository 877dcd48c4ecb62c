"""The demo civic mission's public pages, signed out, in English and Welsh,
at 1366x900 and 390x844: axe clean, nothing wider than the screen, the small
count shown as "fewer than 5". Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from kpis.models import PerformanceMeasure
from partnerships import tenancy
from tests.demo_database import DEMO_NOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock(DEMO_NOW),
    pytest.mark.usefixtures("clock"),
]

SLUG = "wrexham-civic-mission"
SIZES = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}
SMALL = {"": "fewer than 5", "/cy": "llai na 5"}


@pytest.mark.django_db(transaction=True)
def test_public_pages_in_both_languages_at_both_sizes(
    demo_database_copy, live_server, browser, a11y
):
    expect.set_options(timeout=10_000)
    with tenancy.platform_scope():
        measure = PerformanceMeasure.objects.get(partnership__slug=SLUG, code="CR-06")
    pages = {
        "public page": f"/public/{SLUG}/",
        "public measure": f"/public/{SLUG}/measures/{measure.pk}/",
        "embed": f"/public/{SLUG}/measures/{measure.pk}/embed/",
    }
    for size, viewport in SIZES.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        for prefix, small in SMALL.items():
            for label, path in pages.items():
                response = page.goto(prefix + path)
                assert response.status == 200, (label, prefix)
                expected_lang = "cy" if prefix else "en-GB"
                expect(page.locator("html")).to_have_attribute("lang", expected_lang)
                if label == "public measure":
                    expect(page.get_by_text(small).first).to_be_visible()
                    # The breakdown table scrolls within its own region.
                if label != "embed":
                    width = page.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], (label, prefix, width)
                a11y.check(page, f"{label}{prefix or ' en'} {size}")
        context.close()
    a11y.assert_clean()
