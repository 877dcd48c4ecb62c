"""One import end to end through Redis and a real Celery worker process."""

import pytest

from exchange import services
from exchange.models import ImportJob, ImportStatus
from kpis.models import QuarterlyValue
from partnerships import tenancy
from partnerships.models import Membership
from tests.workers import start_worker, stop, wait_for

from .conftest import World
from .helpers import csv_upload

pytestmark = pytest.mark.django_db(transaction=True)


def job_state(job_id: int, partnership_id: int) -> ImportJob:
    with tenancy.partnership_scope(partnership_id):
        return ImportJob.objects.get(pk=job_id)


def test_a_worker_checks_and_imports_an_uploaded_file(tmp_path, import_storage):
    # import_storage is tmp_path / "imports": where the worker, given
    # CIVIC_VAR_DIR=tmp_path, reads the upload too.
    with tenancy.platform_scope():
        world = World()
        membership = Membership.objects.get(user=world.admin)
    p = world.partnership
    worker, log = start_worker("imports", tmp_path)
    try:
        with tenancy.scope(partnership_id=p.pk, user_id=world.admin.pk):
            job = services.import_job_create(
                partnership=p,
                membership=membership,
                kind="values",
                upload=csv_upload(
                    [
                        ["2024/25 Q1", "CU1", "", "", "21", "", "", "From the worker"],
                        ["2024/25 Q2", "CU2", "", "", "", "3", "4", ""],
                    ]
                ),
                actor=world.admin,
            )
        wait_for(
            lambda: job_state(job.pk, p.pk).status == ImportStatus.READY,
            timeout=60,
            what="the worker to check the file",
            logs=[log],
        )
        assert job_state(job.pk, p.pk).preview["counts"]["create"] == 2
        with tenancy.scope(partnership_id=p.pk, user_id=world.admin.pk):
            services.import_job_confirm(
                partnership=p, membership=membership, job_id=job.pk, actor=world.admin
            )
        wait_for(
            lambda: (
                job_state(job.pk, p.pk).status
                in (ImportStatus.DONE, ImportStatus.FAILED)
            ),
            timeout=60,
            what="the worker to import the file",
            logs=[log],
        )
        done = job_state(job.pk, p.pk)
        assert done.status == ImportStatus.DONE, done.failure_message
        assert "apply_import" in log.read_text()
        with tenancy.partnership_scope(p.pk):
            values = list(QuarterlyValue.objects.order_by("period__quarter"))
            assert [v.story for v in values] == ["From the worker", ""]
            assert values[0].events.get().pgh_context["path"] == "import"
    finally:
        stop(worker)
