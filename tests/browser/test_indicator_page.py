"""The demo civic mission's indicator page and a measure chart's forecast,
in a real browser, checked by axe; screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from demo.loader import ADMIN_EMAIL, PASSWORD
from kpis.models import PerformanceMeasure
from partnerships import tenancy
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


@pytest.mark.django_db(transaction=True)
def test_the_indicator_curve_and_a_measure_forecast(
    demo_database_copy, live_server, browser, a11y
):
    expect.set_options(timeout=10_000)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, ADMIN_EMAIL)

    page.goto(f"/p/{SLUG}/contribution/indicators/")
    page.locator("a.indicator-key__title", has_text="feel able to influence").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("23.")
    expect(page.get_by_role("note")).to_contain_text("SAMPLE DATA")
    chart = page.get_by_role("img", name="Indicator 23")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.chart-forecast")).to_have_count(1)
    expect(page.get_by_text("community hubs opened").first).to_be_visible()
    a11y.check(page, "indicator 23")

    with tenancy.platform_scope():
        measure = (
            PerformanceMeasure.objects.filter(
                # A rising count: CM-01's meetings (0, 0, 1, 1, 0...) are too
                # lumpy for a forecast (kpis/forecast.py).
                partnership__slug=SLUG,
                is_headline=True,
                code="CR-01",
            ).first()
            or PerformanceMeasure.objects.filter(partnership__slug=SLUG).first()
        )
    page.goto(f"/p/{SLUG}/measures/{measure.pk}/")
    forecast = page.locator("svg.line-chart polyline.chart-forecast")
    expect(forecast).to_have_count(1)
    expect(page.locator("figcaption")).to_contain_text("If nothing changes")
    a11y.check(page, "measure chart with forecast")
    context.close()
    a11y.assert_clean()
