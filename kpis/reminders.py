"""Quarter deadline reminders: one email per lead, quarter and reason.

A lead hears once shortly before a quarter's deadline and once after it has
passed, each only when some of their measures are still outstanding. The
``Reminder`` rows, held unique by the database, are what make "once" true
however often beat runs the task.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from partnerships.i18n import in_language_of
from partnerships.models import Membership, Partnership, Role, User

from .models import (
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    Reminder,
    ReviewStatus,
)
from .periods import Quarter
from .selectors import first_reporting_quarter_set

logger = logging.getLogger(__name__)

ONCE_CONSTRAINT = "reminder_once_per_quarter_and_reason"
# An overdue reminder for a quarter that is no longer the latest ended one is
# sent only this long after its deadline, so that turning overdue reminders on,
# or assigning a lead, does not bring up quarters long past.
OVERDUE_REMINDER_WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class DueReminder:
    quarter: Quarter
    reason: str
    deadline: datetime.date


def outstanding_measures(
    *, partnership: Partnership, quarter: Quarter
) -> dict[User, list[PerformanceMeasure]]:
    """Each lead's assigned measures still to be submitted for the quarter.

    A measure is outstanding when the quarter has no figure for it, or the
    figure is a draft or was returned; submitted and approved ones are done.
    Each measure carries ``figure_status``: None (no figure), draft or
    returned. Leads are users assigned in ``MeasureLead`` whose membership is
    lead or admin; one query, however many leads and measures.
    """
    figure_status = QuarterlyValue.objects.filter(
        partnership=partnership,
        measure=OuterRef("measure"),
        period__year=quarter.year,
        period__quarter=quarter.quarter,
    ).values("status")[:1]
    can_enter = Membership.objects.filter(
        partnership=partnership,
        user=OuterRef("user"),
        role__in=[Role.LEAD, Role.ADMIN],
    )
    assignments = (
        MeasureLead.objects.filter(partnership=partnership, user__is_active=True)
        .filter(Exists(can_enter))
        .annotate(figure_status=Subquery(figure_status))
        .filter(
            Q(figure_status__isnull=True)
            | Q(figure_status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        )
        .select_related("user", "measure")
        .order_by(
            "user__full_name",
            "user__email",
            "measure__position",
            "measure__code",
        )
    )
    outstanding: dict[User, list[PerformanceMeasure]] = {}
    for assignment in assignments:
        measure = assignment.measure
        measure.figure_status = assignment.figure_status
        outstanding.setdefault(assignment.user, []).append(measure)
    return outstanding


def reminder_schedule(
    *, partnership: Partnership, today: datetime.date
) -> list[DueReminder]:
    """The quarters and reasons whose reminders fall due today, by the calendar.

    Looks at the last two quarters that have ended (a deadline can be up to
    120 days after its quarter, so the one before the latest may still be
    open) and at the current quarter, whose early reminder starts before it
    ends when the days before the deadline outnumber the days after the
    quarter. Reads only the partnership's settings, not the database.
    """
    current = Quarter.containing(today, partnership.reporting_year_start_month)
    latest_ended = current.previous()
    due = []
    for quarter in (latest_ended.previous(), latest_ended, current):
        deadline = partnership.deadline_for(quarter)
        days_before = datetime.timedelta(days=partnership.reminder_days_before)
        if partnership.reminder_days_before and (
            deadline - days_before <= today <= deadline
        ):
            due.append(DueReminder(quarter, Reminder.Reason.DUE_SOON, deadline))
        elif (
            partnership.remind_when_overdue
            and today > deadline
            and (quarter == latest_ended or today - deadline <= OVERDUE_REMINDER_WINDOW)
        ):
            due.append(DueReminder(quarter, Reminder.Reason.OVERDUE, deadline))
    return due


def reminders_due(
    *, partnership: Partnership, today: datetime.date
) -> list[DueReminder]:
    """The reminders due today (``reminder_schedule``) for quarters not locked.

    Locked quarters are done with, so they have none; quarters before the
    partnership's first reporting quarter were never due, so none either.
    """
    due = reminder_schedule(partnership=partnership, today=today)
    if not due:
        return []
    first = first_reporting_quarter_set(partnership)
    if first is not None:
        due = [r for r in due if not r.quarter < first]
    if not due:
        return []
    locked = Q()
    for reminder in due:
        locked |= Q(year=reminder.quarter.year, quarter=reminder.quarter.quarter)
    locked_quarters = set(
        Period.objects.filter(
            locked, partnership=partnership, locked_at__isnull=False
        ).values_list("year", "quarter")
    )
    return [
        r for r in due if (r.quarter.year, r.quarter.quarter) not in locked_quarters
    ]


def reminders_send(*, partnership: Partnership, today: datetime.date) -> int:
    """Email each lead whose figures are due soon or overdue; the number sent.

    Safe to run any number of times a day: a lead gets at most one email per
    quarter and reason. An email that cannot be sent is logged and left
    unrecorded, so the next run tries it again; it does not stop the others,
    nor undo the record of those already sent.
    """
    sent = 0
    for due in reminders_due(partnership=partnership, today=today):
        already = set(
            Reminder.objects.filter(
                partnership=partnership,
                year=due.quarter.year,
                quarter=due.quarter.quarter,
                reason=due.reason,
            ).values_list("user_id", flat=True)
        )
        leads = outstanding_measures(partnership=partnership, quarter=due.quarter)
        for user, measures in leads.items():
            if user.pk in already:
                continue
            try:
                sent += _reminder_record_and_send(
                    partnership=partnership,
                    user=user,
                    due=due,
                    measures=measures,
                    today=today,
                )
            except Exception:
                logger.exception(
                    "%s reminder for %s to user %s could not be sent; "
                    "the next run tries again",
                    due.reason,
                    due.quarter.label,
                    user.pk,
                )
    return sent


def _reminder_record_and_send(
    *,
    partnership: Partnership,
    user: User,
    due: DueReminder,
    measures: list[PerformanceMeasure],
    today: datetime.date,
) -> bool:
    """Record the reminder and send it: False when another run already did.

    The row is written first and the email sent inside the same savepoint, so
    a failed send takes the row with it. A run racing this one waits on the
    unique constraint and then finds the row.
    """
    message = _reminder_email(
        partnership=partnership, user=user, due=due, measures=measures, today=today
    )
    try:
        with transaction.atomic():
            Reminder.objects.create(
                partnership=partnership,
                user=user,
                year=due.quarter.year,
                quarter=due.quarter.quarter,
                reason=due.reason,
                measure_count=len(measures),
            )
            message.send()
    except IntegrityError as error:
        if _violated_constraint(error) == ONCE_CONSTRAINT:
            return False
        raise
    return True


def _violated_constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def my_measures_url(*, partnership: Partnership, quarter: Quarter) -> str:
    path = reverse("kpis:my_measures", kwargs={"slug": partnership.slug})
    query = f"?quarter={quarter.key}"
    return settings.SITE_URL.rstrip("/") + path + query


def _reminder_email(
    *,
    partnership: Partnership,
    user: User,
    due: DueReminder,
    measures: list[PerformanceMeasure],
    today: datetime.date,
) -> EmailMessage:
    # The recipient's language for all of it: the quarter's label, the dates
    # and the link (a Welsh reader's goes to the Welsh page).
    with in_language_of(user):
        context = {
            "name": user.get_short_name(),
            "partnership": partnership.name,
            "reason": due.reason,
            "quarter": due.quarter.label,
            "deadline": due.deadline,
            "days_overdue": (today - due.deadline).days,
            "measures": measures,
            "count": len(measures),
            "url": my_measures_url(partnership=partnership, quarter=due.quarter),
        }
        subject = render_to_string("kpis/email/reminder_subject.txt", context)
        body = render_to_string("kpis/email/reminder.txt", context)
    # A header cannot hold a line break.
    subject = " ".join(subject.split())
    return EmailMessage(subject=subject, body=body, to=[user.email])
