import datetime
import logging
from collections import Counter
from decimal import Decimal as D

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from civic.celery import app as celery_app
from kpis import recording, review, services
from kpis.models import QuarterlyValue, Reminder
from kpis.periods import Quarter
from kpis.reminders import outstanding_measures, reminders_send
from kpis.tasks import send_quarter_reminders
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# With an April start, 2026/27 Q2 runs July to September 2026; with the
# default 30 days its figures are due on 30 October 2026, and with the default
# 7 days' notice the early reminder goes from 23 October.
Q2 = Quarter(2026, 2, 4)
DEADLINE = datetime.date(2026, 10, 30)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def make_partnership(**fields):
    return PartnershipFactory(reporting_year_start_month=4, **fields)


def make_lead(partnership, *measures, role=Role.LEAD, **user_fields):
    user = MembershipFactory(
        partnership=partnership, role=role, user=UserFactory(**user_fields)
    ).user
    for measure in measures:
        services.measure_assign_lead(
            partnership=partnership, measure=measure, user=user
        )
    return user


def make_admin(partnership):
    return MembershipFactory(partnership=partnership, role=Role.ADMIN).user


def record(partnership, measure, actor, quarter=Q2, value=10):
    period = services.period_get_or_create(partnership=partnership, quarter=quarter)
    return recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=period,
        actor=actor,
        value=D(value),
    )


@pytest.fixture
def partnership():
    return make_partnership()


@pytest.fixture
def one_lead(partnership):
    """A lead with two measures that have no figure for Q2."""
    measures = [
        MeasureFactory(partnership=partnership, code="CU1", name="Pupils taking part"),
        MeasureFactory(partnership=partnership, code="CU2", name="Schools signed up"),
    ]
    lead = make_lead(
        partnership, *measures, full_name="Ann Jones", email="ann@example.net"
    )
    return lead, measures


def q2_values(partnership):
    return QuarterlyValue.objects.filter(
        partnership=partnership, period__year=Q2.year, period__quarter=Q2.quarter
    )


def sent_to(outbox) -> Counter:
    return Counter(address for message in outbox for address in message.to)


# The outstanding list


def test_outstanding_measures_are_missing_draft_and_returned_ones(
    partnership, django_assert_num_queries
):
    admin = make_admin(partnership)
    missing, draft, returned, submitted, approved = (
        MeasureFactory(partnership=partnership, code=f"M{n}", position=n)
        for n in range(1, 6)
    )
    lead = make_lead(partnership, missing, draft, returned, submitted, approved)
    for measure in (returned, submitted, approved):
        record(partnership, measure, lead)
    review.quarter_submit(partnership=partnership, quarter=Q2, actor=lead)
    values = {v.measure_id: v for v in q2_values(partnership)}
    review.value_approve(
        partnership=partnership, value_id=values[approved.pk].pk, actor=admin
    )
    review.value_return(
        partnership=partnership,
        value_id=values[returned.pk].pk,
        actor=admin,
        reason="Please check the count against the register.",
    )
    record(partnership, draft, lead)
    # Figures of another quarter do not count for this one.
    record(partnership, missing, lead, quarter=Q2.previous())

    with django_assert_num_queries(1):
        outstanding = outstanding_measures(partnership=partnership, quarter=Q2)

    assert list(outstanding) == [lead]
    assert [(m.code, m.figure_status) for m in outstanding[lead]] == [
        ("M1", None),
        ("M2", "draft"),
        ("M3", "returned"),
    ]


def test_outstanding_measures_keep_each_lead_to_their_own_measures(partnership):
    mine = MeasureFactory(partnership=partnership)
    theirs = MeasureFactory(partnership=partnership)
    unassigned = MeasureFactory(partnership=partnership)
    lead = make_lead(partnership, mine)
    admin_lead = make_lead(partnership, theirs, role=Role.ADMIN)
    # Someone assigned while a lead and since made a viewer is not chased.
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    MeasureLeadFactory(measure=unassigned, user=viewer)

    outstanding = outstanding_measures(partnership=partnership, quarter=Q2)

    assert outstanding == {lead: [mine], admin_lead: [theirs]}


def test_outstanding_measures_never_include_another_partnerships(partnership):
    measure = MeasureFactory(partnership=partnership)
    lead = make_lead(partnership, measure)
    other = make_partnership()
    other_lead = make_lead(other, MeasureFactory(partnership=other))
    # The same person leading in both partnerships sees only this one's here.
    services.measure_assign_lead(
        partnership=other,
        measure=MeasureFactory(partnership=other),
        user=MembershipFactory(partnership=other, role=Role.LEAD, user=lead).user,
    )

    outstanding = outstanding_measures(partnership=partnership, quarter=Q2)

    assert outstanding == {lead: [measure]}
    assert other_lead not in outstanding


