import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
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
    MeasureTarget,
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


def periods_get_or_create(
    *, partnership: Partnership, quarters: set[Quarter]
) -> dict[Quarter, Period]:
    """``period_get_or_create`` for many quarters: two or three queries."""
    if any(q.start_month != partnership.reporting_year_start_month for q in quarters):
        raise ValueError("The quarter uses another reporting year.")
    if not quarters:
        return {}
    years = {q.year for q in quarters}

    def stored() -> dict[Quarter, Period]:
        found = {}
        for period in Period.objects.filter(partnership=partnership, year__in=years):
            quarter = Quarter(
                period.year, period.quarter, partnership.reporting_year_start_month
            )
            if quarter in quarters:
                found[quarter] = period
        return found

    periods = stored()
    missing = [
        Period(
            partnership=partnership,
            year=q.year,
            quarter=q.quarter,
            starts_on=q.starts_on,
            ends_on=q.ends_on,
        )
        for q in sorted(quarters)
        if q not in periods
    ]
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
        periods = stored()
    return periods


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
    if measure.pk is not None and "annual_target" in fields:
        targets_keep_reported_years(
            partnership=partnership, measure=measure, new=fields["annual_target"]
        )
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


# Enough for any breakdown a figure is reported by (age bands, wards, ethnic
# groups); thousands would make every form and table of it unusable.
CATEGORIES_PER_DIMENSION = 50


def _categories_count_check(categories: list[str]) -> None:
    if len(categories) > CATEGORIES_PER_DIMENSION:
        raise ValidationError(
            {
                "categories": _(
                    "Keep a breakdown to %(limit)s categories or fewer "
                    "(this lists %(count)s)."
                )
                % {
                    "limit": CATEGORIES_PER_DIMENSION,
                    "count": f"{len(categories):,}",
                }
            }
        )


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
    _categories_count_check(categories)
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
    # Categories are added to those it had: the limit is on the whole.
    if len(categories) <= CATEGORIES_PER_DIMENSION < dimension.categories.count():
        _categories_count_check(list(dimension.categories.all()))
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
    elif len(categories) > CATEGORIES_PER_DIMENSION:
        try:
            _categories_count_check(categories)
        except ValidationError as error:
            errors["categories"] = error.message_dict["categories"]
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


# --- Targets by year ---------------------------------------------------------

PERCENT_KINDS = (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE)


def _years_to_keep(partnership: Partnership) -> set[int]:
    """The reporting years whose judgement must not move: those with figures,
    and the current one."""
    today = timezone.localdate()
    current = Quarter.containing(today, partnership.reporting_year_start_month)
    reported = set(
        Period.objects.filter(partnership=partnership, values__isnull=False)
        .values_list("year", flat=True)
        .distinct()
    )
    return reported | {current.year}


def targets_keep_reported_years(
    *, partnership: Partnership, measure: PerformanceMeasure, new: Decimal | None
) -> None:
    """Before a measure's default target changes, the years already reported
    (and the current one) that follow the default get the old default as
    their own target, so they stay judged as they were."""
    old = measure.annual_target
    if old is None or (new is not None and Decimal(new) == old):
        return
    have = set(
        MeasureTarget.objects.filter(
            partnership=partnership, measure=measure
        ).values_list("year", flat=True)
    )
    MeasureTarget.objects.bulk_create(
        [
            MeasureTarget(partnership=partnership, measure=measure, year=y, target=old)
            for y in sorted(_years_to_keep(partnership) - have)
        ]
    )


def _target_errors(
    measure: PerformanceMeasure, value_type: str, targets: dict[int, Decimal | None]
) -> list[ValidationError]:
    """Each refused year's message; its ``params["year"]`` names the year, so
    a form can put it beside that year's field."""
    errors = []
    for year, target in sorted(targets.items()):
        if not 2000 <= year <= 2100:
            message = _("%(year)s is not a reporting year: give one from 2000 to 2100.")
        elif target is not None and target < 0:
            message = _("The target for %(year)s cannot be negative.")
        elif target is not None and value_type in PERCENT_KINDS and target > 100:
            message = _("The target for %(year)s is a percentage: at most 100.")
        elif target is not None and abs(target) >= Decimal(10) ** 12:
            message = _("The target for %(year)s is too large.")
        else:
            continue
        errors.append(ValidationError(message, params={"year": year}))
    return errors


