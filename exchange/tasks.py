from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 30,
)
def check_import(job_id: int, partnership_id: int) -> None:
    """Read and check an uploaded spreadsheet; safe to deliver twice."""
    services.import_job_check(job_id=job_id, partnership_id=partnership_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 30,
)
def apply_import(job_id: int, partnership_id: int) -> None:
    """Import a confirmed spreadsheet, all or nothing; safe to deliver twice."""
    services.import_job_apply(job_id=job_id, partnership_id=partnership_id)


@shared_task
def resend_unsent_imports() -> int:
    """Send again the checks and imports the broker refused; run every minute by beat."""
    return services.import_jobs_resend()
