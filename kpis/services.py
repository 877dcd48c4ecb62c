import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes.models import Outcome, Priority, Project
from outcomes.services import priority_under_outcome
from partnerships.models import Membership, Partnership, Role, User

from . import rules
from .models import (
    ALLOWED_AGGREGATIONS,
    Contribution,
    CurveStory,
    Dimension,
    DimensionCategory,
    MeasureLead,
    NationalFramework,
    NationalIndicator,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
    WayOfWorking,
    WellbeingGoal,
)
from .periods import Quarter
from .recording import is_locked_now, locked_message


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
) -> Dimension:
    """A breakdown dimension and its categories, in order; more can be added."""
    if not categories:
        raise ValidationError({"categories": _("A breakdown needs categories.")})
    dimension, _created = Dimension.objects.update_or_create(
        partnership=partnership,
        name=name,
        defaults={"is_exhaustive": is_exhaustive, "position": position},
    )
    for index, category in enumerate(categories):
        DimensionCategory.objects.update_or_create(
            partnership=partnership,
            dimension=dimension,
            name=category,
            defaults={"position": index},
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
    _require_admin(partnership, actor)
    name = name.strip()
    categories = [c.strip() for c in categories if c.strip()]
    errors = {}
    if not name:
        errors["name"] = _("Give the breakdown a name, like “Age group”.")
    elif Dimension.objects.filter(partnership=partnership, name__iexact=name).exists():
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
    _require_admin(partnership, actor)
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


def _history_path() -> str:
    """The path the current history context names ("web", "demo", ...).

    pghistory puts its context in a transaction-local setting with the first
    write of the transaction; records kept outside the tracked tables read
    it here, so they name the same path as the triggers do.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
        raw = cursor.fetchone()[0]
    try:
        return str((json.loads(raw) if raw else {}).get("path") or "")
    except (ValueError, AttributeError):
        return ""


def _membership(partnership: Partnership, actor: User) -> Membership | None:
    return Membership.objects.filter(partnership=partnership, user=actor).first()


def _require_admin(partnership: Partnership, actor: User) -> Membership:
    membership = _membership(partnership, actor)
    if membership is None or membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    return membership


def recent_figures(
    *,
    partnership: Partnership,
    measures: list[PerformanceMeasure],
    quarter: Quarter,
) -> dict[int, list[Decimal | None]]:
    """Each measure's figures for the quarter and the three before it."""
    quarters = quarter.back(rules.AGAINST_DIRECTION_RUN + 1)
    years = {q.year for q in quarters}
    stored = {
        (v.measure_id, v.period.year, v.period.quarter): v
        for v in QuarterlyValue.objects.filter(
            partnership=partnership, measure__in=measures, period__year__in=years
        ).select_related("period")
    }
    figures = {}
    for measure in measures:
        series = []
        for q in quarters:
            v = stored.get((measure.pk, q.year, q.quarter))
            series.append(
                rules.quarter_figure(measure.value_type, rules.Entry.of(v))
                if v is not None
                else None
            )
        figures[measure.pk] = series
    return figures


def plausibility_flags_for(
    measure: PerformanceMeasure, figures: list[Decimal | None]
) -> list[rules.Flag]:
    return rules.plausibility_flags(
        value_type=measure.value_type,
        direction=measure.direction,
        threshold=measure.change_threshold,
        figures=figures,
    )


@dataclass
class SubmitResult:
    submitted: list[QuarterlyValue] = field(default_factory=list)
    # Measure id -> why its figure needs a note before it can be submitted.
    needs_note: dict[int, list[rules.Flag]] = field(default_factory=dict)
    missing: list[PerformanceMeasure] = field(default_factory=list)


@transaction.atomic
def quarter_submit(
    *,
    partnership: Partnership,
    quarter: Quarter,
    actor: User,
    measure_ids: list[int] | None = None,
) -> SubmitResult:
    """Submit the actor's figures for the quarter for review (or the listed ones).

    Submits every figure of the actor's measures that is not yet submitted
    (or was returned), or none: when a figure that needs a note has none, the
    result says which and nothing is submitted. Measures without a figure
    are listed as missing and do not hold the others back.
    """
    from .selectors import measure_list_for_entry

    membership = _membership(partnership, actor)
    if membership is None or not membership.can_enter_values:
        raise PermissionDenied(_("You cannot submit figures."))
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    if is_locked_now(period):
        raise ValidationError(locked_message(period))
    measures = measure_list_for_entry(membership=membership)
    if membership.role == Role.ADMIN:
        # An admin submits the measures they lead; other leads submit theirs.
        measures = measures.filter(
            pk__in=MeasureLead.objects.filter(
                partnership=partnership, user=actor
            ).values("measure")
        )
    if measure_ids is not None:
        measures = measures.filter(pk__in=measure_ids)
    measures = list(measures)
    values = {
        v.measure_id: v
        for v in QuarterlyValue.objects.select_for_update().filter(
            partnership=partnership, period=period, measure__in=measures
        )
    }
    result = SubmitResult()
    to_submit = []
    figures = recent_figures(
        partnership=partnership, measures=measures, quarter=quarter
    )
    for measure in measures:
        record = values.get(measure.pk)
        if record is None:
            result.missing.append(measure)
            continue
        if record.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            continue
        flags = plausibility_flags_for(measure, figures[measure.pk])
        if flags and not record.story.strip():
            result.needs_note[measure.pk] = flags
            continue
        to_submit.append(record)
    if result.needs_note:
        return result
    if not to_submit:
        raise ValidationError(_("There is nothing new to submit for this quarter."))
    now = timezone.now()
    for record in to_submit:
        record.status = ReviewStatus.SUBMITTED
        record.submitted_by = actor
        record.submitted_at = now
        # Not updated_at: it says when the figure itself last changed.
        record.save(update_fields=["status", "submitted_by", "submitted_at"])
    result.submitted = to_submit
    return result


def _value_for_review(partnership: Partnership, value_id: int) -> QuarterlyValue:
    record = (
        QuarterlyValue.objects.select_for_update(of=("self",))
        .select_related("period", "measure")
        .filter(partnership=partnership, pk=value_id)
        .first()
    )
    if record is None:
        raise QuarterlyValue.DoesNotExist
    if is_locked_now(record.period):
        raise ValidationError(locked_message(record.period))
    return record


@transaction.atomic
def value_approve(
    *, partnership: Partnership, value_id: int, actor: User
) -> QuarterlyValue:
    _require_admin(partnership, actor)
    record = _value_for_review(partnership, value_id)
    if record.status == ReviewStatus.APPROVED:
        return record
    record.status = ReviewStatus.APPROVED
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return record


@transaction.atomic
def value_return(
    *, partnership: Partnership, value_id: int, actor: User, reason: str
) -> QuarterlyValue:
    """Send a figure back to its lead with the reason they will see beside it."""
    _require_admin(partnership, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why you are returning it, so the lead can fix it.")}
        )
    record = _value_for_review(partnership, value_id)
    if record.status not in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        raise ValidationError(_("Only a submitted or approved figure can be returned."))
    record.status = ReviewStatus.RETURNED
    record.return_reason = reason
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    return record


@transaction.atomic
def period_lock(*, partnership: Partnership, quarter: Quarter, actor: User) -> Period:
    """Lock a quarter whose figures are all approved."""
    _require_admin(partnership, actor)
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        return period
    waiting = (
        QuarterlyValue.objects.filter(partnership=partnership, period=period)
        .exclude(status=ReviewStatus.APPROVED)
        .count()
    )
    if waiting:
        raise ValidationError(
            _(
                "%(count)s figure(s) of %(quarter)s are not approved yet. Approve "
                "or return them before locking the quarter."
            )
            % {"count": waiting, "quarter": period.label}
        )
    period.locked_at = timezone.now()
    period.locked_by = actor
    period.save(update_fields=["locked_at", "locked_by"])
    PeriodLockChange.objects.create(
        partnership=partnership,
        period=period,
        action=PeriodLockChange.Action.LOCKED,
        actor=actor,
        path=_history_path(),
        at=period.locked_at,
    )
    return period


@transaction.atomic
def period_reopen(
    *, partnership: Partnership, quarter: Quarter, actor: User, reason: str
) -> Period:
    """Unlock a quarter so its figures can be corrected; the reason is kept."""
    _require_admin(partnership, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the quarter is being reopened.")})
    period = (
        Period.objects.select_for_update()
        .filter(partnership=partnership, year=quarter.year, quarter=quarter.quarter)
        .first()
    )
    if period is None or not period.is_locked:
        raise ValidationError(_("That quarter is not locked."))
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by"])
    PeriodLockChange.objects.create(
        partnership=partnership,
        period=period,
        action=PeriodLockChange.Action.REOPENED,
        reason=reason,
        actor=actor,
        path=_history_path(),
    )
    return period


@transaction.atomic
def reporting_settings_update(
    *,
    partnership: Partnership,
    actor: User,
    quarter_deadline_days: int,
    reminder_days_before: int,
    remind_when_overdue: bool,
) -> Partnership:
    _require_admin(partnership, actor)
    partnership.quarter_deadline_days = quarter_deadline_days
    partnership.reminder_days_before = reminder_days_before
    partnership.remind_when_overdue = remind_when_overdue
    partnership.full_clean()
    partnership.save(
        update_fields=[
            "quarter_deadline_days",
            "reminder_days_before",
            "remind_when_overdue",
        ]
    )
    return partnership


# --- The contribution map -----------------------------------------------------

_SOURCE_FIELDS = (
    (Priority, "priority"),
    (Outcome, "outcome"),
    (PerformanceMeasure, "measure"),
    (Project, "project"),
)
_TARGET_FIELDS = (
    (WellbeingGoal, "goal"),
    (WayOfWorking, "way_of_working"),
    (NationalIndicator, "indicator"),
)


def _field_for(obj, fields, what: str) -> str:
    for model, name in fields:
        if isinstance(obj, model):
            return name
    raise TypeError(f"Not a {what}: {obj!r}")


@transaction.atomic
def partnership_framework_set(
    *, partnership: Partnership, framework: NationalFramework | None, actor: User
) -> Partnership:
    """Choose the national framework the partnership contributes to, or none.

    Links to another framework's goals and indicators are kept (a partnership
    that switches back finds them again) but no longer shown.
    """
    _require_admin(partnership, actor)
    partnership.framework = framework
    partnership.save(update_fields=["framework"])
    return partnership


@transaction.atomic
def contribution_link(
    *,
    partnership: Partnership,
    source: "Priority | Outcome | PerformanceMeasure | Project",
    target: "WellbeingGoal | WayOfWorking | NationalIndicator",
    actor: User,
    note: str = "",
) -> tuple[Contribution, bool]:
    """Record that a piece of the partnership's work contributes to a goal,
    way of working or indicator of its framework. Linking twice is a no-op."""
    _require_admin(partnership, actor)
    source_field = _field_for(
        source, _SOURCE_FIELDS, "priority, outcome, measure or project"
    )
    target_field = _field_for(
        target, _TARGET_FIELDS, "goal, way of working or indicator"
    )
    if source.partnership_id != partnership.pk:
        raise ValidationError(_("That work belongs to another partnership."))
    if partnership.framework_id is None:
        raise ValidationError(
            _("Choose the partnership's national framework before linking to it.")
        )
    if target.framework_id != partnership.framework_id:
        raise ValidationError(
            _("That belongs to another framework than the partnership's.")
        )
    contribution, created = Contribution.objects.get_or_create(
        partnership=partnership,
        **{source_field: source, target_field: target},
        defaults={"note": note, "created_by": actor},
    )
    return contribution, created


@transaction.atomic
def contribution_unlink(
    *, partnership: Partnership, contribution_id: int, actor: User
) -> bool:
    """Remove one of the partnership's links; False if there was none."""
    _require_admin(partnership, actor)
    deleted, _by_model = Contribution.objects.filter(
        partnership=partnership, pk=contribution_id
    ).delete()
    return bool(deleted)


@transaction.atomic
def partnership_areas_set(
    *,
    partnership: Partnership,
    area_code: str,
    comparator_area_code: str = "",
    actor: User,
) -> Partnership:
    """Where the partnership works, for its population indicator pages."""
    _require_admin(partnership, actor)
    partnership.area_code = area_code.strip()
    partnership.comparator_area_code = comparator_area_code.strip()
    partnership.save(update_fields=["area_code", "comparator_area_code"])
    return partnership


@transaction.atomic
def curve_story_save(
    *,
    partnership: Partnership,
    indicator: NationalIndicator,
    story: str,
    partners: str = "",
    what_works: str = "",
    action_plan: str = "",
    actor: User,
    year: int | None = None,
) -> CurveStory:
    """Write the partnership's story behind an indicator's curve for the
    current reporting year. Earlier years' stories are never changed: they
    record what the partnership thought then."""
    _require_admin(partnership, actor)
    if indicator.framework_id != partnership.framework_id:
        raise ValidationError(
            _("That indicator is not in the partnership's framework.")
        )
    current = Quarter.containing(
        timezone.localdate(), partnership.reporting_year_start_month
    ).year
    year = current if year is None else year
    if year != current:
        raise ValidationError(
            _("Only the current reporting year's story can be edited.")
        )
    curve_story, _created = CurveStory.objects.update_or_create(
        partnership=partnership,
        indicator=indicator,
        year=year,
        defaults={
            "story": story.strip(),
            "partners": partners.strip(),
            "what_works": what_works.strip(),
            "action_plan": action_plan.strip(),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    return curve_story
