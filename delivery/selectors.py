"""Every read of the action plans, scoped to the partnership first."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Prefetch, Q, QuerySet, Value

from kpis.models import ReviewStatus
from kpis.periods import Quarter
from partnerships.models import Partnership

from .models import Action, ActionStatus, ActionUpdate, CurveStoryAction

FINISHED = (ActionStatus.COMPLETE, ActionStatus.PAUSED)


def action_list(
    *,
    partnership: Partnership,
    priority_id: int | None = None,
    outcome_id: int | None = None,
    organisation_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Action]:
    """The partnership's actions in plan order, with what their rows show."""
    actions = Action.objects.filter(partnership=partnership)
    if priority_id:
        actions = actions.filter(priority_id=priority_id)
    if outcome_id:
        actions = actions.filter(actionoutcome__outcome_id=outcome_id)
    if organisation_id:
        actions = actions.filter(actionleadagency__organisation_id=organisation_id)
    if status:
        actions = actions.filter(status=status)
    return (
        actions.distinct()
        .select_related("priority", "lead_person", "start_period", "due_period")
        .prefetch_related(
            "lead_agencies",
            "outcomes",
            "measures",
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.select_related("period").order_by(
                    "-period__starts_on"
                ),
            ),
        )
        .order_by("position", "id")
    )


def action_choice_list(*, partnership: Partnership) -> QuerySet[Action]:
    """The partnership's actions in plan order, for a form's choices."""
    return (
        Action.objects.filter(partnership=partnership)
        .only("id", "name", "position")
        .order_by("position", "id")
    )


def update_list(*, partnership: Partnership) -> QuerySet[ActionUpdate]:
    return ActionUpdate.objects.filter(partnership=partnership).select_related(
        "action", "period", "written_by", "submitted_by", "reviewed_by"
    )


@dataclass
class ActionRow:
    """One row of the action plan table, and its flags."""

    action: Action
    latest: ActionUpdate | None
    overdue: bool
    update_overdue: bool


def latest_update(action: Action) -> ActionUpdate | None:
    """The latest update (from the prefetched ones, newest first)."""
    updates = list(action.updates.all())
    return updates[0] if updates else None


def action_rows(
    actions, *, partnership: Partnership, today: datetime.date
) -> list[ActionRow]:
    """Each action with its latest update and whether it is overdue.

    An action is overdue when its due quarter has ended and it is not
    complete (or paused); its update is overdue when the last quarter's
    deadline has passed with no update submitted for it, while the action
    was running in that quarter.
    """
    current = Quarter.containing(today, partnership.reporting_year_start_month)
    last = current.previous()
    last_due = partnership.deadline_for(last)
    rows = []
    for action in actions:
        updates = list(action.updates.all())
        running = (
            action.status not in FINISHED
            and (
                action.start_period is None
                or action.start_period.starts_on <= last.ends_on
            )
            and (
                action.due_period is None or action.due_period.ends_on >= last.starts_on
            )
        )
        reported = any(
            u.period.year == last.year
            and u.period.quarter == last.quarter
            and u.review_status != ReviewStatus.DRAFT
            for u in updates
        )
        rows.append(
            ActionRow(
                action=action,
                latest=updates[0] if updates else None,
                overdue=bool(
                    action.due_period is not None
                    and action.due_period.ends_on < today
                    and action.status not in FINISHED
                ),
                update_overdue=running and today > last_due and not reported,
            )
        )
    return rows


def status_counts_by_priority(*, partnership: Partnership) -> list[dict]:
    """For the dashboard: each priority's actions by status, in plan order."""
    by_priority: dict = {}
    for action in (
        Action.objects.filter(partnership=partnership)
        .select_related("priority")
        .order_by("priority__position", "priority_id", "position")
    ):
        entry = by_priority.setdefault(
            action.priority_id,
            {
                "priority": action.priority,
                "counts": dict.fromkeys(ActionStatus.values, 0),
                "total": 0,
            },
        )
        entry["counts"][action.status] += 1
        entry["total"] += 1
    result = []
    for entry in by_priority.values():
        entry["statuses"] = [
            (value, label, entry["counts"][value])
            for value, label in ActionStatus.choices
            if entry["counts"][value]
        ]
        result.append(entry)
    return result


def curve_story_actions_and_choices(
    *, partnership: Partnership, story_ids
) -> tuple[dict[int, list], list[Action]]:
    """Each story's linked actions, by story id, and all the partnership's
    actions in plan order (a story form's choices), in one query."""
    story_ids = list(story_ids)
    actions = list(
        Action.objects.filter(partnership=partnership)
        .annotate(
            story_ids=ArrayAgg(
                "curve_story_links__story_id",
                filter=Q(curve_story_links__story_id__in=story_ids),
                default=Value([]),
            )
        )
        .order_by("position", "id")
    )
    linked: dict[int, list] = {}
    for action in actions:
        for story_id in action.story_ids:
            linked.setdefault(story_id, []).append(action)
    return linked, actions


def curve_story_actions(*, partnership: Partnership, story_ids) -> dict[int, list]:
    """Each story's linked actions, by story id."""
    linked: dict[int, list] = {}
    story_ids = list(story_ids)
    if not story_ids:
        return linked
    for link in (
        CurveStoryAction.objects.filter(partnership=partnership, story_id__in=story_ids)
        .select_related("action")
        .order_by("action__position", "action_id")
    ):
        linked.setdefault(link.story_id, []).append(link.action)
    return linked
