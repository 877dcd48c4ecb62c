"""End to end: a lead uploads a figures file, sees the preview and confirms.

A real Celery worker checks and imports the file while the job page waits
for it with htmx polling; axe checks the pages on the way.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kpis.models import QuarterlyValue
from partnerships import tenancy
from tests.browser.navigation import nav_link
from tests.exchange.conftest import World
from tests.workers import start_worker, stop

from .test_annual_report import sign_in

pytestmark = pytest.mark.browser

FIGURES = (
    "Quarter,Code,Name,Kind,Value,Numerator,Denominator,Story\r\n"
    "2024/25 Q1,CU1,Schools,Count,14,,,Two new schools joined\r\n"
    "2024/25 Q1,CU2,Satisfied,Percentage,,45,50,\r\n"
)


def test_a_lead_uploads_figures_sees_the_preview_and_confirms(
    transactional_db, live_server, browser, a11y, import_storage, tmp_path
):
    with tenancy.platform_scope():
        world = World()
    slug = world.partnership.slug
    upload = tmp_path / "figures.csv"
    upload.write_text(FIGURES, encoding="utf-8")
    worker, worker_log = start_worker("browser-imports", tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, live_server, world.lead)
        page.goto(live_server.url + reverse("reports:dashboard", args=[slug]))
        nav_link(page, "Import and export").click()
        expect(page.get_by_role("heading", name="Import and export")).to_be_visible()
        a11y.check(page, "Import and export, lead")

        page.get_by_label("Filled-in figures (.xlsx or .csv)").set_input_files(upload)
        page.get_by_role("button", name="Upload and preview figures").click()
        expect(page.get_by_role("heading", name="Preview")).to_be_visible(
            timeout=60_000
        )
        expect(
            page.get_by_text("2 to create, 0 to change, 0 unchanged.")
        ).to_be_visible()
        expect(page.get_by_role("cell", name="45 of 50 (90%)")).to_be_visible()
        a11y.check(page, "Import preview")
        with tenancy.partnership_scope(world.partnership.pk):
            assert not QuarterlyValue.objects.exists()

        page.get_by_role("button", name="Confirm and import").click()
        expect(page.get_by_text("Imported: 2 new rows, 0 changed.")).to_be_visible(
            timeout=60_000
        )
        a11y.check(page, "Import done")
        with tenancy.partnership_scope(world.partnership.pk):
            stored = {v.measure.code: v for v in QuarterlyValue.objects.all()}
        assert stored["CU1"].value == 14
        assert stored["CU1"].story == "Two new schools joined"
        assert (stored["CU2"].numerator, stored["CU2"].denominator) == (45, 50)
    finally:
        context.close()
        stop(worker)
    a11y.assert_clean()