def _targets_write(
    partnership: Partnership,
    measure: PerformanceMeasure,
    targets: dict[int, Decimal | None],
) -> None:
    stored = {
        t.year: t
        for t in MeasureTarget.objects.filter(
            partnership=partnership, measure=measure
        ).select_for_update()
    }
    for year, target in sorted(targets.items()):
        row = stored.get(year)
        if target is None:
            if row is not None:
                row.delete()
        elif row is None:
            MeasureTarget.objects.create(
                partnership=partnership, measure=measure, year=year, target=target
            )
        elif row.target != target:
            row.target = target
            row.save(update_fields=["target"])


@transaction.atomic
def measure_targets_set(
    *,
    partnership: Partnership,
    actor: User,
    measure: PerformanceMeasure,
    targets: dict[int, Decimal | None],
) -> PerformanceMeasure:
    """Set the targets of some reporting years (None clears a year's own
    target); other years keep theirs."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    errors = _target_errors(measure, measure.value_type, targets)
    if errors:
        raise ValidationError({"targets": errors})
    _targets_write(partnership, measure, targets)
    return measure


@transaction.atomic
def measure_targets_upsert(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    targets: dict[int, Decimal | None],
) -> PerformanceMeasure:
    """Targets by year from a framework import (the importer checked the
    role), with the editor's rules."""
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    errors = _target_errors(measure, measure.value_type, targets)
    if errors:
        raise ValidationError({"targets": errors})
    _targets_write(partnership, measure, targets)
    return measure


# --- The strategy editor's measures ------------------------------------------

# What the editor and the API may set on a measure, besides leads and targets.
MEASURE_EDITABLE = (
    "code",
    "name",
    "question",
    "value_type",
    "unit",
    "direction",
    "is_headline",
    "counts_people",
    "aggregation",
    "annual_target",
    "baseline_value",
    "baseline_period",
    "due_year",
    "due_quarter",
    "definition",
    "data_source",
    "change_threshold",
    "breakdown_first",
    "breakdown_second",
    "priority",
    "outcome",
    "position",
)


