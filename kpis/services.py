from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.models import Membership, Partnership, Role, User

from .models import (
    ALLOWED_AGGREGATIONS,
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    ValueType,
)
from .periods import Quarter


def period_get_or_create(*, partnership: Partnership, quarter: Quarter) -> Period:
    if quarter.start_month != partnership.reporting_year_start_month:
        raise ValueError("The quarter uses another reporting year.")
    period, _created = Period.objects.get_or_create(
        partnership=partnership,
        year=quarter.year,
        quarter=quarter.quarter,
        defaults={"starts_on": quarter.starts_on, "ends_on": quarter.ends_on},
    )
    return period


def can_enter_values(
    *, membership: Membership | None, measure: PerformanceMeasure
) -> bool:
    if membership is None or membership.partnership_id != measure.partnership_id:
        return False
    if membership.role == Role.ADMIN:
        return True
    if membership.role == Role.LEAD:
        return MeasureLead.objects.filter(
            partnership=measure.partnership, measure=measure, user=membership.user_id
        ).exists()
    return False


@transaction.atomic
def measure_upsert(
    *, partnership: Partnership, code: str, **fields
) -> PerformanceMeasure:
    """Create the measure with this code, or bring it up to date."""
    value_type = fields.get("value_type")
    aggregation = fields.get("aggregation")
    if (
        value_type
        and aggregation
        and aggregation not in ALLOWED_AGGREGATIONS[value_type]
    ):
        raise ValidationError(
            {"aggregation": _("This rule does not suit this kind of value.")}
        )
    measure = PerformanceMeasure.objects.filter(
        partnership=partnership, code=code
    ).first() or PerformanceMeasure(partnership=partnership, code=code)
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_assign_lead(
    *, partnership: Partnership, measure: PerformanceMeasure, user: User
) -> MeasureLead:
    if measure.partnership_id != partnership.pk:
        raise ValidationError(_("The measure belongs to another partnership."))
    if not Membership.objects.filter(
        partnership=partnership, user=user, role__in=[Role.LEAD, Role.ADMIN]
    ).exists():
        raise ValidationError(
            _("Only the partnership's leads and admins can lead a measure.")
        )
    lead, _created = MeasureLead.objects.get_or_create(
        partnership=partnership, measure=measure, user=user
    )
    return lead


def _validate_numbers(
    measure: PerformanceMeasure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The rules for each kind of value, with a message beside the right field."""
    errors: dict[str, str] = {}
    kind = measure.value_type
    if kind in (ValueType.COUNT, ValueType.SCORE, ValueType.MILESTONE):
        numerator = denominator = None
        if value is None:
            errors["value"] = {
                ValueType.COUNT: _("Enter the count for this quarter."),
                ValueType.SCORE: _("Enter the score for this quarter."),
                ValueType.MILESTONE: _("Say whether the milestone is done."),
            }[kind]
        elif kind == ValueType.COUNT and (
            value < 0 or value != value.to_integral_value()
        ):
            errors["value"] = _("A count is a whole number, 0 or more.")
        elif kind == ValueType.MILESTONE and value not in (0, 1):
            errors["value"] = _("Choose done or not done.")
    else:
        direct = kind == ValueType.PERCENTAGE and value is not None
        if direct and (numerator is not None or denominator is not None):
            errors["value"] = _("Give either the numbers or the percentage, not both.")
        elif direct:
            if not 0 <= value <= 100:
                errors["value"] = _("A percentage is between 0 and 100.")
        else:
            value = None
            if numerator is None:
                errors["numerator"] = _("Enter the number.")
            elif numerator < 0:
                errors["numerator"] = _("The number cannot be negative.")
            if denominator is None:
                errors["denominator"] = _("Enter the number it is out of.")
            elif denominator <= 0:
                errors["denominator"] = _(
                    "The number it is out of must be more than 0."
                )
            if (
                not errors
                and numerator is not None
                and denominator is not None
                and numerator > denominator
            ):
                errors["numerator"] = _(
                    "The number cannot be more than the number it is out of (%(d)s)."
                ) % {"d": f"{denominator.normalize():f}"}
    if errors:
        raise ValidationError(errors)
    return value, numerator, denominator


@transaction.atomic
def quarterly_value_record(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    period: Period,
    actor: User,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    story: str = "",
) -> QuarterlyValue:
    """Record (or correct) one measure's figure for one quarter."""
    if (
        measure.partnership_id != partnership.pk
        or period.partnership_id != partnership.pk
    ):
        raise PermissionDenied
    membership = Membership.objects.filter(partnership=partnership, user=actor).first()
    if not can_enter_values(membership=membership, measure=measure):
        raise PermissionDenied(_("You cannot enter values for this measure."))
    value, numerator, denominator = _validate_numbers(
        measure, value, numerator, denominator
    )
    record = (
        QuarterlyValue.objects.select_for_update()
        .filter(partnership=partnership, measure=measure, period=period)
        .first()
    ) or QuarterlyValue(partnership=partnership, measure=measure, period=period)
    record.value_type = measure.value_type
    record.value = value
    record.numerator = numerator
    record.denominator = denominator
    record.story = story.strip()
    record.entered_by = actor
    record.save()
    return record
