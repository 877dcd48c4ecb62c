"""Property tests of the date logic, for any year-start month and any day.

Quarter labels, which reporting year a quarter belongs to, the quarter being
reported, deadlines and the days on which reminders fall due hold on every
calendar day, not only on the day the suite happens to run.
"""

import contextlib
import datetime
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis import services
from kpis.models import Reminder
from kpis.periods import Quarter, year_label
from kpis.reminders import reminder_schedule, reminders_send
from partnerships.models import Partnership, Role
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

days = st.dates(
    min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)
)
start_months = st.integers(min_value=1, max_value=12)
quarters = st.builds(
    Quarter,
    year=st.integers(min_value=1990, max_value=2100),
    quarter=st.integers(min_value=1, max_value=4),
    start_month=start_months,
)


@given(day=days, start_month=start_months)
def test_the_quarter_containing_a_day_runs_over_that_day(day, start_month):
    quarter = Quarter.containing(day, start_month)
    assert quarter.starts_on <= day <= quarter.ends_on
    assert quarter.starts_on.day == 1
    assert (quarter.ends_on + datetime.timedelta(days=1)).day == 1


@given(day=days, start_month=start_months)
def test_a_day_belongs_to_the_reporting_year_that_started_before_it(day, start_month):
    quarter = Quarter.containing(day, start_month)
    year_start = datetime.date(quarter.year, start_month, 1)
    next_year_start = datetime.date(quarter.year + 1, start_month, 1)
    assert year_start <= day < next_year_start
    # The year's first quarter starts on the year's first day.
    assert Quarter(quarter.year, 1, start_month).starts_on == year_start


@given(quarter=quarters)
def test_a_year_is_four_quarters_of_three_months_end_to_end(quarter):
    year = [Quarter(quarter.year, q, quarter.start_month) for q in (1, 2, 3, 4)]
    assert year[0].starts_on == datetime.date(quarter.year, quarter.start_month, 1)
    for earlier, later in zip(year, year[1:], strict=False):
        assert earlier.ends_on + datetime.timedelta(days=1) == later.starts_on
    assert year[3].next().starts_on == datetime.date(
        quarter.year + 1, quarter.start_month, 1
    )
    for each in year:
        months = (each.ends_on.year - each.starts_on.year) * 12 + (
            each.ends_on.month - each.starts_on.month
        )
        assert months == 2


@given(quarter=quarters)
def test_next_and_previous_undo_each_other_and_keep_order(quarter):
    assert quarter.next().previous() == quarter
    assert quarter.previous().next() == quarter
    assert quarter.previous() < quarter < quarter.next()
    assert quarter.next().starts_on == quarter.ends_on + datetime.timedelta(days=1)
    back = quarter.back(5)
    assert back[-1] == quarter
    assert back == sorted(back)
    assert all(a.next() == b for a, b in zip(back, back[1:], strict=False))


@given(quarter=quarters)
def test_a_quarter_label_names_its_year_and_its_number(quarter):
    assert quarter.label == f"{quarter.year_label} Q{quarter.quarter}"
    if quarter.start_month == 1:
        assert quarter.year_label == str(quarter.year)
    else:
        first, second = quarter.year_label.split("/")
        assert int(first) == quarter.year
        assert int(second) == (quarter.year + 1) % 100
    assert year_label(quarter.year, quarter.start_month) == quarter.year_label


@given(day=days, start_month=start_months)
def test_the_quarter_being_reported_is_the_latest_that_has_ended(day, start_month):
    reported = Quarter.containing(day, start_month).previous()
    assert reported.ends_on < day
    assert reported.next().ends_on >= day


def partnership_with(*, start_month, deadline_days, days_before, overdue):
    return Partnership(
        name="Dates",
        slug="dates",
        reporting_year_start_month=start_month,
        quarter_deadline_days=deadline_days,
        reminder_days_before=days_before,
        remind_when_overdue=overdue,
    )


settings_of_a_partnership = st.fixed_dictionaries(
    {
        "start_month": start_months,
        "deadline_days": st.integers(min_value=0, max_value=120),
        "days_before": st.integers(min_value=0, max_value=60),
        "overdue": st.booleans(),
    }
)


