"""Requesting and rendering annual reports (the service layer)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from jobs.services import MAX_ATTEMPTS
from partnerships import tenancy
from partnerships.models import Membership, Role
from reports import services
from reports.models import AnnualReport, ReportStatus
from reports.selectors import annual_report_list
from tests.factories import MembershipFactory, PartnershipFactory

from .framework import YEAR, build_framework, change_a_figure

pytestmark = pytest.mark.django_db


def request(partnership, user, year=YEAR):
    membership = Membership.objects.filter(partnership=partnership, user=user).first()
    return services.annual_report_request(
        partnership=partnership, membership=membership, year=year, actor=user
    )


def render(report):
    services.annual_report_render(
        report_id=report.pk, partnership_id=report.partnership_id
    )
    report.refresh_from_db()
    return report


def test_request_creates_a_queued_report_and_queues_its_render_on_commit(
    django_capture_on_commit_callbacks,
):
    partnership, admin, _expected = build_framework()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report, created = request(partnership, admin)
    assert created
    assert report.status == ReportStatus.QUEUED
    assert report.year_label == "2024/25"
    assert report.requested_by == admin
    assert len(report.data_version) == 64
    assert len(callbacks) == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_can_request_a_report(role):
    partnership, _admin, _expected = build_framework()
    member = MembershipFactory(partnership=partnership, role=role).user
    with pytest.raises(PermissionDenied):
        request(partnership, member)
    assert not AnnualReport.objects.exists()


def test_a_year_without_quarters_is_refused_beside_the_field():
    partnership, admin, _expected = build_framework()
    with pytest.raises(ValidationError) as refused:
        request(partnership, admin, year=2019)
    assert "year" in refused.value.message_dict
    assert not AnnualReport.objects.exists()


def test_render_stores_a_ready_pdf(report_storage):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    report = render(report)

    assert report.status == ReportStatus.READY
    assert report.attempts == 1
    assert report.failure_message == ""
    assert report.started_at <= report.finished_at
    stored = report_storage / report.file_name
    assert stored.is_file() and stored.stat().st_size == report.size_bytes
    assert len(PdfReader(stored).pages) == report.page_count
    assert report.file_name.startswith(f"{partnership.pk}/")


def test_asking_again_for_unchanged_data_returns_the_same_report(report_storage):
    partnership, admin, _expected = build_framework()
    first, _created = request(partnership, admin)
    queued_again, created = request(partnership, admin)
    assert (queued_again, created) == (first, False)

    render(first)
    ready_again, created = request(partnership, admin)
    assert (ready_again, created) == (first, False)
    assert AnnualReport.objects.count() == 1


def test_changed_figures_make_a_new_report(report_storage):
    partnership, admin, _expected = build_framework()
    first, _created = request(partnership, admin)
    render(first)
    change_a_figure(partnership, admin, by=5)
    second, created = request(partnership, admin)
    assert created and second != first
    assert second.data_version != first.data_version


def test_a_repeated_delivery_finishes_nothing_twice(report_storage):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    report = render(report)
    finished = (report.finished_at, report.file_name, report.attempts)

    report = render(report)

    assert (report.finished_at, report.file_name, report.attempts) == finished
    assert [p.name for p in report_storage.rglob("*.pdf")] == [
        report.file_name.rsplit("/", 1)[-1]
    ]


def test_a_render_interrupted_after_it_started_is_finished_by_the_next_delivery(
    report_storage,
):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    # A worker marked it rendering, then died before finishing.
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING, attempts=1, started_at=timezone.now()
    )
    report = render(report)
    assert report.status == ReportStatus.READY
    assert report.attempts == 2


def test_a_report_that_keeps_killing_its_worker_is_given_up(report_storage):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING, attempts=MAX_ATTEMPTS
    )
    report = render(report)
    assert report.status == ReportStatus.FAILED
    assert "stopped 3 times" in report.failure_message


def test_a_failed_render_says_why_and_can_be_asked_for_again(settings, tmp_path):
    partnership, admin, _expected = build_framework()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "reports"},
        },
    }
    report, _created = request(partnership, admin)
    report = render(report)
    assert report.status == ReportStatus.FAILED
    assert report.failure_message.startswith("The PDF could not be stored")
    assert report.file_name == ""

    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "reports"},
        },
    }
    again, created = request(partnership, admin)
    assert created and again != report
    assert render(again).status == ReportStatus.READY


def test_figures_changed_between_request_and_render_are_the_ones_reported(
    report_storage,
):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    requested_version = report.data_version
    change_a_figure(partnership, admin)
    report = render(report)
    assert report.status == ReportStatus.READY
    assert report.data_version != requested_version
    # Asking now finds this report: it holds the current figures.
    assert request(partnership, admin) == (report, False)


def test_a_lost_render_is_marked_failed_when_someone_asks_again(report_storage):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    AnnualReport.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - services.stale_after() - timedelta(seconds=1)
    )
    again, created = request(partnership, admin)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "lost" in report.failure_message
    assert created and again.status == ReportStatus.QUEUED


def test_the_database_holds_one_live_report_per_year_and_version():
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(
            partnership=partnership,
            year=report.year,
            year_label=report.year_label,
            data_version=report.data_version,
        )


def test_reports_are_invisible_to_other_partnerships(report_storage):
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    other = PartnershipFactory()
    assert list(annual_report_list(partnership=other)) == []
    # Row-level security agrees, whatever the query.
    with tenancy.partnership_scope(other.pk):
        assert not AnnualReport.objects.filter(pk=report.pk).exists()
    with tenancy.partnership_scope(partnership.pk):
        assert AnnualReport.objects.filter(pk=report.pk).exists()


def test_the_render_runs_in_the_reports_partnership_only(report_storage):
    """The task sets its own tenant context: another partnership's id finds nothing."""
    partnership, admin, _expected = build_framework()
    report, _created = request(partnership, admin)
    other = PartnershipFactory()
    services.annual_report_render(report_id=report.pk, partnership_id=other.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert not report_storage.exists() or not any(report_storage.rglob("*"))
