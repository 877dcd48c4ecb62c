from celery import shared_task
from celery.signals import worker_process_shutdown
from django.conf import settings

from . import annual, services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_RENDER_TIME_LIMIT,
    time_limit=settings.REPORT_RENDER_HARD_TIME_LIMIT,
)
def render_annual_report(report_id: int, partnership_id: int) -> None:
    """Render one annual report; safe to deliver twice (see the service)."""
    services.annual_report_render(report_id=report_id, partnership_id=partnership_id)


@shared_task
def resend_unsent_reports() -> int:
    """Send again the renders the broker refused; run every minute by beat."""
    return services.annual_reports_resend()


@worker_process_shutdown.connect
def _report_stylesheet_dropped(**_kwargs) -> None:
    """A pool child leaves by ``os._exit``, past ``atexit``: drop the parsed
    report.css first, so that its folder of font files goes with it."""
    annual.report_stylesheet_drop()