def _measure_errors(
    partnership: Partnership,
    measure: PerformanceMeasure,
    changes: dict,
    has_figures: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def after(name: str):
        return changes[name] if name in changes else getattr(measure, name)

    for name in ("priority", "outcome", "breakdown_first", "breakdown_second"):
        obj = changes.get(name)
        if obj is not None and obj.partnership_id != partnership.pk:
            raise PermissionDenied
    baseline_period = changes.get("baseline_period")
    if baseline_period is not None and baseline_period.partnership_id != partnership.pk:
        raise PermissionDenied
    code = (after("code") or "").strip()
    if not code:
        add("code", _("Give the measure a short code, like “CR-01”."))
    elif len(code) > 20 or "/" in code:
        add("code", _("A code has at most 20 characters and no “/”."))
    elif (
        PerformanceMeasure.objects.filter(partnership=partnership, code__iexact=code)
        .exclude(pk=measure.pk)
        .exists()
    ):
        add("code", _("Another measure has the code “%(code)s”.") % {"code": code})
    if not (after("name") or "").strip():
        add("name", _("Give the measure a name."))
    value_type = after("value_type")
    if value_type not in ValueType.values:
        add("value_type", _("Choose the kind of value."))
    elif has_figures and value_type != measure.value_type:
        add(
            "value_type",
            _("This measure already has figures, so its kind of value cannot change."),
        )
    aggregation = after("aggregation")
    if value_type in ValueType.values and aggregation not in ALLOWED_AGGREGATIONS.get(
        value_type, ()
    ):
        add("aggregation", _("This rule does not suit this kind of value."))
    target = after("annual_target")
    if target is not None and target < 0:
        add("annual_target", _("A target cannot be negative."))
    elif target is not None and value_type in PERCENT_KINDS and target > 100:
        add("annual_target", _("A percentage target is at most 100."))
    threshold = after("change_threshold")
    if threshold is not None and not 1 <= threshold <= 1000:
        add("change_threshold", _("Give a percentage from 1 to 1000."))
    first, second = after("breakdown_first"), after("breakdown_second")
    if second is not None and first is None:
        add("breakdown_second", _("Choose the first breakdown first."))
    elif second is not None and second == first:
        add("breakdown_second", _("Choose two different breakdowns."))
    if first is not None and value_type != ValueType.COUNT:
        add("breakdown_first", _("Only counts can be broken down."))
    due_year, due_quarter = after("due_year"), after("due_quarter")
    if (due_year is None) != (due_quarter is None):
        add("due_quarter", _("Give the due quarter as YYYY-Q, e.g. 2026-3."))
    elif due_year is not None and value_type != ValueType.MILESTONE:
        add("due_quarter", _("Only a milestone has a due quarter."))
    elif due_year is not None and not (
        1990 <= due_year <= 2200 and 1 <= due_quarter <= 4
    ):
        add("due_quarter", _("Give the due quarter as YYYY-Q, e.g. 2026-3."))
    if (
        measure.pk is not None
        and (first, second) != (measure.breakdown_first, measure.breakdown_second)
        and QuarterlyValue.objects.filter(partnership=partnership, measure=measure)
        .exclude(breakdown={})
        .exists()
    ):
        add(
            "breakdown_first",
            _("Figures already use this measure's breakdown, so it cannot change."),
        )
    return errors


def _leads_check(partnership: Partnership, leads: list[User]) -> None:
    members = set(
        Membership.objects.filter(
            partnership=partnership,
            user__in=leads,
            role__in=[Role.LEAD, Role.ADMIN],
        ).values_list("user_id", flat=True)
    )
    outsiders = [user for user in leads if user.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "leads": [
                    _(
                        "%(email)s is not a lead or admin of this partnership, "
                        "so cannot lead a measure."
                    )
                    % {"email": user.email}
                    for user in outsiders
                ]
            }
        )


def _leads_write(
    partnership: Partnership, measure: PerformanceMeasure, leads: list[User]
) -> None:
    wanted = {user.pk for user in leads}
    MeasureLead.objects.filter(partnership=partnership, measure=measure).exclude(
        user__in=wanted
    ).delete()
    have = set(
        MeasureLead.objects.filter(
            partnership=partnership, measure=measure
        ).values_list("user_id", flat=True)
    )
    MeasureLead.objects.bulk_create(
        [
            MeasureLead(partnership=partnership, measure=measure, user_id=pk)
            for pk in sorted(wanted - have)
        ]
    )


def _measure_save(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    changes: dict,
    leads: list[User] | None,
    targets: dict[int, Decimal | None] | None,
) -> PerformanceMeasure:
    unknown = set(changes) - set(MEASURE_EDITABLE)
    if unknown:
        raise ValueError(f"Not an editable measure field: {sorted(unknown)}")
    has_figures = (
        measure.pk is not None
        and QuarterlyValue.objects.filter(
            partnership=partnership, measure=measure
        ).exists()
    )
    errors = _measure_errors(partnership, measure, changes, has_figures)
    value_type = changes.get("value_type", measure.value_type)
    if targets:
        target_errors = _target_errors(measure, value_type, targets)
        if target_errors:
            errors["targets"] = target_errors
    if leads is not None:
        try:
            _leads_check(partnership, leads)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if measure.pk is not None and "annual_target" in changes:
        targets_keep_reported_years(
            partnership=partnership, measure=measure, new=changes["annual_target"]
        )
    if "code" in changes:
        changes["code"] = changes["code"].strip()
    for name, value in changes.items():
        setattr(measure, name, value)
    if "outcome" in changes or "priority" in changes:
        given = (
            measure.priority
            if "priority" in changes or measure.outcome is None
            else None
        )
        measure.priority = priority_under_outcome(
            outcome=measure.outcome, priority=given
        )
    if measure.pk is None and "position" not in changes:
        measure.position = PerformanceMeasure.objects.filter(
            partnership=partnership
        ).count()
    measure.full_clean()
    measure.save()
    if leads is not None:
        _leads_write(partnership, measure, leads)
    if targets:
        _targets_write(partnership, measure, targets)
    return measure


