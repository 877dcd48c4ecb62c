import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Membership, Partnership, Role, User

from . import rules
from .models import (
    ALLOWED_AGGREGATIONS,
    LOCKED_QUARTER_SQLSTATE,
    Dimension,
    DimensionCategory,
    MeasureLead,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    ReviewStatus,
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


class ValueConflict(Exception):
    """Someone else saved the value after the editor loaded it."""

    def __init__(self, current: QuarterlyValue):
        super().__init__("The value changed since it was loaded.")
        self.current = current


def is_locked_quarter_error(error: Exception) -> bool:
    """True for the database guard's refusal to change a locked quarter."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == LOCKED_QUARTER_SQLSTATE


def locked_message(period: Period) -> str:
    return _(
        "%(quarter)s is locked, so its figures cannot change. An admin can "
        "reopen it, giving a reason."
    ) % {"quarter": period.label}


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


def _is_locked_now(period: Period) -> bool:
    """Whether the quarter is locked, holding it so that it stays as read.

    FOR SHARE lets any number of saves into the quarter run together, while
    ``period_lock`` (FOR UPDATE) waits for them to finish, and they for it: a
    figure cannot slip into a quarter as it is being locked.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT locked_at IS NOT NULL FROM kpis_period WHERE id = %s FOR SHARE",
            [period.pk],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def periods_hold(*, period_ids: list[int]) -> None:
    """Hold many quarters FOR SHARE, as a single save holds its one.

    For writers of many figures at once (the spreadsheet import): a lock
    being taken on one of these quarters waits for them, and they for it.
    """
    if not period_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM kpis_period WHERE id = ANY(%s) ORDER BY id FOR SHARE",
            [sorted(period_ids)],
        )


def _membership(partnership: Partnership, actor: User) -> Membership | None:
    return Membership.objects.filter(partnership=partnership, user=actor).first()


def _require_admin(partnership: Partnership, actor: User) -> Membership:
    membership = _membership(partnership, actor)
    if membership is None or membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    return membership


def _validate_breakdown(
    measure: PerformanceMeasure, total: Decimal | None, breakdown: dict | None
) -> dict[str, int]:
    """Cells keyed "<category id>" or "<first id>:<second id>", as whole counts.

    Empty cells are left out. Where every dimension of the measure is
    exhaustive, the cells must add up to the total; no cell can exceed it.
    """
    dimensions = measure.dimensions
    if not breakdown:
        return {}
    if not dimensions:
        raise ValidationError({"breakdown": _("This measure is not broken down.")})
    categories = [
        {c.pk for c in DimensionCategory.objects.filter(dimension=d)}
        for d in dimensions
    ]
    cells: dict[str, int] = {}
    for key, amount in breakdown.items():
        if amount is None or amount == "":
            continue
        parts = str(key).split(":")
        if len(parts) != len(dimensions) or not all(
            part.isdecimal() and len(part) <= 18 and int(part) in known
            for part, known in zip(parts, categories, strict=False)
        ):
            raise ValidationError(
                {"breakdown": _("The breakdown names a category it does not have.")}
            )
        key = ":".join(str(int(part)) for part in parts)
        if key in cells:
            raise ValidationError(
                {"breakdown": _("The breakdown gives the same cell twice.")}
            )
        amount = Decimal(amount)
        if amount < 0 or amount != amount.to_integral_value():
            raise ValidationError(
                {"breakdown": _("Each cell is a whole number, 0 or more.")}
            )
        cells[key] = int(amount)
    if not cells:
        return {}
    added = sum(cells.values())
    if total is not None and max(cells.values()) > total:
        raise ValidationError(
            {
                "breakdown": _("No cell can be more than the total (%(total)s).")
                % {"total": rules.format_figure("count", total)}
            }
        )
    exhaustive = all(d.is_exhaustive for d in dimensions)
    if total is not None and exhaustive and added != total:
        raise ValidationError(
            {
                "breakdown": _(
                    "The cells add up to %(added)s, but the total is "
                    "%(total)s. Everyone counts in exactly one cell."
                )
                % {
                    "added": rules.format_figure("count", Decimal(added)),
                    "total": rules.format_figure("count", total),
                }
            }
        )
    return cells


def _check_editable(
    record: QuarterlyValue | None,
    membership: Membership,
    period: Period,
    *,
    locked: bool,
) -> None:
    if locked:
        raise ValidationError(locked_message(period))
    if record is None or membership.role == Role.ADMIN:
        return
    if record.status == ReviewStatus.SUBMITTED:
        raise ValidationError(
            _(
                "This figure is submitted and waiting for review. An admin can "
                "return it if it needs to change."
            )
        )
    if record.status == ReviewStatus.APPROVED:
        raise ValidationError(
            _("This figure is approved. An admin can return it if it needs to change.")
        )


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
    breakdown: dict | None = None,
    expected_version: int | None = None,
) -> QuarterlyValue:
    """Record (or correct) one measure's figure for one quarter.

    ``expected_version`` is the version the editor saw (0 for "nothing was
    stored"); when the stored value has moved on since, ``ValueConflict``
    says so rather than overwrite someone else's save. Leads change only
    figures that are not submitted or approved; nobody changes a locked
    quarter (and the database refuses it whatever the path).
    """
    if (
        measure.partnership_id != partnership.pk
        or period.partnership_id != partnership.pk
    ):
        raise PermissionDenied
    membership = _membership(partnership, actor)
    if not can_enter_values(membership=membership, measure=measure):
        raise PermissionDenied(_("You cannot enter values for this measure."))
    value, numerator, denominator = _validate_numbers(
        measure, value, numerator, denominator
    )
    cells = _validate_breakdown(measure, value, breakdown)
    record = (
        QuarterlyValue.objects.select_for_update()
        .filter(partnership=partnership, measure=measure, period=period)
        .first()
    )
    if expected_version is not None and expected_version != (
        record.version if record else 0
    ):
        if record is None:
            raise ValidationError(_("This figure was deleted while you edited it."))
        raise ValueConflict(record)
    _check_editable(record, membership, period, locked=_is_locked_now(period))
    if record is None:
        record = QuarterlyValue(partnership=partnership, measure=measure, period=period)
    else:
        record.version += 1
    record.value_type = measure.value_type
    record.value = value
    record.numerator = numerator
    record.denominator = denominator
    record.story = story.strip()
    record.breakdown = cells
    record.entered_by = actor
    try:
        record.save()
    except IntegrityError as error:
        if is_locked_quarter_error(error):
            raise ValidationError(locked_message(period)) from error
        raise
    return record


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
    if _is_locked_now(period):
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
    if _is_locked_now(record.period):
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


