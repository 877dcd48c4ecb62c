"""Every write to the engagement log and its settings.

Roles as for figures: project leads log activity for their own organisation
(an activity they log or change names it), admins for every organisation;
admins keep the standards, the levels' names and the computed measures.
Every write recomputes the computed measures' figures in its transaction.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import DimensionCategory, PerformanceMeasure
from kpis.periods import Quarter
from kpis.recording import is_locked_now, is_locked_quarter_error, periods_hold
from kpis.services import (
    measure_computed_set,
    period_get_or_create,
    periods_get_or_create,
)
from partnerships import policy as roles
from partnerships.bilingual import texts_set
from partnerships.models import Membership, Partnership, User

from .computing import KIND_VALUE_TYPES, computed_figures_refresh
from .models import (
    Activity,
    ActivityCommunity,
    ActivityOrganisation,
    ActivityStandard,
    ActivityStatus,
    ComputedKind,
    ComputedMeasure,
    ContinuumLevel,
    ContinuumLevelName,
    EngagementStandard,
)
from .selectors import category_list, organisation_list, standard_list

TITLE_MAX = 200
METHOD_MAX = 100
FEEDBACK_MAX = 5000
# A year of activities either side of today is a typing slip beyond this.
EARLIEST_DAY = datetime.date(1990, 1, 1)
LATEST_DAY = datetime.date(2200, 12, 31)


def _membership(partnership: Partnership, actor: User) -> Membership | None:
    return Membership.objects.filter(partnership=partnership, user=actor).first()


def may_log(membership: Membership | None) -> bool:
    """Log activity at all: admins, and leads who belong to an organisation."""
    if roles.may_administer(membership):
        return True
    return (
        roles.may_enter_figures(membership) and membership.organisation_id is not None
    )


def may_change(membership: Membership | None, activity: Activity) -> bool:
    """Change or delete this activity: admins, or a lead of an organisation it names."""
    if roles.may_administer(membership):
        return True
    if not may_log(membership):
        return False
    return ActivityOrganisation.objects.filter(
        activity=activity, organisation_id=membership.organisation_id
    ).exists()


@dataclass
class ActivityInput:
    title: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    level: str
    status: str = ActivityStatus.PLANNED
    method: str = ""
    organisation_ids: list[int] = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    standard_ids: list[int] = field(default_factory=list)
    # The Welsh title: None leaves it as it is, an empty one clears it.
    title_cy: str | None = None
    participants: int | None = None
    # {category id: participants}, counts only.
    breakdown: dict[int, int] = field(default_factory=dict)
    feedback_said: str = ""
    feedback_done: str = ""


def locked_activity_message(quarter: Quarter) -> str:
    return _(
        "%(quarter)s is locked, so its activities cannot change. An admin can "
        "reopen it, giving a reason."
    ) % {"quarter": quarter.label}


def _locked_quarter(partnership: Partnership, day: datetime.date) -> Quarter | None:
    """The quarter ``day`` falls in if it is locked, holding it FOR SHARE so
    that it cannot be locked under this write (``period_lock`` waits for the
    transaction, as it does for figures' writers)."""
    quarter = Quarter.containing(day, partnership.reporting_year_start_month)
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    return quarter if is_locked_now(period) else None


@dataclass
class _Choices:
    """What activities' inputs name, as the partnership has them: its
    organisations', communities' (with their dimensions) and standards' ids."""

    organisation_ids: set[int]
    categories: dict[int, DimensionCategory]
    standard_ids: set[int]


def _choices(partnership: Partnership, inputs: Iterable[ActivityInput]) -> _Choices:
    """Read for any number of inputs at once: three queries at most."""
    organisations: set[int] = set()
    categories: set[int] = set()
    standards: set[int] = set()
    for data in inputs:
        organisations.update(data.organisation_ids)
        categories.update(data.community_ids)
        categories.update(data.breakdown)
        standards.update(data.standard_ids)
    return _Choices(
        organisation_ids=set(
            organisation_list(partnership=partnership)
            .filter(pk__in=organisations)
            .values_list("pk", flat=True)
        )
        if organisations
        else set(),
        categories={
            c.pk: c
            for c in category_list(partnership=partnership).filter(pk__in=categories)
        }
        if categories
        else {},
        standard_ids=set(
            standard_list(partnership=partnership)
            .filter(pk__in=standards)
            .values_list("pk", flat=True)
        )
        if standards
        else set(),
    )


def _check(
    membership: Membership, data: ActivityInput, choices: _Choices
) -> ActivityInput:
    """The input as it will be stored; every problem beside its field.

    Reads nothing: what the input names is looked up in ``choices``.
    """
    errors: dict[str, str] = {}
    data.title = (data.title or "").strip()
    data.method = (data.method or "").strip()
    data.feedback_said = (data.feedback_said or "").strip()
    data.feedback_done = (data.feedback_done or "").strip()
    if not data.title:
        errors["title"] = _("Give the activity a title.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _("Keep the title to %(limit)s characters or fewer.") % {
            "limit": TITLE_MAX
        }
    if data.title_cy is not None and len(data.title_cy.strip()) > TITLE_MAX:
        errors["title_cy"] = _("Keep the title to %(limit)s characters or fewer.") % {
            "limit": TITLE_MAX
        }
    if len(data.method) > METHOD_MAX:
        errors["method"] = _("Keep the method to %(limit)s characters or fewer.") % {
            "limit": METHOD_MAX
        }
    for name in ("feedback_said", "feedback_done"):
        if len(getattr(data, name)) > FEEDBACK_MAX:
            errors[name] = _("Keep this to %(limit)s characters or fewer.") % {
                "limit": f"{FEEDBACK_MAX:,}"
            }
    for name in ("starts_on", "ends_on"):
        day = getattr(data, name)
        if day is None:
            errors[name] = _("Enter a date.")
        elif not EARLIEST_DAY <= day <= LATEST_DAY:
            errors[name] = _("Enter a date between 1990 and 2200.")
    dated = "starts_on" not in errors and "ends_on" not in errors
    if dated and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if data.level not in ContinuumLevel.values:
        errors["level"] = _("Choose a level of engagement.")
    if data.status not in ActivityStatus.values:
        errors["status"] = _("Choose whether it is planned, held or cancelled.")
    if data.participants is not None and data.participants < 0:
        errors["participants"] = _("The number of participants is 0 or more.")
    elif data.participants is not None and data.participants > 10_000_000:
        errors["participants"] = _("Enter fewer than 10,000,000 participants.")
    elif data.status == ActivityStatus.HELD and data.participants is None:
        errors["participants"] = _("Say how many people took part (0 if nobody came).")
    data.organisation_ids = sorted(set(data.organisation_ids))
    data.community_ids = sorted(set(data.community_ids))
    data.standard_ids = sorted(set(data.standard_ids))
    known_orgs = choices.organisation_ids & set(data.organisation_ids)
    if not data.organisation_ids:
        errors["organisations"] = _("Choose at least one organisation involved.")
    elif known_orgs != set(data.organisation_ids):
        errors["organisations"] = _("Choose organisations of this partnership.")
    elif (
        not roles.may_administer(membership)
        and membership.organisation_id not in known_orgs
    ):
        errors["organisations"] = _(
            "Include your own organisation: project leads log their "
            "organisation's activity."
        )
    categories = {
        pk: choices.categories[pk]
        for pk in set(data.community_ids) | set(data.breakdown)
        if pk in choices.categories
    }
    if not set(data.community_ids) <= set(categories):
        errors["communities"] = _("Choose communities of this partnership.")
    known_standards = choices.standard_ids & set(data.standard_ids)
    if known_standards != set(data.standard_ids):
        errors["standards"] = _("Choose standards this partnership follows.")
    breakdown: dict[int, int] = {}
    for pk, count in data.breakdown.items():
        if count is None:
            continue
        if pk not in categories:
            errors["breakdown"] = _(
                "Break the participants down by this partnership's categories."
            )
            break
        if count < 0:
            errors["breakdown"] = _("Each count is 0 or more.")
            break
        breakdown[pk] = count
    if "breakdown" not in errors and breakdown:
        if data.participants is None:
            errors["breakdown"] = _("Give the number of participants first.")
        else:
            totals: dict[int, int] = {}
            for pk, count in breakdown.items():
                dimension = categories[pk].dimension
                totals[dimension.pk] = totals.get(dimension.pk, 0) + count
            for pk, total in totals.items():
                dimension = next(
                    c.dimension for c in categories.values() if c.dimension_id == pk
                )
                if total > data.participants:
                    errors["breakdown"] = _(
                        "The counts by %(dimension)s add up to more than the "
                        "participants."
                    ) % {"dimension": dimension.name}
                elif dimension.is_exhaustive and total != data.participants:
                    errors["breakdown"] = _(
                        "The counts by %(dimension)s must add up to the participants."
                    ) % {"dimension": dimension.name}
    data.breakdown = breakdown
    if errors:
        raise ValidationError(errors)
    return data


def activity_texts_refuse_locked(activity: Activity) -> None:
    """A locked quarter's activity keeps its texts too (its row is guarded)."""
    _refuse_locked(activity.partnership, activity.starts_on)


def _refuse_locked(partnership: Partnership, *days: datetime.date) -> None:
    for day in days:
        quarter = _locked_quarter(partnership, day)
        if quarter is not None:
            raise ValidationError(locked_activity_message(quarter))


def _fill(activity: Activity, data: ActivityInput, actor: User) -> None:
    texts_set(
        activity,
        english={"title": data.title},
        welsh=None if data.title_cy is None else {"title": data.title_cy},
    )
    activity.starts_on = data.starts_on
    activity.ends_on = data.ends_on
    activity.status = data.status
    activity.level = data.level
    activity.method = data.method
    activity.participants = data.participants
    activity.participant_breakdown = {str(k): v for k, v in data.breakdown.items()}
    activity.feedback_said = data.feedback_said
    activity.feedback_done = data.feedback_done
    activity.recorded_by = actor


# The rows naming an activity's organisations, communities and standards met:
# (model, its column, the input's ids).
_PARTS = (
    (ActivityOrganisation, "organisation_id", "organisation_ids"),
    (ActivityCommunity, "category_id", "community_ids"),
    (ActivityStandard, "standard_id", "standard_ids"),
)


def _write(
    partnership: Partnership, activity: Activity, data: ActivityInput, actor: User
) -> Activity:
    _fill(activity, data, actor)
    activity.save()
    for model, column, attribute in _PARTS:
        ids = getattr(data, attribute)
        stored = set(
            model.objects.filter(activity=activity).values_list(column, flat=True)
        )
        if stored - set(ids):
            model.objects.filter(
                activity=activity, **{f"{column}__in": stored - set(ids)}
            ).delete()
        model.objects.bulk_create(
            model(partnership=partnership, activity=activity, **{column: pk})
            for pk in sorted(set(ids) - stored)
        )
    return activity


def _guarded(partnership: Partnership, day: datetime.date, write):
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as error:
        if is_locked_quarter_error(error):
            quarter = Quarter.containing(day, partnership.reporting_year_start_month)
            raise ValidationError(locked_activity_message(quarter)) from error
        raise


@transaction.atomic
def activity_create(
    *, partnership: Partnership, actor: User, data: ActivityInput, refresh: bool = True
) -> Activity:
    """Log an activity. ``refresh=False`` leaves the computed figures to the
    caller (the import logs many, then refreshes them once)."""
    membership = _membership(partnership, actor)
    if not may_log(membership):
        raise PermissionDenied(_("You cannot log engagement activity."))
    data = _check(membership, data, _choices(partnership, [data]))
    _refuse_locked(partnership, data.starts_on)
    activity = _guarded(
        partnership,
        data.starts_on,
        lambda: _write(partnership, Activity(partnership=partnership), data, actor),
    )
    if refresh:
        computed_figures_refresh(partnership=partnership, actor=actor)
    return activity


@transaction.atomic
def activity_update(
    *,
    partnership: Partnership,
    actor: User,
    activity: Activity,
    data: ActivityInput,
    refresh: bool = True,
) -> Activity:
    if activity.partnership_id != partnership.pk:
        raise PermissionDenied
    membership = _membership(partnership, actor)
    if not may_change(membership, activity):
        raise PermissionDenied(_("You cannot change this activity."))
    data = _check(membership, data, _choices(partnership, [data]))
    _refuse_locked(partnership, activity.starts_on, data.starts_on)
    activity = _guarded(
        partnership,
        activity.starts_on,
        lambda: _write(partnership, activity, data, actor),
    )
    if refresh:
        computed_figures_refresh(partnership=partnership, actor=actor)
    return activity


@dataclass
class ActivityWrite:
    """One of many activities to log (``activity`` None) or to change."""

    data: ActivityInput
    activity: Activity | None = None


class ActivitiesRefused(Exception):
    """Some of the activities cannot be written, so none was: the refusal of
    each, by its position among the writes (PermissionDenied or
    ValidationError, as ``activity_create`` and ``activity_update`` raise)."""

    def __init__(self, errors: dict[int, PermissionDenied | ValidationError]):
        super().__init__(errors)
        self.errors = errors


# The columns a change writes: every one but the key, the partnership and
# the creation time (as ``save()`` writes them).
_CHANGED_COLUMNS = [
    f.name
    for f in Activity._meta.concrete_fields
    if not f.primary_key and f.name not in ("partnership", "created_at")
]


@transaction.atomic
def activities_record(
    *,
    partnership: Partnership,
    actor: User,
    writes: Sequence[ActivityWrite],
    refresh: bool = True,
) -> list[Activity]:
    """Log and change many activities at once, all or none (the import).

    Each is checked by the rules of ``activity_create`` and
    ``activity_update`` (who may change it, every field, locked quarters held
    FOR SHARE), against a handful of set-based reads rather than a dozen
    queries an activity; then all are written with a few statements, the
    database's guards firing for every row. Raises ``ActivitiesRefused`` with
    every refusal. Returns the activities, in the order given. ``refresh``
    recomputes the computed measures' figures once, at the end.
    """
    membership = _membership(partnership, actor)
    if not may_log(membership):
        raise PermissionDenied(_("You cannot log engagement activity."))
    errors: dict[int, PermissionDenied | ValidationError] = {}
    changed = [w.activity.pk for w in writes if w.activity is not None]
    # may_change for every activity changed, in one query.
    own = (
        set(changed)
        if roles.may_administer(membership)
        else set(
            ActivityOrganisation.objects.filter(
                activity_id__in=changed, organisation_id=membership.organisation_id
            ).values_list("activity_id", flat=True)
        )
        if changed
        else set()
    )
    choices = _choices(partnership, (w.data for w in writes))
    days: dict[int, list[datetime.date]] = {}
    for index, write in enumerate(writes):
        activity = write.activity
        if activity is not None:
            if activity.partnership_id != partnership.pk:
                errors[index] = PermissionDenied()
                continue
            if activity.pk not in own:
                errors[index] = PermissionDenied(_("You cannot change this activity."))
                continue
        try:
            _check(membership, write.data, choices)
        except ValidationError as error:
            errors[index] = error
            continue
        # As activity_update refuses: the old first day's quarter, then the new.
        days[index] = ([] if activity is None else [activity.starts_on]) + [
            write.data.starts_on
        ]
    errors.update(_refused_as_locked(partnership, days))
    if errors:
        raise ActivitiesRefused(errors)
    try:
        with transaction.atomic():
            activities = _write_many(partnership, writes, actor)
    except IntegrityError as error:
        # The database's guard: a lock the hold did not see. Said by row.
        refused = _refused_as_locked(partnership, days)
        if not is_locked_quarter_error(error) or not refused:
            raise
        raise ActivitiesRefused(refused) from error
    if refresh:
        computed_figures_refresh(partnership=partnership, actor=actor)
    return activities


def _refused_as_locked(
    partnership: Partnership, days: dict[int, list[datetime.date]]
) -> dict[int, ValidationError]:
    """By write, the refusal of the first of its days that falls in a locked
    quarter. Every quarter is held FOR SHARE, as ``_locked_quarter`` holds
    one, in two to four queries."""
    start_month = partnership.reporting_year_start_month
    quarters = {
        index: [Quarter.containing(day, start_month) for day in row_days]
        for index, row_days in days.items()
    }
    periods = periods_get_or_create(
        partnership=partnership, quarters={q for qs in quarters.values() for q in qs}
    )
    held_locked = periods_hold(period_ids=[p.pk for p in periods.values()])
    refused = {}
    for index, row_quarters in quarters.items():
        for quarter in row_quarters:
            if periods[quarter].pk in held_locked:
                refused[index] = ValidationError(locked_activity_message(quarter))
                break
    return refused


def _update_many(partnership: Partnership, activities: list[Activity]) -> None:
    """One UPDATE of these activities' columns from arrays (``unnest``).

    ``bulk_update`` builds a CASE of every row for every column: for a
    thousand changes, 14,000 expressions, seconds of Python. The values are
    each field's own (``get_db_prep_save``, as ``save()`` sends them), read
    by attribute as ``save()`` reads them.
    """
    fields = [Activity._meta.get_field(name) for name in _CHANGED_COLUMNS]
    arrays = [[a.pk for a in activities]] + [
        [f.get_db_prep_save(getattr(a, f.attname), connection) for a in activities]
        for f in fields
    ]
    names = ["id"] + [f.column for f in fields]
    casts = ["bigint[]"] + [f"{f.db_type(connection)}[]" for f in fields]
    table = Activity._meta.db_table
    sql = (
        f"UPDATE {table} AS a SET "
        + ", ".join(f"{n} = v.{n}" for n in names[1:])
        + " FROM unnest("
        + ", ".join(f"%s::{cast}" for cast in casts)
        + f") AS v({', '.join(names)}) WHERE a.id = v.id AND a.partnership_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, partnership.pk])


def _write_many(
    partnership: Partnership, writes: Sequence[ActivityWrite], actor: User
) -> list[Activity]:
    """Insert the new activities, update the changed ones (the last write of
    one activity given twice wins, as one after the other would) and their
    organisations, communities and standards: a handful of statements."""
    now = timezone.now()
    activities, new = [], []
    changed: dict[int, Activity] = {}
    for write in writes:
        activity = write.activity or Activity(partnership=partnership)
        _fill(activity, write.data, actor)
        if write.activity is None:
            new.append(activity)
        else:
            activity.updated_at = now
            changed[activity.pk] = activity
        activities.append(activity)
    Activity.objects.bulk_create(new, batch_size=1000)
    if changed:
        _update_many(partnership, list(changed.values()))
    for model, column, attribute in _PARTS:
        stored: dict[int, dict[int, int]] = defaultdict(dict)
        if changed:
            for pk, activity_id, other in model.objects.filter(
                activity_id__in=list(changed)
            ).values_list("pk", "activity_id", column):
                stored[activity_id][other] = pk
        # Each activity's ids as its last write gives them.
        finals = {
            activity.pk: set(getattr(write.data, attribute))
            for activity, write in zip(activities, writes, strict=True)
        }
        gone = [
            pk
            for activity_id, rows in stored.items()
            for other, pk in rows.items()
            if other not in finals[activity_id]
        ]
        if gone:
            model.objects.filter(pk__in=gone).delete()
        model.objects.bulk_create(
            [
                model(partnership=partnership, activity_id=activity_id, **{column: pk})
                for activity_id, ids in finals.items()
                for pk in sorted(ids - set(stored.get(activity_id, {})))
            ],
            batch_size=2000,
        )
    return activities


@transaction.atomic
def activity_delete(
    *, partnership: Partnership, actor: User, activity: Activity
) -> None:
    if activity.partnership_id != partnership.pk:
        raise PermissionDenied
    membership = _membership(partnership, actor)
    if not may_change(membership, activity):
        raise PermissionDenied(_("You cannot delete this activity."))
    _refuse_locked(partnership, activity.starts_on)
    _guarded(partnership, activity.starts_on, activity.delete)
    computed_figures_refresh(partnership=partnership, actor=actor)


def _require_admin(partnership: Partnership, actor: User) -> None:
    if not roles.may_administer(_membership(partnership, actor)):
        raise PermissionDenied(_("Only the partnership's admins can do this."))


@transaction.atomic
def standard_create(
    *, partnership: Partnership, actor: User, name: str, description: str = ""
) -> EngagementStandard:
    _require_admin(partnership, actor)
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the standard a name.")})
    if len(name) > 200:
        raise ValidationError(
            {
                "name": _("Keep the name to %(limit)s characters or fewer.")
                % {"limit": 200}
            }
        )
    if standard_list(partnership=partnership).filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("The partnership already follows a standard with this name.")}
        )
    position = standard_list(partnership=partnership).count()
    return EngagementStandard.objects.create(
        partnership=partnership, name=name, description=description, position=position
    )


