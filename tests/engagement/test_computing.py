"""Measures computed from the log, against logs counted by hand."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from engagement.models import ActivityStatus, ComputedKind, ContinuumLevel
from engagement.services import (
    ActivityInput,
    ComputationInput,
    activity_delete,
    activity_update,
    computed_measure_set,
)
from kpis.models import Aggregation, QuarterlyValue, ReviewStatus, ValueType
from kpis.recording import quarterly_value_record
from kpis.selectors import value_history
from tests.factories import MeasureFactory, PeriodFactory

D = datetime.date


def _figures(measure):
    return {
        (v.period.year, v.period.quarter): (v.value, v.numerator, v.denominator)
        for v in QuarterlyValue.objects.filter(measure=measure).select_related("period")
    }


@pytest.fixture
def logged(log):
    """Six activities in the year from April 2026 (counted by hand below)."""
    P, F, E = (
        ContinuumLevel.PARTICIPATION,
        ContinuumLevel.FORUMS_FOR_DEBATE,
        ContinuumLevel.EMPOWERMENT,
    )
    council, health = log.council.pk, log.health.pk
    log.activity(  # Q1: held, participation, council, Eastmoor, standard met
        title="Co-design 1",
        starts_on=D(2026, 4, 10),
        ends_on=D(2026, 4, 10),
        level=P,
        participants=12,
        organisation_ids=[council],
        community_ids=[log.eastmoor.pk],
        standard_ids=[log.standard.pk],
    )
    log.activity(  # Q1: held, forum, health, Warwick, no standard
        title="Forum",
        starts_on=D(2026, 6, 30),
        ends_on=D(2026, 7, 2),
        level=F,
        participants=30,
        organisation_ids=[health],
        community_ids=[log.warwick.pk],
    )
    log.activity(  # Q1: planned: counts nowhere
        title="Planned",
        starts_on=D(2026, 5, 1),
        ends_on=D(2026, 5, 1),
        level=P,
        status=ActivityStatus.PLANNED,
        participants=None,
        organisation_ids=[council],
    )
    log.activity(  # Q2: held, participation, both, Eastmoor, standard met
        title="Co-design 2",
        starts_on=D(2026, 8, 3),
        ends_on=D(2026, 8, 3),
        level=P,
        participants=8,
        organisation_ids=[council, health],
        community_ids=[log.eastmoor.pk],
        standard_ids=[log.standard.pk],
    )
    log.activity(  # Q2: cancelled: counts nowhere
        title="Cancelled",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 9, 1),
        level=P,
        status=ActivityStatus.CANCELLED,
        participants=None,
    )
    log.activity(  # Q3: held, empowerment, health, no standard
        title="Budgeting",
        starts_on=D(2026, 10, 5),
        ends_on=D(2026, 10, 5),
        level=E,
        participants=40,
        organisation_ids=[health],
    )
    return log


def _computed(log, kind, value_type=ValueType.COUNT, **filters):
    measure = MeasureFactory(
        partnership=log.partnership,
        value_type=value_type,
        aggregation=Aggregation.RATIO_OF_SUMS
        if value_type == ValueType.PERCENTAGE
        else Aggregation.SUM,
        annual_target=None,
    )
    computed_measure_set(
        partnership=log.partnership,
        actor=log.admin,
        measure=measure,
        data=ComputationInput(kind=kind, **filters),
    )
    measure.refresh_from_db()
    return measure


def test_activities_held_are_counted_by_quarter_up_to_today(logged):
    measure = _computed(logged, ComputedKind.ACTIVITIES)
    # Today is 16 November 2026 (the clock fixture): Q3 of 2026/27.
    assert _figures(measure) == {
        (2026, 1): (Decimal(2), None, None),
        (2026, 2): (Decimal(1), None, None),
        (2026, 3): (Decimal(1), None, None),
    }
    assert measure.computed


def test_participants_filtered_by_level_organisation_and_community(logged):
    by_level = _computed(
        logged, ComputedKind.PARTICIPANTS, level=ContinuumLevel.PARTICIPATION
    )
    by_health = _computed(
        logged, ComputedKind.PARTICIPANTS, organisation_id=logged.health.pk
    )
    in_eastmoor = _computed(
        logged, ComputedKind.ACTIVITIES, community_id=logged.eastmoor.pk
    )
    assert _figures(by_level) == {
        (2026, 1): (Decimal(12), None, None),
        (2026, 2): (Decimal(8), None, None),
        (2026, 3): (Decimal(0), None, None),
    }
    assert _figures(by_health) == {
        (2026, 1): (Decimal(30), None, None),
        (2026, 2): (Decimal(8), None, None),
        (2026, 3): (Decimal(40), None, None),
    }
    assert _figures(in_eastmoor) == {
        (2026, 1): (Decimal(1), None, None),
        (2026, 2): (Decimal(1), None, None),
        (2026, 3): (Decimal(0), None, None),
    }


def test_share_meeting_a_standard_is_numerator_and_denominator(logged):
    measure = _computed(
        logged,
        ComputedKind.STANDARD_MET,
        ValueType.PERCENTAGE,
        standard_id=logged.standard.pk,
    )
    assert _figures(measure) == {
        (2026, 1): (None, Decimal(1), Decimal(2)),
        (2026, 2): (None, Decimal(1), Decimal(1)),
        (2026, 3): (None, Decimal(0), Decimal(1)),
    }


def test_a_change_to_the_log_recomputes_and_the_history_says_computed(logged):
    measure = _computed(logged, ComputedKind.PARTICIPANTS)
    budgeting = logged.partnership.activity_set.get(title="Budgeting")
    figure = QuarterlyValue.objects.get(measure=measure, period__quarter=3)
    figure.status = ReviewStatus.APPROVED
    figure.save()
    data = ActivityInput(
        title="Budgeting",
        starts_on=budgeting.starts_on,
        ends_on=budgeting.ends_on,
        level=budgeting.level,
        status=ActivityStatus.HELD,
        participants=45,
        organisation_ids=[logged.health.pk],
    )
    activity_update(
        partnership=logged.partnership,
        actor=logged.admin,
        activity=budgeting,
        data=data,
    )
    figure.refresh_from_db()
    assert figure.value == 45
    assert figure.version == 2
    # An approval covers the figure as approved: it goes back for review.
    assert figure.status == ReviewStatus.SUBMITTED
    history = value_history(partnership=logged.partnership, measure=measure)
    assert [entry.path for entry in history[figure.period_id]] == [
        "Computed from the engagement log"
    ] * 3
    activity_delete(
        partnership=logged.partnership, actor=logged.admin, activity=budgeting
    )
    figure.refresh_from_db()
    assert figure.value == 0


def test_an_unchanged_log_writes_no_new_version(logged):
    measure = _computed(logged, ComputedKind.ACTIVITIES)
    logged.activity(title="Another", starts_on=D(2026, 8, 10), ends_on=D(2026, 8, 10))
    versions = dict(
        QuarterlyValue.objects.filter(measure=measure).values_list(
            "period__quarter", "version"
        )
    )
    assert versions == {1: 1, 2: 2, 3: 1}


def test_a_computed_measures_figures_cannot_be_entered(logged):
    measure = _computed(logged, ComputedKind.ACTIVITIES)
    period = PeriodFactory(partnership=logged.partnership, year=2026, quarter=2)
    with pytest.raises(ValidationError) as refusal:
        quarterly_value_record(
            partnership=logged.partnership,
            measure=measure,
            period=period,
            actor=logged.admin,
            value=Decimal(99),
        )
    assert refusal.value.message_dict == {
        "value": [
            "This measure is computed from the engagement log, so its figures "
            "cannot be entered: log the activity instead."
        ]
    }
    assert QuarterlyValue.objects.get(measure=measure, period=period).value == 1


def test_a_computation_must_fit_the_measures_kind(log):
    count = MeasureFactory(partnership=log.partnership)
    with pytest.raises(ValidationError) as refusal:
        computed_measure_set(
            partnership=log.partnership,
            actor=log.admin,
            measure=count,
            data=ComputationInput(
                kind=ComputedKind.STANDARD_MET, standard_id=log.standard.pk
            ),
        )
    assert refusal.value.message_dict == {
        "kind": ["Only a percentage measure can count activities meeting a standard."]
    }
    count.refresh_from_db()
    assert not count.computed
