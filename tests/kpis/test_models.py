"""The invariants hold in the database, whatever path a write takes."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from kpis.models import Aggregation, PerformanceMeasure, QuarterlyValue, ValueType
from tests.factories import MeasureFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def insert(measure, **numbers):
    period = PeriodFactory(partnership=measure.partnership)
    with transaction.atomic():
        QuarterlyValue.objects.create(
            partnership=measure.partnership,
            measure=measure,
            period=period,
            value_type=measure.value_type,
            **numbers,
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def percentage_measure(**kw):
    return MeasureFactory(
        value_type=ValueType.PERCENTAGE, aggregation=Aggregation.RATIO_OF_SUMS, **kw
    )


@pytest.mark.parametrize(
    ("factory", "numbers"),
    [
        (MeasureFactory, {"value": D(-1)}),  # negative count
        (MeasureFactory, {"value": D("2.5")}),  # fractional count
        (MeasureFactory, {"value": None}),  # count missing
        (percentage_measure, {"numerator": D(5), "denominator": D(0)}),
        (percentage_measure, {"numerator": D(11), "denominator": D(10)}),
        (percentage_measure, {"numerator": D(-1), "denominator": D(10)}),
        (percentage_measure, {"value": D(101)}),
        (percentage_measure, {"value": D(50), "numerator": D(1), "denominator": D(2)}),
    ],
)
def test_bad_values_are_refused_by_the_database(factory, numbers):
    measure = factory()
    with pytest.raises(IntegrityError):
        insert(measure, **numbers)
    assert not QuarterlyValue.objects.filter(measure=measure).exists()


def test_good_values_are_accepted():
    insert(MeasureFactory(), value=D(0))
    insert(percentage_measure(), numerator=D(10), denominator=D(10))
    insert(percentage_measure(), value=D(100))


def test_one_value_per_measure_per_quarter():
    measure = MeasureFactory()
    insert(measure, value=D(1))
    with pytest.raises(IntegrityError):
        insert(measure, value=D(2))


def test_a_values_kind_must_match_its_measure():
    measure = MeasureFactory()
    period = PeriodFactory(partnership=measure.partnership)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyValue.objects.create(
            partnership=measure.partnership,
            measure=measure,
            period=period,
            value_type=ValueType.SCORE,
            value=D("-3"),
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_changing_a_measures_kind_to_one_its_values_break_is_refused():
    measure = MeasureFactory()
    insert(measure, value=D(12))
    with pytest.raises(IntegrityError), transaction.atomic():
        PerformanceMeasure.objects.filter(pk=measure.pk).update(
            value_type=ValueType.MILESTONE, aggregation=Aggregation.LATEST
        )


def test_aggregation_must_suit_the_kind_of_value():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFactory(value_type=ValueType.PERCENTAGE, aggregation=Aggregation.SUM)


def test_percentage_targets_stay_within_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        percentage_measure(annual_target=D(120))


@pytest.mark.parametrize(
    ("kind", "aggregation"),
    [
        (ValueType.PERCENTAGE, Aggregation.RATIO_OF_SUMS),
        (ValueType.MILESTONE, Aggregation.LATEST),
        (ValueType.NUMBER_AND_PERCENTAGE, Aggregation.RATIO_OF_SUMS),
    ],
)
def test_a_value_with_no_numbers_at_all_is_refused(kind, aggregation):
    # A CHECK constraint passes when it evaluates to NULL; this one must not.
    measure = MeasureFactory(
        value_type=kind, aggregation=aggregation, annual_target=None
    )
    with pytest.raises(IntegrityError):
        insert(measure)
