"""Emails about one figure's review: its lead hears when it is returned.

Sent by a Celery task queued when the return commits, rendered in the
recipient's own language (``partnerships.i18n``), subject and link included.
"""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from partnerships.i18n import in_language_of
from partnerships.models import Partnership
from partnerships.outages import BROKER_ERRORS

from .models import QuarterlyValue, ReviewStatus
from .reminders import my_measures_url

logger = logging.getLogger(__name__)


def value_return_queue(*, partnership_id: int, value_id: int) -> None:
    """Queue the returned-figure email (on commit). With the broker down the
    return still stands and the lead sees it on My measures; only the email
    is lost, and that is logged."""
    from .tasks import send_return_email

    try:
        send_return_email.delay(value_id, partnership_id)
    except BROKER_ERRORS as error:
        logger.warning(
            "Broker unavailable (%s): no return email for figure %s",
            type(error).__name__,
            value_id,
        )


def value_return_email_send(*, partnership: Partnership, value_id: int) -> bool:
    """Email the figure's lead that it was returned, and why; False when there
    is nothing to send (the figure is gone, no longer returned, or nobody
    entered it)."""
    record = (
        QuarterlyValue.objects.filter(partnership=partnership, pk=value_id)
        .select_related("measure", "period", "submitted_by", "entered_by")
        .first()
    )
    if record is None or record.status != ReviewStatus.RETURNED:
        return False
    recipient = record.submitted_by or record.entered_by
    if recipient is None or not recipient.is_active:
        return False
    with in_language_of(recipient):
        quarter = record.period.as_quarter
        context = {
            "name": recipient.get_short_name(),
            "partnership": partnership.name,
            "measure": f"{record.measure.code} {record.measure.name}".strip(),
            "quarter": quarter.label,
            "reason": record.return_reason,
            "url": my_measures_url(partnership=partnership, quarter=quarter),
        }
        subject = render_to_string("kpis/email/returned_subject.txt", context)
        body = render_to_string("kpis/email/returned.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()), body=body, to=[recipient.email]
    ).send()
    return True
