"""The Reports page and the download: who may do what, and what they see."""

import pytest
from django.urls import reverse

from partnerships.models import Membership, Role
from reports import services
from reports.models import AnnualReport, ReportStatus
from tests.factories import MembershipFactory, PartnershipFactory

from .framework import YEAR, build_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return build_framework()


def reports_url(partnership):
    return reverse("reports:reports", args=[partnership.slug])


def ready_report(partnership, admin):
    membership = Membership.objects.get(partnership=partnership, user=admin)
    report, _created = services.annual_report_request(
        partnership=partnership, membership=membership, year=YEAR, actor=admin
    )
    services.annual_report_render(report_id=report.pk, partnership_id=partnership.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


def test_an_admin_requests_a_report_and_sees_it_queued(
    client, framework, django_capture_on_commit_callbacks
):
    partnership, admin, _expected = framework
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reports_url(partnership), {"year": YEAR})
    assert response.status_code == 302
    assert len(callbacks) == 1
    report = AnnualReport.objects.get()
    assert report.status == ReportStatus.QUEUED

    page = client.get(response["Location"]).content.decode()
    assert "The 2024/25 report has been requested." in page
    assert "Queued" in page
    # Pending reports poll for their status; the plain page works without it.
    assert 'hx-trigger="every 2s"' in page


def test_the_form_offers_the_years_with_quarters_and_defaults_to_the_last_finished(
    client, framework
):
    partnership, admin, _expected = framework
    client.force_login(admin)
    page = client.get(reports_url(partnership)).content.decode()
    assert '<option value="2024" selected>2024/25</option>' in page


def test_a_bad_year_is_refused_beside_the_field_and_nothing_is_saved(client, framework):
    partnership, admin, _expected = framework
    client.force_login(admin)
    response = client.post(reports_url(partnership), {"year": "1999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Choose a reporting year that has figures: a year without any "
        "would report nothing but “No data yet”."
    ) in page
    assert 'class="field field--error"' in page
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_see_the_form_and_may_post_it(client, framework, role):
    partnership, _admin, _expected = framework
    member = MembershipFactory(partnership=partnership, role=role).user
    client.force_login(member)
    page = client.get(reports_url(partnership)).content.decode()
    assert "Request report" not in page
    assert "Partnership admins request reports" in page
    assert client.post(reports_url(partnership), {"year": YEAR}).status_code == 403
    assert not AnnualReport.objects.exists()


def test_a_viewer_downloads_a_ready_report(client, framework, report_storage):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    client.force_login(viewer)

    page = client.get(reports_url(partnership)).content.decode()
    download = reverse("reports:report_download", args=[partnership.slug, report.pk])
    assert f'href="{download}"' in page
    assert 'hx-trigger="every 2s"' not in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="bro-dyfrdwy-annual-report-2024-25.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_partnerships_member_gets_404_for_the_page_and_the_file(
    client, framework, report_storage
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    outsider = MembershipFactory(partnership=PartnershipFactory(), role=Role.ADMIN).user
    client.force_login(outsider)
    download = reverse("reports:report_download", args=[partnership.slug, report.pk])
    assert client.get(download).status_code == 404
    assert client.get(reports_url(partnership)).status_code == 404
    assert client.post(reports_url(partnership), {"year": YEAR}).status_code == 404

    # Through their own partnership's address, the id finds nothing either.
    own = MembershipFactory(role=Role.ADMIN)
    client.force_login(own.user)
    mine = reverse("reports:report_download", args=[own.partnership.slug, report.pk])
    assert client.get(mine).status_code == 404


def test_a_guessed_file_path_gives_nothing(client, framework, report_storage):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    client.force_login(admin)
    for guess in (
        f"/media/{report.file_name}",
        f"/reports/{report.file_name}",
        f"/static/{report.file_name}",
        f"/p/{partnership.slug}/reports/{report.file_name}",
    ):
        assert client.get(guess).status_code == 404, guess


def test_an_unfinished_report_has_no_download(client, framework):
    partnership, admin, _expected = framework
    membership = Membership.objects.get(partnership=partnership, user=admin)
    report, _created = services.annual_report_request(
        partnership=partnership, membership=membership, year=YEAR, actor=admin
    )
    client.force_login(admin)
    download = reverse("reports:report_download", args=[partnership.slug, report.pk])
    assert client.get(download).status_code == 404


def test_a_failed_report_shows_its_reason_and_an_admin_can_ask_again(client, framework):
    partnership, admin, _expected = framework
    membership = Membership.objects.get(partnership=partnership, user=admin)
    report, _created = services.annual_report_request(
        partnership=partnership, membership=membership, year=YEAR, actor=admin
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, failure_reason="The PDF could not be stored."
    )
    client.force_login(admin)
    page = client.get(reports_url(partnership)).content.decode()
    assert "Failed" in page and "The PDF could not be stored." in page
    assert "Request 2024/25 again" in page

    response = client.post(reports_url(partnership), {"year": YEAR})
    assert response.status_code == 302
    assert AnnualReport.objects.filter(status=ReportStatus.QUEUED).count() == 1


def test_polling_returns_the_list_alone_and_announces_a_finished_report(
    client, framework, report_storage
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    client.force_login(admin)
    response = client.get(
        reports_url(partnership) + "?was_pending=1", headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="report-list"')
    assert "<html" not in fragment
    assert "hx-trigger" not in fragment  # nothing left to wait for
    assert 'id="report-announcer"' in fragment
    assert "The 2024/25 report is ready to download." in fragment
    assert report.year_label in fragment


def test_the_reports_page_runs_a_fixed_number_of_queries(
    client, framework, report_storage, django_assert_max_num_queries
):
    partnership, admin, _expected = framework
    ready_report(partnership, admin)
    for _ in range(5):
        AnnualReport.objects.create(
            partnership=partnership,
            year=YEAR,
            year_label="2024/25",
            data_version=f"{_:064d}",
            status=ReportStatus.FAILED,
            requested_by=admin,
        )
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get(reports_url(partnership)).status_code == 200
