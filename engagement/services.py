"""Every write to the engagement log and its settings.

Roles as for figures: project leads log activity for their own organisation
(an activity they log or change names it), admins for every organisation;
admins keep the standards, the levels' names and the computed measures.
Every write recomputes the computed measures' figures in its transaction.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kpis.models import PerformanceMeasure
from kpis.periods import Quarter
from kpis.recording import is_locked_now, is_locked_quarter_error
from kpis.services import measure_computed_set, period_get_or_create
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


def _check(
    partnership: Partnership, membership: Membership, data: ActivityInput
) -> ActivityInput:
    """The input as it will be stored; every problem beside its field."""
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
    known_orgs = set(
        organisation_list(partnership=partnership)
        .filter(pk__in=data.organisation_ids)
        .values_list("pk", flat=True)
    )
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
        c.pk: c
        for c in category_list(partnership=partnership).filter(
            pk__in=set(data.community_ids) | set(data.breakdown)
        )
    }
    if not set(data.community_ids) <= set(categories):
        errors["communities"] = _("Choose communities of this partnership.")
    known_standards = set(
        standard_list(partnership=partnership)
        .filter(pk__in=data.standard_ids)
        .values_list("pk", flat=True)
    )
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


def _write(
    partnership: Partnership, activity: Activity, data: ActivityInput, actor: User
) -> Activity:
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
    activity.save()
    for model, column, ids in (
        (ActivityOrganisation, "organisation_id", data.organisation_ids),
        (ActivityCommunity, "category_id", data.community_ids),
        (ActivityStandard, "standard_id", data.standard_ids),
    ):
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
    data = _check(partnership, membership, data)
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
    data = _check(partnership, membership, data)
    _refuse_locked(partnership, activity.starts_on, data.starts_on)
    activity = _guarded(
        partnership,
        activity.starts_on,
        lambda: _write(partnership, activity, data, actor),
    )
    if refresh:
        computed_figures_refresh(partnership=partnership, actor=actor)
    return activity


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