@transaction.atomic
def standard_delete(
    *, partnership: Partnership, actor: User, standard: EngagementStandard
) -> None:
    _require_admin(partnership, actor)
    if standard.partnership_id != partnership.pk:
        raise PermissionDenied
    if ComputedMeasure.objects.filter(standard=standard).exists():
        raise ValidationError(
            _("A computed measure counts this standard: change that measure first.")
        )
    if ActivityStandard.objects.filter(standard=standard).exists():
        raise ValidationError(
            _("Activities are recorded as meeting this standard, so it stays.")
        )
    standard.delete()


@transaction.atomic
def level_names_set(
    *, partnership: Partnership, actor: User, names: dict[str, str]
) -> None:
    """Rename levels of the continuum; a blank name goes back to the shipped one."""
    _require_admin(partnership, actor)
    errors = {}
    for level, name in names.items():
        if level not in ContinuumLevel.values:
            errors[level] = _("Not a level of the continuum.")
        elif len((name or "").strip()) > 100:
            errors[level] = _("Keep the name to %(limit)s characters or fewer.") % {
                "limit": 100
            }
    if errors:
        raise ValidationError(errors)
    for level, name in names.items():
        name = (name or "").strip()
        if name:
            ContinuumLevelName.objects.update_or_create(
                partnership=partnership, level=level, defaults={"name": name}
            )
        else:
            ContinuumLevelName.objects.filter(
                partnership=partnership, level=level
            ).delete()


