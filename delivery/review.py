"""The action updates' part in the quarter's cycle (``kpis.review``)."""

from django.utils.translation import ngettext

from kpis.models import ReviewStatus
from kpis.review import QuarterReturn

from . import services
from .models import ActionUpdate


def _submitted_message(count: int) -> str:
    return ngettext(
        "Submitted %(count)d action update for review.",
        "Submitted %(count)d action updates for review.",
        count,
    ) % {"count": count}


def _waiting(*, partnership, period) -> str | None:
    count = (
        ActionUpdate.objects.filter(partnership=partnership, period=period)
        .exclude(review_status=ReviewStatus.APPROVED)
        .count()
    )
    if not count:
        return None
    return ngettext(
        "%(count)s action update of %(quarter)s is not approved yet. Approve or "
        "return it on the action plan's review page before locking the quarter.",
        "%(count)s action updates of %(quarter)s are not approved yet. Approve or "
        "return them on the action plan's review page before locking the quarter.",
        count,
    ) % {"count": count, "quarter": period.label}


ACTION_UPDATES = QuarterReturn(
    name="action_updates",
    submit=services.action_updates_submit,
    submitted_message=_submitted_message,
    waiting=_waiting,
)