def test_a_lead_with_nothing_outstanding_gets_no_reminder(partnership, mailoutbox):
    admin = make_admin(partnership)
    submitted, approved = MeasureFactory.create_batch(2, partnership=partnership)
    lead = make_lead(partnership, submitted, approved)
    record(partnership, submitted, lead)
    record(partnership, approved, lead)
    review.quarter_submit(partnership=partnership, quarter=Q2, actor=lead)
    approved_value = q2_values(partnership).get(measure=approved)
    review.value_approve(
        partnership=partnership, value_id=approved_value.pk, actor=admin
    )

    assert outstanding_measures(partnership=partnership, quarter=Q2) == {}
    assert reminders_send(partnership=partnership, today=DEADLINE) == 0
    assert reminders_send(partnership=partnership, today=day("2026-11-02")) == 0
    assert mailoutbox == []


# When reminders go


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-10-22", 0),  # eight days before: too early
        ("2026-10-23", 1),  # seven days before
        ("2026-10-30", 1),  # the deadline itself
    ],
)
def test_due_soon_reminder_goes_in_the_days_before_the_deadline(
    partnership, one_lead, mailoutbox, today, expected
):
    assert reminders_send(partnership=partnership, today=day(today)) == expected
    assert len(mailoutbox) == expected
    if expected:
        assert mailoutbox[0].subject == (
            f"Reminder: your 2026/27 Q2 figures for {partnership.name} are due by "
            "30 October 2026"
        )
        assert Reminder.objects.get().reason == Reminder.Reason.DUE_SOON


def test_no_reminder_before_the_window_opens(partnership, one_lead, mailoutbox):
    for date in ("2026-10-01", "2026-10-15", "2026-10-22"):
        assert reminders_send(partnership=partnership, today=day(date)) == 0
    assert mailoutbox == []


def test_overdue_reminder_goes_after_the_deadline(partnership, one_lead, mailoutbox):
    lead, _measures = one_lead

    assert reminders_send(partnership=partnership, today=day("2026-11-02")) == 1

    (message,) = mailoutbox
    assert message.to == [lead.email]
    assert message.subject == f"Overdue: your 2026/27 Q2 figures for {partnership.name}"
    assert "were due on 30 October 2026, 3 days ago." in message.body
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.year, reminder.quarter, reminder.reason) == (
        lead,
        2026,
        2,
        Reminder.Reason.OVERDUE,
    )
    assert reminder.measure_count == 2


def test_no_early_reminder_when_days_before_is_zero(one_lead, mailoutbox):
    lead, measures = one_lead
    partnership = measures[0].partnership
    partnership.reminder_days_before = 0
    partnership.save(update_fields=["reminder_days_before"])

    for date in ("2026-10-01", "2026-10-23", "2026-10-29", "2026-10-30"):
        assert reminders_send(partnership=partnership, today=day(date)) == 0
    assert mailoutbox == []
    assert reminders_send(partnership=partnership, today=day("2026-10-31")) == 1
    assert "1 day ago." in mailoutbox[0].body


def test_no_overdue_reminder_when_turned_off(one_lead, mailoutbox):
    _lead, measures = one_lead
    partnership = measures[0].partnership
    partnership.remind_when_overdue = False
    partnership.save(update_fields=["remind_when_overdue"])

    for date in ("2026-10-31", "2026-11-15", "2026-12-31"):
        assert reminders_send(partnership=partnership, today=day(date)) == 0
    assert mailoutbox == []


def test_a_locked_quarter_gets_no_reminders(partnership, one_lead, mailoutbox):
    review.period_lock(
        partnership=partnership, quarter=Q2, actor=make_admin(partnership)
    )

    assert reminders_send(partnership=partnership, today=day("2026-10-25")) == 0
    assert reminders_send(partnership=partnership, today=day("2026-11-02")) == 0
    assert mailoutbox == []


def test_overdue_reminders_stop_once_a_quarter_is_old(one_lead, mailoutbox):
    """The latest ended quarter is chased; an older one only for 30 days."""
    _lead, measures = one_lead
    partnership = measures[0].partnership

    # Q3 (October to December) has ended and its deadline is still ahead, so
    # Q2 is no longer the latest, and its deadline passed 67 days ago.
    assert reminders_send(partnership=partnership, today=day("2027-01-05")) == 0
    assert mailoutbox == []


def test_a_long_deadline_reaches_back_to_the_quarter_before_the_latest():
    partnership = make_partnership(quarter_deadline_days=100)
    lead = make_lead(partnership, MeasureFactory(partnership=partnership))
    # Q2's deadline is 8 January 2027, after Q3 has ended.
    assert partnership.deadline_for(Q2) == day("2027-01-08")

    assert reminders_send(partnership=partnership, today=day("2027-01-02")) == 1
    assert reminders_send(partnership=partnership, today=day("2027-01-20")) == 1
    assert [(r.quarter, r.reason) for r in Reminder.objects.order_by("sent_at")] == [
        (2, Reminder.Reason.DUE_SOON),
        (2, Reminder.Reason.OVERDUE),
    ]
    assert sent_to(mail.outbox) == {lead.email: 2}


def test_an_old_quarters_overdue_reminder_is_not_sent_after_thirty_days():
    partnership = make_partnership(quarter_deadline_days=100)
    make_lead(partnership, MeasureFactory(partnership=partnership))

    # 31 days after Q2's deadline of 8 January, with Q3 the latest ended.
    assert reminders_send(partnership=partnership, today=day("2027-02-08")) == 0