@dataclass
class ComputationInput:
    kind: str
    standard_id: int | None = None
    level: str = ""
    organisation_id: int | None = None
    community_id: int | None = None


@transaction.atomic
def computed_measure_set(
    *,
    partnership: Partnership,
    actor: User,
    measure: PerformanceMeasure,
    data: ComputationInput,
    today: datetime.date | None = None,
) -> ComputedMeasure:
    """Compute this measure from the log from now on, and its figures now
    (up to ``today``'s quarter: the demo's day when it loads)."""
    _require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    errors: dict[str, str] = {}
    if data.kind not in ComputedKind.values:
        errors["kind"] = _("Choose what the measure counts.")
    elif measure.value_type not in KIND_VALUE_TYPES[data.kind]:
        errors["kind"] = (
            _("Only a percentage measure can count activities meeting a standard.")
            if data.kind == ComputedKind.STANDARD_MET
            else _("Only a count measure can count activities or participants.")
        )
    if data.kind == ComputedKind.STANDARD_MET:
        if data.standard_id is None:
            errors["standard"] = _("Choose the standard.")
        elif (
            not standard_list(partnership=partnership)
            .filter(pk=data.standard_id)
            .exists()
        ):
            errors["standard"] = _("Choose a standard this partnership follows.")
    else:
        data.standard_id = None
    if data.level and data.level not in ContinuumLevel.values:
        errors["level"] = _("Choose a level of engagement.")
    if (
        data.organisation_id is not None
        and not organisation_list(partnership=partnership)
        .filter(pk=data.organisation_id)
        .exists()
    ):
        errors["organisation"] = _("Choose an organisation of this partnership.")
    if (
        data.community_id is not None
        and not category_list(partnership=partnership)
        .filter(pk=data.community_id)
        .exists()
    ):
        errors["community"] = _("Choose a community of this partnership.")
    if measure.retired_at is not None:
        errors["measure"] = _("This measure is retired.")
    if errors:
        raise ValidationError(errors)
    computation, created = ComputedMeasure.objects.update_or_create(
        partnership=partnership,
        measure=measure,
        defaults={
            "kind": data.kind,
            "standard_id": data.standard_id,
            "level": data.level,
            "organisation_id": data.organisation_id,
            "community_id": data.community_id,
        },
    )
    measure = measure_computed_set(
        partnership=partnership,
        measure=measure,
        computed=True,
        actor=actor,
        # Activities held are events: they disclose no one (the admin may
        # say otherwise in the measure editor). Set when first computed.
        counts_people=False
        if created and data.kind == ComputedKind.ACTIVITIES
        else None,
    )
    computation.measure = measure
    computed_figures_refresh(
        partnership=partnership, actor=actor, computations=[computation], today=today
    )
    return computation


@transaction.atomic
def computed_measure_clear(
    *, partnership: Partnership, actor: User, measure: PerformanceMeasure
) -> None:
    """Enter this measure's figures again; those computed so far stay."""
    _require_admin(partnership, actor)
    if measure.partnership_id != partnership.pk:
        raise PermissionDenied
    ComputedMeasure.objects.filter(partnership=partnership, measure=measure).delete()
    measure_computed_set(
        partnership=partnership, measure=measure, computed=False, actor=actor
    )