@transaction.atomic
def measure_create(
    *,
    partnership: Partnership,
    actor: User,
    fields: dict,
    leads: list[User] | None = None,
    targets: dict[int, Decimal | None] | None = None,
) -> PerformanceMeasure:
    """A new performance measure, with its leads and targets by year."""
    require_admin(partnership, actor)
    fields = dict(fields)
    fields.setdefault("direction", "up")
    if "aggregation" not in fields and fields.get("value_type") in ALLOWED_AGGREGATIONS:
        fields["aggregation"] = ALLOWED_AGGREGATIONS[fields["value_type"]][0]
    measure = PerformanceMeasure(partnership=partnership)
    return _measure_save(
        partnership=partnership,
        measure=measure,
        changes=fields,
        leads=leads,
        targets=targets,
    )


@transaction.atomic
def measure_update(
    *,
    partnership: Partnership,
    actor: User,
    measure: PerformanceMeasure,
    changes: dict,
    leads: list[User] | None = None,
    targets: dict[int, Decimal | None] | None = None,
) -> PerformanceMeasure:
    """Change a measure's definition (kept in its history), leads or targets.

    Only the fields in ``changes`` change; ``leads`` None leaves the leads.
    """
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    measure = PerformanceMeasure.objects.select_for_update().get(
        partnership=partnership, pk=measure.pk
    )
    return _measure_save(
        partnership=partnership,
        measure=measure,
        changes=dict(changes),
        leads=leads,
        targets=targets,
    )


def measure_has_figures(
    *, partnership: Partnership, measure: PerformanceMeasure
) -> bool:
    return QuarterlyValue.objects.filter(
        partnership=partnership, measure=measure
    ).exists()


@transaction.atomic
def measure_retire(
    *,
    partnership: Partnership,
    actor: User,
    measure: PerformanceMeasure,
    when: datetime.datetime | None = None,
) -> PerformanceMeasure:
    """The measure leaves the dashboard and entry; its figures, history, past
    reports and exports keep it."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    if measure.retired_at is None:
        measure.retired_at = when or timezone.now()
        measure.save(update_fields=["retired_at"])
    return measure


@transaction.atomic
def measure_restore(
    *, partnership: Partnership, actor: User, measure: PerformanceMeasure
) -> PerformanceMeasure:
    """A retired measure comes back to the dashboard and entry."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    if measure.retired_at is not None:
        measure.retired_at = None
        measure.save(update_fields=["retired_at"])
    return measure


