"""Claiming, failing and giving up on background jobs (``jobs.BackgroundJob``).

Each takes the queryset of the job's model, already narrowed to what the
caller may see (its partnership), and runs in the caller's transaction and
tenant scope.
"""

import datetime
import logging

from django.db.models import Model, QuerySet
from django.utils import timezone

from partnerships.outages import BROKER_ERRORS
from partnerships.tenancy import partnership_scope, platform_scope

logger = logging.getLogger(__name__)

# A job whose worker died this many times is not tried again: something in it
# kills workers (memory, a crash in a library) and retrying cannot help.
MAX_ATTEMPTS = 3


def job_claim(
    jobs: QuerySet,
    *,
    pk: int,
    waiting: tuple[str, ...],
    status: str,
    gave_up: str,
    max_attempts: int = MAX_ATTEMPTS,
    **fields,
):
    """Take a job for a worker's step, counting the attempt; None if not to run.

    Locks the job's row for the caller's transaction. None when the job is
    not waiting for this step (finished, or taken by another step), or when
    the step has already been tried ``max_attempts`` times: the job is then
    failed with the code ``gave_up`` (its parameter ``count``, the attempts).
    Otherwise the job moves to ``status``, with ``fields`` set too.
    """
    job = jobs.select_for_update().filter(pk=pk).first()
    if job is None or job.status not in waiting:
        return None
    if job.attempts >= max_attempts:
        job.status = job.FAILED
        job.failure_code = gave_up
        job.failure_params = {"count": job.attempts}
        job.failure_reason = ""
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "status",
                "failure_code",
                "failure_params",
                "failure_reason",
                "finished_at",
            ]
        )
        return None
    job.status = status
    job.attempts += 1
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "attempts", *fields])
    return job


def job_fail(
    jobs: QuerySet,
    *,
    pk: int,
    code: str,
    params: dict | None = None,
    unless: tuple[str, ...],
    **fields,
):
    """Fail the job with ``code`` unless it has reached one of ``unless``.

    ``code`` is one of the model's ``FAILURE_MESSAGES``; ``params`` (plain
    JSON values) fill its message when someone reads it, in their language.
    """
    model = jobs.model
    return (
        jobs.filter(pk=pk)
        .exclude(status__in=unless)
        .update(
            status=model.FAILED,
            failure_code=code,
            failure_params=params or {},
            failure_reason="",
            finished_at=timezone.now(),
            **fields,
        )
    )


def jobs_fail_stale(
    jobs: QuerySet,
    *,
    pending: tuple[str, ...],
    started_field: str,
    older_than: datetime.timedelta,
    code: str,
) -> int:
    """Fail the pending jobs no worker finished in time (their worker is lost)."""
    model = jobs.model
    return jobs.filter(
        status__in=pending,
        **{f"{started_field}__lt": timezone.now() - older_than},
    ).update(
        status=model.FAILED,
        failure_code=code,
        failure_params={},
        failure_reason="",
        finished_at=timezone.now(),
    )


# The sweep re-sends a job whose send failed this long ago or longer, so that
# it does not race the web process still retrying its own send.
RESEND_AFTER = datetime.timedelta(minutes=1)


def job_send(model: type[Model], *, pk: int, partnership_id: int, task) -> bool:
    """Hand the job's task to the broker; with the broker down, mark the job.

    Called on commit, once the job's row exists. The web request that made
    the job still answers (the job shows as waiting); the sweep sends it when
    the broker is back. False when the send failed.
    """
    try:
        task.delay(pk, partnership_id)
    except BROKER_ERRORS as error:
        logger.warning(
            "Broker unavailable (%s): %s %s left for the sweep",
            type(error).__name__,
            model.__name__,
            pk,
        )
        with partnership_scope(partnership_id):
            model.objects.filter(partnership_id=partnership_id, pk=pk).update(
                send_failed_at=timezone.now()
            )
        return False
    return True


def jobs_resend(
    model: type[Model],
    *,
    tasks: dict[str, object],
    older_than: datetime.timedelta = RESEND_AFTER,
) -> int:
    """Send again every job whose send failed, if it still waits; how many sent.

    ``tasks`` maps a waiting status to the task that takes a job on from it.
    Stops at the first failure (the broker is still down: the next sweep
    tries again). A job is sent at most once per sweep, and only while its
    mark stands, so a job already in a worker's hands is not sent twice.
    """
    with platform_scope():
        waiting = list(
            model.objects.filter(
                status__in=list(tasks),
                send_failed_at__lte=timezone.now() - older_than,
            )
            .order_by("send_failed_at", "pk")
            .values_list("pk", "partnership_id", "status")
        )
    sent = 0
    for pk, partnership_id, status in waiting:
        try:
            tasks[status].delay(pk, partnership_id)
        except BROKER_ERRORS as error:
            logger.warning(
                "Broker still unavailable (%s): %s of %s %s re-sent",
                type(error).__name__,
                sent,
                len(waiting),
                model.__name__,
            )
            break
        with partnership_scope(partnership_id):
            model.objects.filter(partnership_id=partnership_id, pk=pk).update(
                send_failed_at=None
            )
        sent += 1
    return sent
