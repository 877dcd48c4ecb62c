"""Claiming, failing and giving up on background jobs (``jobs.BackgroundJob``).

Each takes the queryset of the job's model, already narrowed to what the
caller may see (its partnership), and runs in the caller's transaction and
tenant scope.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

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
    failed with ``gave_up`` (which may name the ``%(count)s`` of attempts).
    Otherwise the job moves to ``status``, with ``fields`` set too.
    """
    job = jobs.select_for_update().filter(pk=pk).first()
    if job is None or job.status not in waiting:
        return None
    if job.attempts >= max_attempts:
        job.status = job.FAILED
        job.failure_reason = gave_up % {"count": job.attempts}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure_reason", "finished_at"])
        return None
    job.status = status
    job.attempts += 1
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "attempts", *fields])
    return job


def job_fail(
    jobs: QuerySet, *, pk: int, reason: str, unless: tuple[str, ...], **fields
):
    """Fail the job with ``reason`` unless it has reached one of ``unless``."""
    model = jobs.model
    return (
        jobs.filter(pk=pk)
        .exclude(status__in=unless)
        .update(
            status=model.FAILED,
            failure_reason=reason,
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
    reason: str,
) -> int:
    """Fail the pending jobs no worker finished in time (their worker is lost)."""
    model = jobs.model
    return jobs.filter(
        status__in=pending,
        **{f"{started_field}__lt": timezone.now() - older_than},
    ).update(status=model.FAILED, failure_reason=reason, finished_at=timezone.now())
