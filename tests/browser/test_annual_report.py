"""End to end: an admin requests the annual report and a viewer downloads it.

A real Celery worker renders the report while the Reports page waits for it
with htmx polling; the admin never reloads. The downloaded file is checked as
a PDF, and axe checks the page before and after.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from partnerships import tenancy
from partnerships.models import Role
from reports.models import AnnualReport, ReportStatus
from tests.browser.flows import DESKTOP, check_both_sizes
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, MembershipFactory
from tests.reports.framework import build_framework
from tests.workers import start_worker, stop

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)


def test_admin_requests_the_report_and_a_viewer_downloads_it(
    transactional_db, live_server, browser, a11y, report_storage, tmp_path
):
    with tenancy.platform_scope():
        partnership, admin, expected = build_framework()
        viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user

    worker, worker_log = start_worker("browser", tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, live_server, admin)
        page.goto(
            live_server.url + reverse("reports:dashboard", args=[partnership.slug])
        )
        nav_link(page, "Reports").click()
        expect(page.get_by_role("heading", name="Annual reports")).to_be_visible()
        expect(page.get_by_label("Reporting year")).to_have_value("2024")
        a11y.check(page, "Reports page, admin")

        page.get_by_role("button", name="Request report").click()
        expect(
            page.get_by_text("The 2024/25 report has been requested.")
        ).to_be_visible()
        # The page polls; the link appears when the worker has finished.
        download_link = page.get_by_role("link", name="Download the 2024/25 report")
        expect(download_link).to_be_visible(timeout=60_000)
        expect(page.locator("#report-announcer")).to_have_text(
            "The 2024/25 report is ready to download."
        )
        a11y.check(page, "Reports page, report ready")
        context.close()

        context = browser.new_context()
        page = context.new_page()
        sign_in(page, live_server, viewer)
        page.goto(live_server.url + reverse("reports:reports", args=[partnership.slug]))
        expect(page.get_by_role("button", name="Request report")).to_have_count(0)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the 2024/25 report").click()
        download = download_info.value
        assert download.suggested_filename == "bro-dyfrdwy-annual-report-2024-25.pdf"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        reader = PdfReader(saved)
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        for measure in expected:
            assert measure.name in text
        with tenancy.partnership_scope(partnership.pk):
            report = AnnualReport.objects.get()
        assert report.status == ReportStatus.READY
        assert len(reader.pages) == report.page_count
        a11y.check(page, "Reports page, viewer")
    finally:
        context.close()
        stop(worker)
    a11y.assert_clean()


def test_admin_requests_a_bilingual_report_beside_the_english_one(
    transactional_db, live_server, browser, a11y, report_storage, tmp_path
):
    with tenancy.platform_scope():
        partnership, admin, _expected = build_framework()

    worker, worker_log = start_worker("browser-languages", tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, live_server, admin)
        page.goto(live_server.url + reverse("reports:reports", args=[partnership.slug]))
        expect(page.get_by_label("English", exact=True)).to_be_checked()
        page.get_by_role("button", name="Request report").click()
        expect(
            page.get_by_role("link", name="Download the 2024/25 report (English)")
        ).to_be_visible(timeout=60_000)

        page.get_by_label("Bilingual (Welsh and English)").check()
        a11y.check(page, "Reports page, choosing the report's language")
        page.get_by_role("button", name="Request report").click()
        bilingual = page.get_by_role(
            "link", name="Download the 2024/25 report (Bilingual (Welsh and English))"
        )
        expect(bilingual).to_be_visible(timeout=60_000)
        a11y.check(page, "Reports page, an English and a bilingual report")
        with page.expect_download() as download_info:
            bilingual.click()
        download = download_info.value
        assert download.suggested_filename == (
            "bro-dyfrdwy-annual-report-2024-25-cy-en.pdf"
        )
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        pages = [" ".join(p.extract_text().split()) for p in PdfReader(saved).pages]
        assert "Blwyddyn adrodd 2024/25" in pages[0]
        assert any("Reporting year 2024/25" in text for text in pages[1:])
        with tenancy.partnership_scope(partnership.pk):
            languages = sorted(AnnualReport.objects.values_list("language", flat=True))
        assert languages == ["bilingual", "en-gb"]
    finally:
        context.close()
        stop(worker)
    a11y.assert_clean()


def test_admin_withdraws_a_report_after_a_confirmation(
    transactional_db, live_server, browser, a11y, report_storage
):
    from tests.reports.test_views import ready_report

    with tenancy.platform_scope():
        partnership, admin, _expected = build_framework()
        with tenancy.partnership_scope(partnership.pk):
            report = ready_report(partnership, admin)

    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, live_server, admin)
        page.goto(live_server.url + reverse("reports:reports", args=[partnership.slug]))
        page.get_by_role("link", name="Withdraw the 2024/25 report (English)").click()
        expect(
            page.get_by_role("heading", name="Withdraw the 2024/25 report (English)")
        ).to_be_visible()
        check_both_sizes(page, a11y, "Withdrawing a report: the confirmation")
        page.get_by_role("button", name="Withdraw the report").click()
        expect(
            page.get_by_text("The 2024/25 report (English) has been withdrawn.")
        ).to_be_visible()
        expect(page.get_by_text(f"by {admin.get_full_name()}").last).to_be_visible()
        expect(page.get_by_text("No longer available")).to_be_visible()
        expect(
            page.get_by_role("link", name="Download the 2024/25 report")
        ).to_have_count(0)
        check_both_sizes(page, a11y, "Reports page, a withdrawn report")
        with tenancy.partnership_scope(partnership.pk):
            report.refresh_from_db()
        assert report.status == ReportStatus.WITHDRAWN
        assert report.withdrawn_by == admin
    finally:
        context.close()
    a11y.assert_clean()
