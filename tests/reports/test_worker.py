"""A real Celery worker, killed in the middle of a render.

The report is requested through the service (which queues the task on
commit into the real Redis), a worker process picks it up and starts
rendering, and is killed with SIGKILL while the render waits on a table lock
this test holds. A second worker then receives the redelivered message once
the visibility timeout has passed and finishes the same report, once.
"""

import os
import signal
import time

import psycopg
import pytest
from pypdf import PdfReader

from partnerships import tenancy
from partnerships.models import Membership
from reports import services
from reports.models import AnnualReport, ReportStatus
from tests.workers import VISIBILITY_TIMEOUT, database_url, start_worker, stop, wait_for

from .framework import YEAR, build_framework

pytestmark = pytest.mark.django_db(transaction=True)


def report_state(report_id: int, partnership_id: int) -> AnnualReport:
    with tenancy.partnership_scope(partnership_id):
        return AnnualReport.objects.get(pk=report_id)


def test_a_worker_killed_mid_render_leaves_the_report_to_the_next_worker(
    tmp_path, report_storage
):
    # report_storage is tmp_path / "reports": where the workers, given
    # CIVIC_VAR_DIR=tmp_path, store the PDF too.
    with tenancy.platform_scope():
        partnership, admin, _expected = build_framework()
        membership = Membership.objects.get(partnership=partnership, user=admin)
    with tenancy.scope(partnership_id=partnership.pk, user_id=admin.pk):
        report, created = services.annual_report_request(
            partnership=partnership, membership=membership, year=YEAR, actor=admin
        )
    assert created  # the task is now on the queue in Redis

    # Hold a lock that the render needs, so the first worker is caught in
    # the middle of it: marked rendering, its document half read.
    blocker = psycopg.connect(database_url(), autocommit=False)
    blocker.execute("LOCK TABLE kpis_quarterlyvalue IN ACCESS EXCLUSIVE MODE")
    first, first_log = start_worker("first", tmp_path)
    second = None
    try:
        wait_for(
            lambda: (
                report_state(report.pk, partnership.pk).status == ReportStatus.RENDERING
            ),
            timeout=60,
            what="the first worker to start rendering",
            logs=[first_log],
        )
        wait_for(
            lambda: blocker.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()[0],
            timeout=30,
            what="the render to reach the locked table",
            logs=[first_log],
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        blocker.rollback()

        state = report_state(report.pk, partnership.pk)
        assert (state.status, state.attempts) == (ReportStatus.RENDERING, 1)
        assert not any(report_storage.rglob("*.pdf"))

        second, second_log = start_worker("second", tmp_path)
        wait_for(
            lambda: (
                report_state(report.pk, partnership.pk).status
                in (ReportStatus.READY, ReportStatus.FAILED)
            ),
            timeout=VISIBILITY_TIMEOUT + 60,
            what="the second worker to finish the redelivered render",
            logs=[first_log, second_log],
        )
        done = report_state(report.pk, partnership.pk)
        assert done.status == ReportStatus.READY, done.failure_message
        assert done.attempts == 2
        assert "render_annual_report" in second_log.read_text()

        # Ready exactly once: one report, one file, and nothing more happens.
        time.sleep(2)
        with tenancy.partnership_scope(partnership.pk):
            reports = list(AnnualReport.objects.all())
        assert [(r.pk, r.status, r.finished_at) for r in reports] == [
            (report.pk, ReportStatus.READY, done.finished_at)
        ]
        files = list(report_storage.rglob("*.pdf"))
        assert [f.relative_to(report_storage).as_posix() for f in files] == [
            done.file_name
        ]
        assert len(PdfReader(files[0]).pages) == done.page_count
    finally:
        blocker.close()
        stop(first)
        if second is not None:
            stop(second)