@dataclass
class ValueInput:
    """One row of a quarter's values as a client sends it (by measure code)."""

    measure: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    story: str = ""
    breakdown: dict | None = None
    version: int | None = None


class BulkRecordError(Exception):
    """Some rows of a bulk record failed; nothing was recorded.

    ``errors`` maps a row's index to ``{field: [messages]}`` ("__all__" for a
    message about the whole row). ``denied`` lists rows the actor may not
    record; ``conflicts`` maps rows whose ``version`` was stale to the value
    now stored.
    """

    def __init__(
        self,
        errors: dict[int, dict[str, list[str]]],
        *,
        denied: set[int],
        conflicts: dict[int, QuarterlyValue],
    ):
        super().__init__("Some rows could not be recorded.")
        self.errors = errors
        self.denied = denied
        self.conflicts = conflicts


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


@transaction.atomic
def quarterly_values_record(
    *,
    partnership: Partnership,
    year: int,
    quarter: int,
    rows: list[ValueInput],
    actor: User,
) -> list[QuarterlyValue]:
    """Record many measures' figures for one quarter: every row, or none.

    Each row goes through ``quarterly_value_record``, so the roles, the
    rules for each kind of value, the review states and the version check are
    those of the entry form. Every row is tried, so that one answer lists
    every problem; if any row fails, the whole quarter is rolled back and
    ``BulkRecordError`` says which rows failed and why.
    """
    from .selectors import measure_list

    membership = _membership(partnership, actor)
    if membership is None or not membership.can_enter_values:
        raise PermissionDenied(_("You cannot enter values."))
    wanted = Quarter(year, quarter, partnership.reporting_year_start_month)
    if wanted.starts_on > timezone.localdate():
        raise ValidationError({"quarter": _("That quarter has not started yet.")})
    period = period_get_or_create(partnership=partnership, quarter=wanted)
    if period.is_locked:
        raise ValidationError({"quarter": locked_message(period)})
    measures = {
        m.code: m
        for m in measure_list(partnership=partnership).filter(
            code__in={row.measure for row in rows}
        )
    }
    errors: dict[int, dict[str, list[str]]] = {}
    denied: set[int] = set()
    conflicts: dict[int, QuarterlyValue] = {}
    recorded_at: dict[int, QuarterlyValue] = {}
    seen: set[str] = set()
    # Rows are recorded in measure order, whatever order they came in, so two
    # bulk records of one quarter lock their rows in the same order and
    # cannot deadlock each other; the answer keeps the rows' own order.
    order = sorted(
        range(len(rows)),
        key=lambda i: (getattr(measures.get(rows[i].measure), "pk", 0), i),
    )
    for index in order:
        row = rows[index]
        measure = measures.get(row.measure)
        if row.measure in seen:
            errors[index] = {"measure": [_("This measure is given more than once.")]}
            continue
        seen.add(row.measure)
        if measure is None:
            errors[index] = {
                "measure": [
                    _("No measure has the code “%(code)s”.") % {"code": row.measure}
                ]
            }
            continue
        try:
            recorded_at[index] = quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=actor,
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                story=row.story,
                breakdown=row.breakdown,
                expected_version=row.version,
            )
        except PermissionDenied as error:
            denied.add(index)
            errors[index] = {"measure": [str(error) or _("Not allowed.")]}
        except ValueConflict as conflict:
            conflicts[index] = conflict.current
            errors[index] = {
                "version": [
                    _(
                        "The value was changed by someone else: it is now at "
                        "version %(version)s. Check it, then send that version "
                        "to replace it."
                    )
                    % {"version": conflict.current.version}
                ]
            }
        except ValidationError as error:
            errors[index] = _messages(error)
    if errors:
        raise BulkRecordError(errors, denied=denied, conflicts=conflicts)
    return [recorded_at[index] for index in sorted(recorded_at)]


# The web form's rules, for paths that check many figures before writing
# them in one statement (the spreadsheet import): the same checks and the
# same messages as ``quarterly_value_record``.
def value_numbers_check(
    *,
    measure: PerformanceMeasure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The kind's rules; raises ValidationError keyed by field."""
    return _validate_numbers(measure, value, numerator, denominator)


def value_editable_check(
    *, record: QuarterlyValue | None, membership: Membership, period: Period
) -> None:
    """Locked quarters for everyone; submitted and approved figures for leads.

    Takes the lock state from ``period`` as read by the caller, which checks
    many rows at once; the database's guard refuses a quarter locked since.
    """
    _check_editable(record, membership, period, locked=period.is_locked)


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