def test_an_early_reminder_can_come_before_the_quarter_ends(mailoutbox):
    partnership = make_partnership(
        quarter_deadline_days=0, reminder_days_before=7, remind_when_overdue=False
    )
    make_lead(partnership, MeasureFactory(partnership=partnership))

    assert reminders_send(partnership=partnership, today=day("2026-09-25")) == 1
    assert "are due by 30 September 2026" in mailoutbox[0].subject


# The email


def test_the_email_lists_the_measures_and_links_to_my_measures(
    partnership, one_lead, mailoutbox, settings
):
    settings.SITE_URL = "https://civic.example.org/"
    lead, _measures = one_lead
    admin = make_admin(partnership)
    drafted = MeasureFactory(
        partnership=partnership, code="CU3", name="Parents & carers at events"
    )
    services.measure_assign_lead(partnership=partnership, measure=drafted, user=lead)
    record(partnership, drafted, admin)

    reminders_send(partnership=partnership, today=day("2026-10-23"))

    (message,) = mailoutbox
    body = message.body
    assert body.startswith("Hello Ann,\n")
    assert "are due by 30 October 2026" in body
    assert "You have 3 measures still to submit:" in body
    assert "- CU1 Pupils taking part (no figure yet)\n" in body
    assert "- CU2 Schools signed up (no figure yet)\n" in body
    assert "- CU3 Parents & carers at events (entered but not submitted)\n" in body
    assert (
        f"https://civic.example.org/p/{partnership.slug}/my-measures/?quarter=2026-2"
        in body
    )
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL


def test_one_measure_reads_in_the_singular(partnership, mailoutbox):
    make_lead(partnership, MeasureFactory(partnership=partnership))

    reminders_send(partnership=partnership, today=day("2026-10-31"))

    assert "You have 1 measure still to submit:" in mailoutbox[0].body


class FailingForSomeBackend(LocmemBackend):
    """The outgoing server refusing one address, and taking the others."""

    def send_messages(self, messages):
        if any("refused" in address for m in messages for address in m.to):
            raise ConnectionRefusedError("The mail server refused the message.")
        return super().send_messages(messages)


def test_a_failed_send_is_not_recorded_and_is_retried_next_run(
    partnership, one_lead, settings, caplog
):
    lead, _measures = one_lead
    refused = make_lead(
        partnership,
        MeasureFactory(partnership=partnership),
        email="refused@example.net",
    )
    settings.EMAIL_BACKEND = f"{__name__}.FailingForSomeBackend"

    with caplog.at_level(logging.ERROR, logger="kpis.reminders"):
        assert reminders_send(partnership=partnership, today=day("2026-10-24")) == 1

    assert sent_to(mail.outbox) == {lead.email: 1}
    assert [r.user for r in Reminder.objects.all()] == [lead]
    assert "could not be sent" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send(partnership=partnership, today=day("2026-10-25")) == 1
    assert sent_to(mail.outbox) == {lead.email: 1, refused.email: 1}


# The beat task


def test_reminders_are_sent_exactly_once_across_two_beat_runs(mailoutbox):
    first = make_partnership()
    ann = make_lead(first, *MeasureFactory.create_batch(2, partnership=first))
    bob = make_lead(first, MeasureFactory(partnership=first), role=Role.ADMIN)
    second = make_partnership(reminder_days_before=14)
    cat = make_lead(second, MeasureFactory(partnership=second))

    def beat(date: str) -> int:
        return send_quarter_reminders.apply(kwargs={"today": date}).get()

    assert beat("2026-10-23") == 3
    assert beat("2026-10-23") == 0
    assert beat("2026-10-24") == 0
    assert sent_to(mailoutbox) == {ann.email: 1, bob.email: 1, cat.email: 1}

    assert beat("2026-10-31") == 3
    assert beat("2026-10-31") == 0
    assert beat("2026-11-01") == 0

    reasons = Counter(
        (message.to[0], message.subject.split(":")[0]) for message in mailoutbox
    )
    assert reasons == {
        (email, reason): 1
        for email in (ann.email, bob.email, cat.email)
        for reason in ("Reminder", "Overdue")
    }
    assert Reminder.objects.count() == 6


def test_the_beat_task_runs_each_partnership_in_its_own_tenant_scope(mailoutbox):
    """Under row-level security each partnership sees only its own leads."""
    first, second = make_partnership(), make_partnership()
    ann = make_lead(first, MeasureFactory(partnership=first))
    cat = make_lead(second, MeasureFactory(partnership=second))

    assert send_quarter_reminders.apply(kwargs={"today": "2026-10-31"}).get() == 2
    assert {(m.to[0], first.name in m.subject) for m in mailoutbox} == {
        (ann.email, True),
        (cat.email, False),
    }


def test_the_beat_schedule_names_a_registered_task():
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["quarter-reminders"]

    assert entry["task"] == send_quarter_reminders.name
    assert entry["task"] in celery_app.tasks
