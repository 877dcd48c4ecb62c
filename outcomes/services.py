"""Writes to the strategy framework. Each upsert is keyed by a natural key, so
loading the same framework twice changes nothing.

Texts are English unless passed in ``welsh`` (keyed by the field's name:
``{"name": ..., "mission_statement": ...}``); the natural keys are the English
texts. Both are written to their own language's column whatever the active
language (``partnerships.bilingual.texts_set``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships import policy as roles
from partnerships.bilingual import texts_set
from partnerships.models import Membership, Organisation, Partnership, User

from .models import (
    Horizon,
    Mission,
    Outcome,
    Priority,
    Project,
    priority_mismatch_message,
)


@transaction.atomic
def mission_set(
    *,
    partnership: Partnership,
    statement: str,
    target_year: int | None,
    description: str = "",
    welsh: dict[str, str] | None = None,
) -> Mission:
    mission = Mission.objects.filter(partnership=partnership).first() or Mission(
        partnership=partnership
    )
    texts_set(
        mission,
        english={"statement": statement, "description": description},
        welsh=welsh,
    )
    mission.target_year = target_year
    mission.full_clean()
    mission.save()
    return mission


@transaction.atomic
def priority_upsert(
    *,
    partnership: Partnership,
    name: str,
    mission_statement: str = "",
    position: int = 0,
    welsh: dict[str, str] | None = None,
) -> Priority:
    priority = Priority.objects.filter(
        partnership=partnership, name_en=name
    ).first() or Priority(partnership=partnership)
    texts_set(
        priority,
        english={"name": name, "mission_statement": mission_statement},
        welsh=welsh,
    )
    priority.position = position
    priority.full_clean()
    priority.save()
    return priority


def _check_same_partnership(partnership: Partnership, **related) -> None:
    for field, obj in related.items():
        if obj is not None and obj.partnership_id != partnership.pk:
            raise ValidationError({field: _("It belongs to another partnership.")})


def priority_under_outcome(
    *, outcome: Outcome | None, priority: Priority | None
) -> Priority | None:
    """The priority of a measure or project placed under ``outcome``.

    Under an outcome, the outcome's priority (a priority given must be that
    one); under no outcome, the priority given. The database holds the same
    rule (``priority_follows_outcome``).
    """
    if outcome is None:
        return priority
    if priority is not None and priority.pk != outcome.priority_id:
        raise ValidationError({"priority": priority_mismatch_message(outcome)})
    return outcome.priority


@transaction.atomic
def outcome_upsert(
    *,
    partnership: Partnership,
    statement: str,
    priority: Priority | None = None,
    horizon: str,
    what_it_looks_like: str = "",
    position: int = 0,
    welsh: dict[str, str] | None = None,
) -> Outcome:
    _check_same_partnership(partnership, priority=priority)
    outcome = Outcome.objects.filter(
        partnership=partnership, priority=priority, statement_en=statement
    ).first() or Outcome(partnership=partnership, priority=priority)
    texts_set(
        outcome,
        english={"statement": statement, "what_it_looks_like": what_it_looks_like},
        welsh=welsh,
    )
    outcome.horizon = horizon
    outcome.position = position
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def project_upsert(
    *,
    partnership: Partnership,
    name: str,
    priority: Priority | None = None,
    outcome: Outcome | None = None,
    description: str = "",
    lead_organisation: Organisation | None = None,
    status: str | None = None,
    welsh: dict[str, str] | None = None,
) -> Project:
    _check_same_partnership(
        partnership,
        priority=priority,
        outcome=outcome,
        lead_organisation=lead_organisation,
    )
    project = Project.objects.filter(
        partnership=partnership, name_en=name
    ).first() or Project(partnership=partnership)
    texts_set(project, english={"name": name, "description": description}, welsh=welsh)
    project.priority = priority_under_outcome(outcome=outcome, priority=priority)
    project.outcome = outcome
    project.lead_organisation = lead_organisation
    if status:
        project.status = status
    project.full_clean()
    project.save()
    return project


# --- The strategy editor: an admin's changes, one object at a time ----------


def require_admin(partnership: Partnership, actor: User) -> Membership:
    membership = Membership.objects.filter(partnership=partnership, user=actor).first()
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    return membership


def _save(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def mission_update(
    *,
    partnership: Partnership,
    actor: User,
    statement: str,
    target_year: int | None,
    description: str = "",
) -> Mission:
    """The admin sets the partnership's mission."""
    require_admin(partnership, actor)
    if not statement.strip():
        raise ValidationError({"statement": _("Write the mission in a sentence.")})
    if target_year is not None and not 2000 <= target_year <= 2100:
        raise ValidationError({"target_year": _("Give a year between 2000 and 2100.")})
    mission = Mission.objects.filter(partnership=partnership).first() or Mission(
        partnership=partnership
    )
    return _save(
        mission,
        statement=statement,
        target_year=target_year,
        description=description,
    )


