"""Writes to the strategy framework. Each upsert is keyed by a natural key, so
loading the same framework twice changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.models import Organisation, Partnership

from .models import Mission, Outcome, Priority, Project, priority_mismatch_message


@transaction.atomic
def mission_set(
    *,
    partnership: Partnership,
    statement: str,
    target_year: int | None,
    description: str = "",
) -> Mission:
    mission = Mission.objects.filter(partnership=partnership).first() or Mission(
        partnership=partnership
    )
    mission.statement = statement
    mission.target_year = target_year
    mission.description = description
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
) -> Priority:
    priority = Priority.objects.filter(
        partnership=partnership, name=name
    ).first() or Priority(partnership=partnership, name=name)
    priority.mission_statement = mission_statement
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
) -> Outcome:
    _check_same_partnership(partnership, priority=priority)
    outcome = Outcome.objects.filter(
        partnership=partnership, priority=priority, statement=statement
    ).first() or Outcome(
        partnership=partnership, priority=priority, statement=statement
    )
    outcome.horizon = horizon
    outcome.what_it_looks_like = what_it_looks_like
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
) -> Project:
    _check_same_partnership(
        partnership,
        priority=priority,
        outcome=outcome,
        lead_organisation=lead_organisation,
    )
    project = Project.objects.filter(
        partnership=partnership, name=name
    ).first() or Project(partnership=partnership, name=name)
    project.priority = priority_under_outcome(outcome=outcome, priority=priority)
    project.outcome = outcome
    project.description = description
    project.lead_organisation = lead_organisation
    if status:
        project.status = status
    project.full_clean()
    project.save()
    return project
