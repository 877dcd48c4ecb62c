"""Milestones are judged against their due quarter, and done stays done, in
the one place the year figure is made (kpis.rules, kpis.year) and so on the
measure page, the years API, the dashboard and the report alike."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import services
from kpis.models import Aggregation, Direction, ValueType
from kpis.periods import Quarter
from kpis.rules import Entry, Status, judged_on, status
from kpis.selectors import year_summary
from partnerships.models import Role
from tests.api import bearer
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    QuarterlyValueFactory,
)

APRIL = 4
# Due in December 2026: 2026/27 Q3 (October to December) of an April year.
DUE = Quarter(2026, 3, APRIL)


def milestone(entries, *, due=DUE, as_of, done_earlier=False):
    return status(
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        direction=Direction.UP,
        annual_target=D(1),
        entries=entries,
        done_earlier=done_earlier,
        due=due,
        as_of=as_of,
    )


def test_not_done_before_its_due_quarter_ends_is_on_track():
    # October 2026: due in December, not done yet, so not yet due.
    october = datetime.date(2026, 10, 20)
    assert milestone([Entry(3, D(0))], as_of=october) == Status.ON_TRACK
    # The last day of the due quarter still counts as in time.
    assert (
        milestone([Entry(3, D(0))], as_of=datetime.date(2026, 12, 31))
        == Status.ON_TRACK
    )


def test_not_done_once_its_due_quarter_has_ended_is_off_track():
    january = datetime.date(2027, 1, 1)
    assert milestone([Entry(3, D(0))], as_of=january) == Status.OFF_TRACK


def test_done_is_on_track_whenever_it_was_due():
    late = datetime.date(2027, 3, 1)
    assert milestone([Entry(3, D(0)), Entry(4, D(1))], as_of=late) == Status.ON_TRACK


def test_done_in_an_earlier_year_stays_done_and_on_track():
    next_year = datetime.date(2027, 6, 1)
    assert milestone([], as_of=next_year, done_earlier=True) == Status.ON_TRACK


def test_no_figure_at_all_is_no_data_even_past_due():
    assert milestone([], as_of=datetime.date(2027, 6, 1)) == Status.NO_DATA


def test_without_a_due_quarter_the_year_end_rule_holds():
    assert milestone([Entry(2, D(0))], due=None, as_of=None) == Status.AT_RISK
    assert milestone([Entry(4, D(0))], due=None, as_of=None) == Status.OFF_TRACK


def test_a_year_that_is_over_is_judged_at_its_end_not_today():
    # 2025/26 ended on 31 March 2026: judged on 1 April 2026 whatever today is.
    assert judged_on(2025, APRIL, datetime.date(2026, 11, 16)) == datetime.date(
        2026, 4, 1
    )
    assert judged_on(2026, APRIL, datetime.date(2026, 11, 16)) == datetime.date(
        2026, 11, 16
    )
    # Due in 2026/27 Q3, not done in 2025/26: that year it was not yet due.
    assert (
        milestone(
            [Entry(4, D(0))], as_of=judged_on(2025, APRIL, datetime.date(2026, 11, 16))
        )
        == Status.ON_TRACK
    )


@pytest.mark.django_db
@pytest.mark.clock(datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC))
def test_the_year_summary_judges_against_the_due_quarter(clock):
    partnership = PartnershipFactory(reporting_year_start_month=APRIL)
    measure = MeasureFactory(
        partnership=partnership,
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        due_year=2026,
        due_quarter=3,
    )

    def summary_now():
        # A summary works its figures out once (a read model of one
        # request), so each day judged gets its own.
        return year_summary(
            measure=measure,
            year=2026,
            label="2026/27",
            entries=[Entry(1, D(0)), Entry(2, D(0))],
            ended=[1, 2],
            start_month=APRIL,
        )

    summary = summary_now()
    assert summary.due == DUE
    assert summary.status == Status.ON_TRACK
    assert summary.due_note == "Not due until 2026/27 Q3."
    clock.move_to(datetime.datetime(2027, 1, 5, 12, 0, tzinfo=datetime.UTC))
    summary = summary_now()
    assert summary.status == Status.OFF_TRACK
    assert summary.due_note == "Not done by 2026/27 Q3, when it was due."


@pytest.mark.django_db
@pytest.mark.clock(datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC))
def test_the_years_api_gives_the_due_quarter_and_done_stays_done(client, clock):
    partnership = PartnershipFactory(reporting_year_start_month=APRIL)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(
        partnership=partnership,
        code="MS-1",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        due_year=2025,
        due_quarter=4,
    )
    done_in = services.period_get_or_create(
        partnership=partnership, quarter=Quarter(2025, 3, APRIL)
    )
    QuarterlyValueFactory(
        partnership=partnership, measure=measure, period=done_in, value=D(1)
    )
    response = client.get(
        reverse("api:measure_years", kwargs={"slug": partnership.slug, "code": "MS-1"}),
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.content
    years = {row["year"]: row for row in response.json()}
    # Done in 2025/26; in 2026/27, with nothing entered, it is still done.
    assert years[2026]["figure_display"] == "Done"
    assert years[2026]["status"] == "on_track"
    assert years[2026]["quarters_missing"] == []
    assert years[2025]["due_quarter"] == "2025-4"
    # Done, so nothing to explain.
    assert years[2025]["due_note"] == ""