def _unique_name_check(partnership: Partnership, name: str, exclude_pk=None) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Give the priority a name.")})
    clash = Priority.objects.filter(partnership=partnership, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("There is already a priority called “%(name)s”.")
                % {"name": name.strip()}
            }
        )


@transaction.atomic
def priority_create(
    *,
    partnership: Partnership,
    actor: User,
    name: str,
    mission_statement: str = "",
    position: int | None = None,
) -> Priority:
    """A new priority, last unless a position is given."""
    require_admin(partnership, actor)
    _unique_name_check(partnership, name)
    if position is None:
        position = Priority.objects.filter(partnership=partnership).count()
    return _save(
        Priority(partnership=partnership),
        name=name,
        mission_statement=mission_statement,
        position=position,
    )


@transaction.atomic
def priority_update(
    *, partnership: Partnership, actor: User, priority: Priority, **changes
) -> Priority:
    """Change a priority's name, mission statement or position."""
    require_admin(partnership, actor)
    _check_same_partnership(partnership, priority=priority)
    unknown = set(changes) - {"name", "mission_statement", "position"}
    if unknown:
        raise ValueError(f"Not a priority field: {sorted(unknown)}")
    if "name" in changes:
        _unique_name_check(partnership, changes["name"], exclude_pk=priority.pk)
    return _save(priority, **changes)


def _horizon_check(horizon: str) -> None:
    if horizon not in Horizon.values:
        raise ValidationError({"horizon": _("Choose the outcome's horizon.")})


@transaction.atomic
def outcome_create(
    *,
    partnership: Partnership,
    actor: User,
    statement: str,
    priority: Priority | None,
    horizon: str,
    what_it_looks_like: str = "",
    position: int | None = None,
) -> Outcome:
    """A new outcome under a priority (or the mission), last unless placed."""
    require_admin(partnership, actor)
    _check_same_partnership(partnership, priority=priority)
    if not statement.strip():
        raise ValidationError({"statement": _("Write the outcome in a sentence.")})
    _horizon_check(horizon)
    if position is None:
        position = Outcome.objects.filter(
            partnership=partnership, priority=priority
        ).count()
    return _save(
        Outcome(partnership=partnership),
        priority=priority,
        statement=statement,
        horizon=horizon,
        what_it_looks_like=what_it_looks_like,
        position=position,
    )


@transaction.atomic
def outcome_update(
    *, partnership: Partnership, actor: User, outcome: Outcome, **changes
) -> Outcome:
    """Change an outcome; moving it to another priority carries its measures
    and projects along (the database's ``priority_follows_outcome``)."""
    require_admin(partnership, actor)
    _check_same_partnership(
        partnership, outcome=outcome, priority=changes.get("priority")
    )
    unknown = set(changes) - {
        "statement",
        "priority",
        "horizon",
        "what_it_looks_like",
        "position",
    }
    if unknown:
        raise ValueError(f"Not an outcome field: {sorted(unknown)}")
    if "statement" in changes and not changes["statement"].strip():
        raise ValidationError({"statement": _("Write the outcome in a sentence.")})
    if "horizon" in changes:
        _horizon_check(changes["horizon"])
    return _save(outcome, **changes)
