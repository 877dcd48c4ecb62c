import datetime
import logging

from celery import shared_task
from django.utils import timezone

from partnerships.models import Partnership
from partnerships.tenancy import partnership_scope, platform_scope

from .digest import digests_send
from .notices import value_return_email_send
from .reminders import reminders_send

logger = logging.getLogger(__name__)


@shared_task
def send_quarter_reminders(today: str | None = None) -> int:
    """Send every partnership's due quarter reminders; run hourly by beat.

    Safe to run any number of times (the reminders are recorded once each).
    ``today`` (an ISO date) stands in for the local date, for tests and for
    catching up by hand. Each partnership runs in its own tenant transaction,
    so one that fails is logged and the others still get their reminders.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with platform_scope():
        partnership_ids = list(
            Partnership.objects.order_by("pk").values_list("pk", flat=True)
        )
    sent = 0
    for partnership_id in partnership_ids:
        try:
            with partnership_scope(partnership_id):
                partnership = Partnership.objects.get(pk=partnership_id)
                sent += reminders_send(partnership=partnership, today=day)
        except Exception:
            logger.exception(
                "Quarter reminders failed for partnership %s", partnership_id
            )
    return sent


@shared_task
def send_return_email(value_id: int, partnership_id: int) -> bool:
    """Email a returned figure's lead (queued when the return commits).

    Sent again if delivered twice (acks late); the email says nothing a
    second copy would make wrong.
    """
    with partnership_scope(partnership_id):
        partnership = Partnership.objects.filter(pk=partnership_id).first()
        if partnership is None:
            return False
        return value_return_email_send(partnership=partnership, value_id=value_id)


@shared_task
def send_admin_digests(now: str | None = None) -> int:
    """Send every partnership's admins their daily digest; run daily by beat.

    Safe to run any number of times a day (one digest per admin and day, the
    database holds it). ``now`` (an ISO datetime) stands in for the time, for
    tests and for catching up by hand. Each partnership runs in its own
    tenant transaction, so one that fails is logged and the others still go.
    """
    instant = datetime.datetime.fromisoformat(now) if now else timezone.now()
    with platform_scope():
        partnership_ids = list(
            Partnership.objects.order_by("pk").values_list("pk", flat=True)
        )
    sent = 0
    for partnership_id in partnership_ids:
        try:
            with partnership_scope(partnership_id):
                partnership = Partnership.objects.get(pk=partnership_id)
                sent += digests_send(partnership=partnership, now=instant)
        except Exception:
            logger.exception("Daily digests failed for partnership %s", partnership_id)
    return sent