@given(quarter=quarters, chosen=settings_of_a_partnership)
def test_the_deadline_is_the_set_number_of_days_after_the_quarter(quarter, chosen):
    partnership = partnership_with(**chosen)
    deadline = partnership.deadline_for(quarter)
    assert deadline > quarter.ends_on or chosen["deadline_days"] == 0
    assert (deadline - quarter.ends_on).days == chosen["deadline_days"]


@settings(max_examples=60, deadline=None)
@given(quarter=quarters, chosen=settings_of_a_partnership)
def test_each_reminder_falls_due_on_the_days_its_settings_say(quarter, chosen):
    """Day by day around a quarter: when each reminder is due, and never missed.

    The early reminder is due on every day from N days before the deadline to
    the deadline; the overdue one from the day after the deadline for at least
    30 days. Reminder rows (unique per quarter and reason) turn "due on these
    days" into "sent once".
    """
    partnership = partnership_with(**chosen)
    quarter = Quarter(quarter.year, quarter.quarter, chosen["start_month"])
    deadline = partnership.deadline_for(quarter)
    first_day = quarter.starts_on - datetime.timedelta(days=70)
    last_day = deadline + datetime.timedelta(days=60)
    due_soon, overdue = [], []
    day = first_day
    while day <= last_day:
        for due in reminder_schedule(partnership=partnership, today=day):
            if due.quarter != quarter:
                continue
            assert due.deadline == deadline
            if due.reason == Reminder.Reason.DUE_SOON:
                due_soon.append(day)
            else:
                overdue.append(day)
        day += datetime.timedelta(days=1)

    if chosen["days_before"]:
        window_start = deadline - datetime.timedelta(days=chosen["days_before"])
        assert due_soon[0] == window_start
        assert due_soon[-1] == deadline
        assert len(due_soon) == chosen["days_before"] + 1
    else:
        assert due_soon == []
    if chosen["overdue"]:
        assert overdue[0] == deadline + datetime.timedelta(days=1)
        assert len(overdue) >= 30
        assert all(day > deadline for day in overdue)
    else:
        assert overdue == []
    assert not set(due_soon) & set(overdue)


class _Rollback(Exception):
    """Undoes one hypothesis example's rows, inside the test's transaction."""


@pytest.mark.django_db
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chosen=settings_of_a_partnership,
    first_day=st.dates(
        min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2030, 12, 31)
    ),
)
def test_over_a_year_of_hourly_runs_each_reminder_is_sent_exactly_once(
    chosen, first_day
):
    """Beat runs the task every hour: over a year of days, with a second run
    on each day a reminder first falls due, every due reminder goes exactly
    once, and none that is not due goes at all."""
    with contextlib.suppress(_Rollback), transaction.atomic():
        mail.outbox = []
        partnership = PartnershipFactory(
            reporting_year_start_month=chosen["start_month"],
            quarter_deadline_days=chosen["deadline_days"],
            reminder_days_before=chosen["days_before"],
            remind_when_overdue=chosen["overdue"],
        )
        measure = MeasureFactory(partnership=partnership)
        lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
        services.measure_assign_lead(
            partnership=partnership, measure=measure, user=lead
        )
        expected = set()
        day = first_day
        for _ in range(370):
            due_today = {
                (due.quarter.key, due.reason)
                for due in reminder_schedule(partnership=partnership, today=day)
            }
            # A reminder is still due on the days after it was sent; on the
            # first day it is due, beat runs again within the day.
            runs = 2 if due_today - expected else 1
            expected |= due_today
            for _run in range(runs):
                reminders_send(partnership=partnership, today=day)
            day += datetime.timedelta(days=1)
        sent = Counter(
            Reminder.objects.filter(partnership=partnership).values_list(
                "year", "quarter", "reason"
            )
        )
        assert all(count == 1 for count in sent.values())
        assert {
            (Quarter(y, q, chosen["start_month"]).key, reason)
            for (y, q, reason) in sent
        } == expected
        assert len(mail.outbox) == len(expected)
        assert all(message.to == [lead.email] for message in mail.outbox)
        raise _Rollback