@transaction.atomic
def measure_delete(
    *, partnership: Partnership, actor: User, measure: PerformanceMeasure
) -> None:
    """Delete a measure that has no figures; one with figures is retired."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    if measure_has_figures(partnership=partnership, measure=measure):
        raise ValidationError(
            _(
                "%(code)s has figures, so it cannot be deleted: retire it "
                "instead, and it stays in its history and past reports."
            )
            % {"code": measure.code}
        )
    measure.delete()


@transaction.atomic
def partnership_settings_update(
    *,
    partnership: Partnership,
    actor: User,
    name: str,
    reporting_year_start_month: int,
    area_code: str = "",
    comparator_area_code: str = "",
    first_reporting_quarter: str | None = None,
) -> Partnership:
    """The partnership's name, reporting year, first reporting quarter and areas.

    The reporting year cannot move once figures exist: their quarters, the
    years they were judged in and their targets are named by it.
    ``first_reporting_quarter`` ("YYYY-Q", None to leave it) is the first
    quarter that takes figures and can be missing or overdue; it is not after
    the current quarter, nor after a quarter that holds figures (they would
    be left outside it)."""
    require_admin(partnership, actor)
    errors = {}
    first = None
    if first_reporting_quarter is not None:
        try:
            first = first_reporting_quarter_check(
                partnership=partnership,
                key=first_reporting_quarter,
                start_month=reporting_year_start_month
                if 1 <= reporting_year_start_month <= 12
                else partnership.reporting_year_start_month,
            )
        except ValidationError as error:
            errors["first_reporting_quarter"] = error.messages
    if not name.strip():
        errors["name"] = [_("Give the partnership a name.")]
    if not 1 <= reporting_year_start_month <= 12:
        errors["reporting_year_start_month"] = [_("Choose a month.")]
    elif (
        reporting_year_start_month != partnership.reporting_year_start_month
        and QuarterlyValue.objects.filter(partnership=partnership).exists()
    ):
        errors["reporting_year_start_month"] = [
            _(
                "Figures have been entered, so the reporting year can no longer "
                "change: their quarters and targets are named by it."
            )
        ]
    elif (
        reporting_year_start_month != partnership.reporting_year_start_month
        and PerformanceMeasure.objects.filter(
            partnership=partnership, baseline_period__isnull=False
        ).exists()
    ):
        errors["reporting_year_start_month"] = [
            _(
                "Measures name the quarter of their baseline in this reporting "
                "year: clear those quarters first."
            )
        ]
    if errors:
        raise ValidationError(errors)
    if reporting_year_start_month != partnership.reporting_year_start_month:
        # No figures, so no quarter holds anything: the empty quarters of the
        # old year go, and period_get_or_create makes the new year's.
        Period.objects.filter(partnership=partnership).delete()
    partnership.name = name.strip()
    partnership.reporting_year_start_month = reporting_year_start_month
    partnership.area_code = area_code.strip()
    partnership.comparator_area_code = comparator_area_code.strip()
    if first is not None:
        partnership.first_reporting_year = first.year
        partnership.first_reporting_quarter = first.quarter
    partnership.full_clean()
    partnership.save(
        update_fields=[
            "name",
            "reporting_year_start_month",
            "area_code",
            "comparator_area_code",
            "first_reporting_year",
            "first_reporting_quarter",
        ]
    )
    return partnership


# The earliest first reporting quarter: the years the targets can name.
FIRST_REPORTING_YEAR_MIN = 1990


def first_reporting_quarter_check(
    *, partnership: Partnership, key: str, start_month: int
) -> Quarter:
    """The quarter ``key`` names, fit to be the first reporting quarter, or a
    ValidationError that says why not."""
    try:
        first = Quarter.parse_key(key, start_month)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    current = Quarter.containing(timezone.localdate(), start_month)
    if first > current:
        raise ValidationError(
            _("The first reporting quarter cannot be after this quarter (%(current)s).")
            % {"current": current.label}
        )
    if first.year < FIRST_REPORTING_YEAR_MIN:
        raise ValidationError(
            _("The first reporting quarter cannot be before %(year)s.")
            % {"year": FIRST_REPORTING_YEAR_MIN}
        )
    earliest = (
        QuarterlyValue.objects.filter(partnership=partnership)
        .order_by("period__year", "period__quarter")
        .values_list("period__year", "period__quarter")
        .first()
    )
    if earliest and (first.year, first.quarter) > tuple(earliest):
        held = Quarter(*earliest, start_month)
        raise ValidationError(
            _(
                "%(quarter)s already holds figures, so the first reporting "
                "quarter cannot be after it."
            )
            % {"quarter": held.label}
        )
    return first


@transaction.atomic
def measure_computed_set(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    computed: bool,
    actor: User,
    counts_people: bool | None = None,
) -> PerformanceMeasure:
    """Mark a measure as computed (its figures come from the engagement log)
    or as entered again. Admins only; the figures already stored stay.
    ``counts_people``: what its figures count, when the computation says
    (None leaves it)."""
    require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    changed = []
    if measure.computed != computed:
        measure.computed = computed
        changed.append("computed")
    if counts_people is not None and measure.counts_people != counts_people:
        measure.counts_people = counts_people
        changed.append("counts_people")
    if changed:
        measure.save(update_fields=changed)
    return measure
