from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_RENDER_TIME_LIMIT,
    time_limit=settings.REPORT_RENDER_HARD_TIME_LIMIT,
)
def render_public_report(published_report_id: int, partnership_id: int) -> None:
    """Render one published report's public edition; safe to deliver twice."""
    services.published_report_render(
        published_report_id=published_report_id, partnership_id=partnership_id
    )


@shared_task
def resend_unsent_public_reports() -> int:
    """Send again the public editions the broker refused; run every minute."""
    return services.published_reports_resend()
