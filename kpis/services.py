from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outcomes.services import priority_under_outcome
from partnerships import policy as roles
from partnerships.bilingual import texts_set
from partnerships.models import Membership, Partnership, Role, User

from .models import (
    ALLOWED_AGGREGATIONS,
    Dimension,
    DimensionCategory,
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    ValueType,
)
from .periods import Quarter
from .recording import membership_get


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


# The measure's texts held in English and Welsh (kpis/translation.py).
MEASURE_TEXTS = ("name", "unit", "definition", "data_source")


@transaction.atomic
def measure_upsert(
    *,
    partnership: Partnership,
    code: str,
    welsh: dict[str, str] | None = None,
    **fields,
) -> PerformanceMeasure:
    """Create the measure with this code, or bring it up to date.

    Its texts (name, unit, definition, data source) are English; ``welsh``
    holds the Welsh ones, keyed the same (see outcomes/services.py)."""
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
    texts = {name: fields.pop(name) for name in MEASURE_TEXTS if name in fields}
    texts_set(measure, english=texts, welsh=welsh)
    for name, value in fields.items():
        setattr(measure, name, value)
    if "outcome" in fields or "priority" in fields:
        # Under an outcome, the measure sits under the outcome's priority: a
        # priority given must be that one, and a new outcome brings its own.
        given = (
            measure.priority
            if "priority" in fields or measure.outcome is None
            else None
        )
        measure.priority = priority_under_outcome(
            outcome=measure.outcome, priority=given
        )
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def dimension_upsert(
    *,
    partnership: Partnership,
    name: str,
    categories: list[str],
    is_exhaustive: bool,
    position: int = 0,
    welsh_name: str = "",
    welsh_categories: list[str] | None = None,
) -> Dimension:
    """A breakdown dimension and its categories, in order; more can be added.

    ``welsh_name`` and ``welsh_categories`` (in the categories' order) are
    their Welsh names, empty for none yet."""
    if not categories:
        raise ValidationError({"categories": _("A breakdown needs categories.")})
    dimension, _created = Dimension.objects.update_or_create(
        partnership=partnership,
        name_en=name,
        defaults={
            "is_exhaustive": is_exhaustive,
            "position": position,
            "name_cy": welsh_name.strip() or None,
        },
    )
    welsh_categories = welsh_categories or []
    for index, category in enumerate(categories):
        welsh = welsh_categories[index] if index < len(welsh_categories) else ""
        DimensionCategory.objects.update_or_create(
            partnership=partnership,
            dimension=dimension,
            name_en=category,
            defaults={"position": index, "name_cy": welsh.strip() or None},
        )
    return dimension


@transaction.atomic
def dimension_create(
    *,
    partnership: Partnership,
    actor: User,
    name: str,
    categories: list[str],
    is_exhaustive: bool,
) -> Dimension:
    """A partnership admin defines a way to break figures down."""
    require_admin(partnership, actor)
    name = name.strip()
    categories = [c.strip() for c in categories if c.strip()]
    errors = {}
    if not name:
        errors["name"] = _("Give the breakdown a name, like “Age group”.")
    elif Dimension.objects.filter(
        partnership=partnership, name_en__iexact=name
    ).exists():
        errors["name"] = _("There is already a breakdown called “%(name)s”.") % {
            "name": name
        }
    if len(categories) < 2:
        errors["categories"] = _("List at least two categories, one per line.")
    elif len({c.casefold() for c in categories}) != len(categories):
        errors["categories"] = _("Each category can only be listed once.")
    elif any(len(c) > 100 for c in categories):
        errors["categories"] = _("Keep each category under 100 characters.")
    if errors:
        raise ValidationError(errors)
    position = Dimension.objects.filter(partnership=partnership).count()
    return dimension_upsert(
        partnership=partnership,
        name=name,
        categories=categories,
        is_exhaustive=is_exhaustive,
        position=position,
    )


@transaction.atomic
def measure_checks_update(
    *,
    partnership: Partnership,
    actor: User,
    measure: PerformanceMeasure,
    breakdown_first: Dimension | None,
    breakdown_second: Dimension | None,
    change_threshold: int | None,
) -> PerformanceMeasure:
    """Set a measure's breakdown dimensions and its plausibility threshold."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk or any(
        d is not None and d.partnership_id != partnership.pk
        for d in (breakdown_first, breakdown_second)
    ):
        raise PermissionDenied
    errors = {}
    if breakdown_second is not None and breakdown_first is None:
        errors["breakdown_second"] = _("Choose the first breakdown first.")
    elif breakdown_second is not None and breakdown_second == breakdown_first:
        errors["breakdown_second"] = _("Choose two different breakdowns.")
    if breakdown_first is not None and measure.value_type != ValueType.COUNT:
        errors["breakdown_first"] = _("Only counts can be broken down.")
    changed = (breakdown_first, breakdown_second) != (
        measure.breakdown_first,
        measure.breakdown_second,
    )
    if (
        not errors
        and changed
        and QuarterlyValue.objects.filter(partnership=partnership, measure=measure)
        .exclude(breakdown={})
        .exists()
    ):
        errors["breakdown_first"] = _(
            "Figures already use this measure's breakdown, so it cannot change."
        )
    if errors:
        raise ValidationError(errors)
    measure.breakdown_first = breakdown_first
    measure.breakdown_second = breakdown_second
    measure.change_threshold = change_threshold
    measure.full_clean()
    measure.save(
        update_fields=["breakdown_first", "breakdown_second", "change_threshold"]
    )
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


def require_admin(partnership: Partnership, actor: User) -> Membership:
    membership = membership_get(partnership, actor)
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    return membership


@transaction.atomic
def partnership_areas_set(
    *,
    partnership: Partnership,
    area_code: str,
    comparator_area_code: str = "",
    actor: User,
) -> Partnership:
    """Where the partnership works, for its population indicator pages."""
    require_admin(partnership, actor)
    partnership.area_code = area_code.strip()
    partnership.comparator_area_code = comparator_area_code.strip()
    partnership.save(update_fields=["area_code", "comparator_area_code"])
    return partnership
