from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kpis import recording, services
from kpis.models import Aggregation, QuarterlyValue, ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PeriodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_and_measure():
    measure = MeasureFactory()
    lead = MembershipFactory(partnership=measure.partnership, role=Role.LEAD).user
    MeasureLeadFactory(measure=measure, user=lead)
    period = PeriodFactory(partnership=measure.partnership)
    return lead, measure, period


def record(measure, period, actor, **numbers):
    return recording.quarterly_value_record(
        partnership=measure.partnership,
        measure=measure,
        period=period,
        actor=actor,
        **numbers,
    )


def test_quarterly_value_record_saves_and_then_corrects(lead_and_measure):
    lead, measure, period = lead_and_measure
    record(measure, period, lead, value=D(12), story="  Two new schools joined.  ")
    saved = record(measure, period, lead, value=D(14))
    assert QuarterlyValue.objects.filter(measure=measure).count() == 1
    saved.refresh_from_db()
    assert saved.value == D(14)
    assert saved.entered_by == lead


@pytest.mark.parametrize(
    ("numbers", "field", "message"),
    [
        ({}, "value", "Enter the count"),
        ({"value": D(-3)}, "value", "whole number, 0 or more"),
        ({"value": D("2.5")}, "value", "whole number"),
    ],
)
def test_quarterly_value_record_rejects_bad_counts(
    lead_and_measure, numbers, field, message
):
    lead, measure, period = lead_and_measure
    with pytest.raises(ValidationError) as error:
        record(measure, period, lead, **numbers)
    assert message in " ".join(error.value.message_dict[field])
    assert not QuarterlyValue.objects.exists()


@pytest.mark.parametrize(
    ("numbers", "field", "message"),
    [
        (
            {"numerator": D(11), "denominator": D(10)},
            "numerator",
            "cannot be more than",
        ),
        ({"numerator": D(1), "denominator": D(0)}, "denominator", "more than 0"),
        ({"numerator": D(1)}, "denominator", "Enter the number it is out of"),
        ({"value": D(50), "numerator": D(1), "denominator": D(2)}, "value", "not both"),
    ],
)
def test_quarterly_value_record_rejects_numerator_above_denominator_and_friends(
    numbers, field, message
):
    measure = MeasureFactory(
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        annual_target=80,
    )
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    period = PeriodFactory(partnership=measure.partnership)
    with pytest.raises(ValidationError) as error:
        record(measure, period, admin, **numbers)
    assert message in " ".join(error.value.message_dict[field])
    assert not QuarterlyValue.objects.exists()


def test_a_lead_cannot_record_a_measure_not_assigned_to_them(lead_and_measure):
    lead, measure, period = lead_and_measure
    other = MeasureFactory(partnership=measure.partnership)
    with pytest.raises(PermissionDenied):
        record(other, period, lead, value=D(1))
    assert not QuarterlyValue.objects.exists()


def test_a_viewer_cannot_record_anything(lead_and_measure):
    _lead, measure, period = lead_and_measure
    viewer = MembershipFactory(partnership=measure.partnership, role=Role.VIEWER).user
    with pytest.raises(PermissionDenied):
        record(measure, period, viewer, value=D(1))


def test_an_admin_can_record_any_measure(lead_and_measure):
    _lead, measure, period = lead_and_measure
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    assert record(measure, period, admin, value=D(3)).value == D(3)


def test_a_member_of_another_partnership_cannot_record(lead_and_measure):
    _lead, measure, period = lead_and_measure
    outsider = MembershipFactory(role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        record(measure, period, outsider, value=D(1))


def test_a_membership_given_counts_only_if_it_is_the_actors_here(lead_and_measure):
    lead, measure, period = lead_and_measure
    viewer = MembershipFactory(partnership=measure.partnership, role=Role.VIEWER)
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    elsewhere = MembershipFactory(role=Role.ADMIN, user=viewer.user)
    # Another person's membership, or the actor's in another partnership, is
    # not taken: the actor's own is read, and a viewer still cannot record.
    for given in (admin, elsewhere):
        with pytest.raises(PermissionDenied):
            record(measure, period, viewer.user, value=D(1), membership=given)
    assert not QuarterlyValue.objects.exists()
    own = lead.memberships.get(partnership=measure.partnership)
    assert record(measure, period, lead, value=D(2), membership=own).value == D(2)


def test_period_get_or_create_is_idempotent_and_checks_the_year_start(lead_and_measure):
    _lead, measure, _period = lead_and_measure
    quarter = Quarter(2025, 2, measure.partnership.reporting_year_start_month)
    first = services.period_get_or_create(
        partnership=measure.partnership, quarter=quarter
    )
    again = services.period_get_or_create(
        partnership=measure.partnership, quarter=quarter
    )
    assert first == again
    assert first.label == quarter.label
    with pytest.raises(ValueError):
        services.period_get_or_create(
            partnership=measure.partnership, quarter=Quarter(2025, 2, 1)
        )


def test_measure_assign_lead_requires_a_lead_or_admin(lead_and_measure):
    _lead, measure, _period = lead_and_measure
    viewer = MembershipFactory(partnership=measure.partnership, role=Role.VIEWER).user
    with pytest.raises(ValidationError):
        services.measure_assign_lead(
            partnership=measure.partnership, measure=measure, user=viewer
        )


def test_measure_upsert_rejects_a_rule_that_does_not_suit_the_kind(lead_and_measure):
    _lead, measure, _period = lead_and_measure
    with pytest.raises(ValidationError):
        services.measure_upsert(
            partnership=measure.partnership,
            code="NEW",
            name="x",
            question="how_well",
            value_type=ValueType.PERCENTAGE,
            aggregation=Aggregation.SUM,
        )


def test_quarterly_value_record_rejects_a_rate_above_100():
    # A measure whose year takes the latest quarter: the rate alone is allowed
    # (a pooled measure refuses it: tests/kpis/test_rate_only.py).
    measure = MeasureFactory(
        value_type=ValueType.PERCENTAGE, aggregation=Aggregation.LATEST
    )
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    period = PeriodFactory(partnership=measure.partnership)
    with pytest.raises(ValidationError) as error:
        record(measure, period, admin, value=D(120))
    assert "between 0 and 100" in " ".join(error.value.message_dict["value"])
    assert not QuarterlyValue.objects.exists()


@pytest.mark.parametrize(
    ("numbers", "field", "message"),
    [
        ({"value": D("1e20")}, "value", "too large"),
        ({"value": D("1e999999")}, "value", "too large"),
        ({"value": D("999999999999.996")}, "value", "too large"),
        (
            {"numerator": D(1), "denominator": D("12345678901234567890")},
            "denominator",
            "too large",
        ),
        # Kept to two decimal places, 0.003 would be stored as 0.
        (
            {"numerator": D("0.001"), "denominator": D("0.003")},
            "denominator",
            "at least 0.01",
        ),
    ],
)
def test_quarterly_value_record_refuses_numbers_the_columns_cannot_hold(
    numbers, field, message
):
    kind = ValueType.COUNT if "value" in numbers else ValueType.PERCENTAGE
    measure = MeasureFactory(
        value_type=kind,
        aggregation=Aggregation.SUM
        if kind == ValueType.COUNT
        else Aggregation.RATIO_OF_SUMS,
        annual_target=80,
    )
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    period = PeriodFactory(partnership=measure.partnership)
    with pytest.raises(ValidationError) as error:
        record(measure, period, admin, **numbers)
    assert message in " ".join(error.value.message_dict[field])
    assert not QuarterlyValue.objects.exists()
