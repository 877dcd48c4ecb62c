"""The job machinery, on both of the models that use it."""

import datetime

import pytest
from django.utils import timezone

from exchange.models import ImportJob, ImportStatus
from jobs.services import MAX_ATTEMPTS, job_claim, job_fail, jobs_fail_stale
from partnerships import tenancy
from reports.models import AnnualReport, ReportStatus
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory()


def import_job(partnership, **fields):
    return ImportJob.objects.create(
        partnership=partnership,
        kind="values",
        original_name="x.csv",
        file_name="x.csv",
        size_bytes=1,
        **fields,
    )


def report(partnership, **fields):
    return AnnualReport.objects.create(
        partnership=partnership,
        year=2024,
        year_label="2024/25",
        **{"data_version": "v", **fields},
    )


def test_a_claim_counts_the_attempt_and_moves_the_job_on(partnership):
    job = import_job(partnership)
    jobs = ImportJob.objects.filter(partnership=partnership)
    with tenancy.partnership_scope(partnership.pk):
        claimed = job_claim(
            jobs,
            pk=job.pk,
            waiting=(ImportStatus.QUEUED,),
            status=ImportStatus.CHECKING,
            gave_up="gave_up",
            progress=5,
        )
        assert (claimed.status, claimed.attempts, claimed.progress) == (
            ImportStatus.CHECKING,
            1,
            5,
        )
        # Not waiting for this step any more: not taken again.
        assert (
            job_claim(
                jobs,
                pk=job.pk,
                waiting=(ImportStatus.QUEUED,),
                status=ImportStatus.CHECKING,
                gave_up="gave_up",
            )
            is None
        )


def test_a_claim_gives_up_after_the_last_attempt(partnership):
    stuck = report(partnership, status=ReportStatus.RENDERING, attempts=MAX_ATTEMPTS)
    with tenancy.partnership_scope(partnership.pk):
        assert (
            job_claim(
                AnnualReport.objects.filter(partnership=partnership),
                pk=stuck.pk,
                waiting=(ReportStatus.QUEUED, ReportStatus.RENDERING),
                status=ReportStatus.RENDERING,
                gave_up="gave_up",
            )
            is None
        )
        stuck.refresh_from_db()
    assert (stuck.status, stuck.failure_code, stuck.failure_params) == (
        ReportStatus.FAILED,
        "gave_up",
        {"count": MAX_ATTEMPTS},
    )
    assert stuck.failure_message == (
        f"The render stopped {MAX_ATTEMPTS} times without finishing."
    )
    assert stuck.finished_at is not None


def test_a_failure_leaves_a_finished_job_alone(partnership):
    done = import_job(partnership, status=ImportStatus.DONE)
    running = import_job(partnership, status=ImportStatus.IMPORTING)
    jobs = ImportJob.objects.filter(partnership=partnership)
    with tenancy.partnership_scope(partnership.pk):
        for job in (done, running):
            job_fail(
                jobs,
                pk=job.pk,
                code="import_error",
                params={"error": "Broken"},
                unless=(ImportStatus.DONE,),
            )
            job.refresh_from_db()
    assert done.status == ImportStatus.DONE
    assert (running.status, running.failure_code) == (
        ImportStatus.FAILED,
        "import_error",
    )
    assert running.failure_message == (
        "Nothing was imported because of an error (Broken)."
    )


def test_stale_jobs_fail_and_fresh_ones_wait(partnership):
    old = report(partnership, status=ReportStatus.QUEUED)
    AnnualReport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=2)
    )
    fresh = report(partnership, status=ReportStatus.RENDERING, data_version="w")
    with tenancy.partnership_scope(partnership.pk):
        failed = jobs_fail_stale(
            AnnualReport.objects.filter(partnership=partnership),
            pending=(ReportStatus.QUEUED, ReportStatus.RENDERING),
            started_field="requested_at",
            older_than=datetime.timedelta(hours=1),
            code="lost",
        )
    assert failed == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.failure_code) == (ReportStatus.FAILED, "lost")
    assert old.failure_message.startswith("The render was lost")
    assert fresh.status == ReportStatus.RENDERING
