"""The admins' daily digest: the figures submitted, approved and returned.

Once a day (beat runs ``kpis.tasks.send_admin_digests``) each admin of each
partnership who has not turned it off (Your account) gets one email listing
the review events since their previous digest, in their own language. A day
with nothing to say sends nothing. ``DigestSent`` rows, one per admin,
partnership and day (held unique by the database), are what make "once a
day" true however often the task runs; each covers the events up to its
``covered_until``, and the next digest starts from there, so no submission
is in two digests.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships.i18n import in_language_of
from partnerships.models import Membership, Partnership, Role, User

from .models import DigestSent, QuarterlyValue, ReviewStatus
from .rules import value_display

logger = logging.getLogger(__name__)

ONCE_CONSTRAINT = "digest_once_per_admin_and_day"
# A first digest reaches back this far; later ones start where the last ended.
FIRST_DIGEST_REACH = datetime.timedelta(days=1)


@dataclass
class DigestContent:
    submitted: list[QuarterlyValue] = field(default_factory=list)
    approved: list[QuarterlyValue] = field(default_factory=list)
    returned: list[QuarterlyValue] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.submitted) + len(self.approved) + len(self.returned)


def digest_content(
    *, partnership: Partnership, since: datetime.datetime, until: datetime.datetime
) -> DigestContent:
    """What happened to the partnership's figures after ``since`` up to
    ``until``: submitted (whatever became of them since), and approved or
    returned as they stand now. One query."""
    in_window = Q(submitted_at__gt=since, submitted_at__lte=until) | Q(
        reviewed_at__gt=since,
        reviewed_at__lte=until,
        status__in=[ReviewStatus.APPROVED, ReviewStatus.RETURNED],
    )
    values = (
        QuarterlyValue.objects.filter(in_window, partnership=partnership)
        .select_related("measure", "period", "submitted_by", "reviewed_by")
        .order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        )
    )
    content = DigestContent()
    for value in values:
        if value.submitted_at and since < value.submitted_at <= until:
            content.submitted.append(value)
        if value.reviewed_at and since < value.reviewed_at <= until:
            if value.status == ReviewStatus.APPROVED:
                content.approved.append(value)
            elif value.status == ReviewStatus.RETURNED:
                content.returned.append(value)
    return content


def digest_recipients(*, partnership: Partnership) -> list[User]:
    """The partnership's active admins who want the digest."""
    return [
        m.user
        for m in Membership.objects.filter(
            partnership=partnership,
            role=Role.ADMIN,
            user__is_active=True,
            user__wants_daily_digest=True,
        )
        .select_related("user")
        .order_by("user__email")
    ]


def digests_send(*, partnership: Partnership, now: datetime.datetime) -> int:
    """Email each admin their digest for today, if there is anything to say
    and none went today; the number sent.

    An email that cannot be sent is logged and left unrecorded, so the next
    run tries it again; it does not stop the others.
    """
    day = timezone.localdate(now)
    last_covered = {
        user_id: covered
        for user_id, covered in DigestSent.objects.filter(partnership=partnership)
        .order_by("user_id", "-covered_until")
        .distinct("user_id")
        .values_list("user_id", "covered_until")
    }
    sent_today = set(
        DigestSent.objects.filter(partnership=partnership, day=day).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    contents: dict[datetime.datetime, DigestContent] = {}
    for user in digest_recipients(partnership=partnership):
        if user.pk in sent_today:
            continue
        since = last_covered.get(user.pk, now - FIRST_DIGEST_REACH)
        if since not in contents:
            contents[since] = digest_content(
                partnership=partnership, since=since, until=now
            )
        content = contents[since]
        if not content.count:
            continue
        try:
            sent += _digest_record_and_send(
                partnership=partnership, user=user, content=content, day=day, now=now
            )
        except Exception:
            logger.exception(
                "Daily digest to user %s for partnership %s could not be sent; "
                "the next run tries again",
                user.pk,
                partnership.pk,
            )
    return sent


def _digest_record_and_send(
    *,
    partnership: Partnership,
    user: User,
    content: DigestContent,
    day: datetime.date,
    now: datetime.datetime,
) -> bool:
    """Record the digest and send it, in one savepoint (a failed send takes
    the row with it); False when another run already sent today's."""
    message = _digest_email(partnership=partnership, user=user, content=content)
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                partnership=partnership,
                user=user,
                day=day,
                covered_until=now,
                figure_count=content.count,
            )
            message.send()
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) == ONCE_CONSTRAINT:
            return False
        raise
    return True


def _line(value: QuarterlyValue) -> str:
    return (
        f"{value.period.as_quarter.label} · {value.measure.code} "
        f"{value.measure.name}: {value_display(value.measure.value_type, value)}"
    )


def _digest_email(
    *, partnership: Partnership, user: User, content: DigestContent
) -> EmailMessage:
    # The recipient's language for all of it: labels, quarters and the link.
    with in_language_of(user):
        path = reverse("kpis:quarter_review", kwargs={"slug": partnership.slug})
        context = {
            "name": user.get_short_name(),
            "partnership": partnership.name,
            "count": content.count,
            "submitted": [_line(v) for v in content.submitted],
            "approved": [_line(v) for v in content.approved],
            "returned": [(_line(v), v.return_reason) for v in content.returned],
            "url": settings.SITE_URL.rstrip("/") + path,
        }
        subject = render_to_string("kpis/email/digest_subject.txt", context)
        body = render_to_string("kpis/email/digest.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])
