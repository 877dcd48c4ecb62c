"""Every write of the action plans: actions, their quarterly updates and the
updates' review steps (submitted with the figures, approved or returned by an
admin, fixed by the quarter's lock)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import PerformanceMeasure, ReviewStatus
from kpis.periods import Quarter
from kpis.policy import locked_message
from kpis.recording import is_locked_now, membership_get
from kpis.services import period_get_or_create, require_admin
from outcomes.models import Outcome, Priority
from partnerships import policy as roles
from partnerships.bilingual import texts_set
from partnerships.models import Membership, Organisation, Partnership, User

from .models import (
    Action,
    ActionLeadAgency,
    ActionMeasure,
    ActionOutcome,
    ActionStatus,
    ActionUpdate,
    CurveStoryAction,
    RiskRating,
)

# Longest texts the forms and the API take (the columns are text; a limit
# keeps a pasted document out of a table cell).
PROGRESS_LIMIT = 4000
ITEM_LIMIT = 1000
ITEMS_LIMIT = 12


@dataclass(frozen=True)
class ActionFields:
    """What an admin sets on an action (ids are the partnership's own)."""

    name: str
    description: str = ""
    priority_id: int | None = None
    lead_agency_ids: tuple[int, ...] = ()
    lead_person_id: int | None = None
    start_quarter: Quarter | None = None
    due_quarter: Quarter | None = None
    status: str = ActionStatus.PLANNED
    outcome_ids: tuple[int, ...] = ()
    measure_ids: tuple[int, ...] = ()
    # The Welsh texts, keyed "name" and "description"; None, or a key left
    # out, leaves the Welsh as it is, and an empty text clears it.
    welsh: dict[str, str] | None = None


def _own_ids(model, partnership: Partnership, ids: Iterable[int], field: str) -> list:
    ids = sorted(set(ids))
    found = list(model.objects.filter(partnership=partnership, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: _("Choose from the partnership's own list.")})
    return found


def _validated(partnership: Partnership, fields: ActionFields) -> dict:
    errors = {}
    name = fields.name.strip()
    if not name:
        errors["name"] = _("Say what the action is.")
    elif len(name) > 400:
        errors["name"] = _("Keep the action to 400 characters or fewer.")
    if len(((fields.welsh or {}).get("name") or "").strip()) > 400:
        errors["name_cy"] = _("Keep the action to 400 characters or fewer.")
    if fields.status not in ActionStatus.values:
        errors["status"] = _("Choose one of the statuses listed.")
    if (
        fields.start_quarter
        and fields.due_quarter
        and fields.due_quarter < fields.start_quarter
    ):
        errors["due_quarter"] = _("The due quarter cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    priority = None
    if fields.priority_id is not None:
        priority = Priority.objects.filter(
            partnership=partnership, pk=fields.priority_id
        ).first()
        if priority is None:
            raise ValidationError({"priority": _("Choose one of the priorities.")})
    lead_person = None
    if fields.lead_person_id is not None:
        membership = (
            Membership.objects.filter(
                partnership=partnership, user_id=fields.lead_person_id
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ValidationError(
                {
                    "lead_person": _(
                        "The lead person must be a member of the partnership."
                    )
                }
            )
        lead_person = membership.user
    return {
        "name": name,
        "description": fields.description.strip(),
        "priority": priority,
        "lead_person": lead_person,
        "status": fields.status,
        "start_period": fields.start_quarter
        and period_get_or_create(partnership=partnership, quarter=fields.start_quarter),
        "due_period": fields.due_quarter
        and period_get_or_create(partnership=partnership, quarter=fields.due_quarter),
        "agencies": _own_ids(
            Organisation, partnership, fields.lead_agency_ids, "lead_agencies"
        ),
        "outcomes": _own_ids(Outcome, partnership, fields.outcome_ids, "outcomes"),
        "measures": _own_ids(
            PerformanceMeasure, partnership, fields.measure_ids, "measures"
        ),
    }


def _links_set(partnership: Partnership, action: Action, values: dict) -> None:
    for through, field, items in (
        (ActionLeadAgency, "organisation", values["agencies"]),
        (ActionOutcome, "outcome", values["outcomes"]),
        (ActionMeasure, "measure", values["measures"]),
    ):
        wanted = {item.pk for item in items}
        rows = through.objects.filter(partnership=partnership, action=action)
        rows.exclude(**{f"{field}_id__in": wanted}).delete()
        have = set(rows.values_list(f"{field}_id", flat=True))
        through.objects.bulk_create(
            through(partnership=partnership, action=action, **{f"{field}_id": pk})
            for pk in sorted(wanted - have)
        )


@transaction.atomic
def action_create(
    *, partnership: Partnership, fields: ActionFields, actor: User
) -> Action:
    require_admin(partnership, actor)
    values = _validated(partnership, fields)
    last = (
        Action.objects.filter(partnership=partnership)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    action = Action(
        partnership=partnership,
        position=(last or 0) + 1,
        **{k: v for k, v in values.items() if k not in (*_LINKS, *_TEXTS)},
    )
    _texts_set(action, values, fields)
    action.save()
    _links_set(partnership, action, values)
    return action


_LINKS = ("agencies", "outcomes", "measures")
_TEXTS = ("name", "description")
# The columns a change of texts writes: each language's, and the original
# (modeltranslation keeps it as the English).
_TEXT_COLUMNS = (*_TEXTS, *(f"{f}_{lang}" for f in _TEXTS for lang in ("en", "cy")))


def _texts_set(action: Action, values: dict, fields: ActionFields) -> None:
    """The English texts, and the Welsh ones given, whatever language is
    active (setting ``name`` would write the active language's column)."""
    welsh = fields.welsh
    if welsh is not None:
        welsh = {k: v for k, v in welsh.items() if k in _TEXTS}
    texts_set(action, english={k: values[k] for k in _TEXTS}, welsh=welsh)


@transaction.atomic
def action_edit(
    *, partnership: Partnership, action: Action, fields: ActionFields, actor: User
) -> Action:
    require_admin(partnership, actor)
    if action.partnership_id != partnership.pk:
        raise PermissionDenied
    values = _validated(partnership, fields)
    changed = {k: v for k, v in values.items() if k not in (*_LINKS, *_TEXTS)}
    for key, value in changed.items():
        setattr(action, key, value)
    _texts_set(action, values, fields)
    action.save(update_fields=[*changed, *_TEXT_COLUMNS, "updated_at"])
    _links_set(partnership, action, values)
    return action


def may_write_update(membership: Membership | None, action: Action) -> bool:
    """An action's lead person writes its updates; admins write any."""
    if roles.may_administer(membership):
        return True
    return (
        roles.may_enter_figures(membership)
        and action.lead_person_id == membership.user_id
    )


def _clean_items(items, *, text_key: str, other_key: str, field: str, choices=None):
    """The non-empty rows of a list of risks or next steps, checked."""
    cleaned = []
    for item in items or []:
        if not isinstance(item, dict):
            raise ValidationError({field: _("Each row must have its text.")})
        text = str(item.get(text_key) or "").strip()
        other = str(item.get(other_key) or "").strip()
        if not text and not other:
            continue
        if not text:
            raise ValidationError({field: _("Each row must have its text.")})
        if len(text) > ITEM_LIMIT or len(other) > ITEM_LIMIT:
            raise ValidationError(
                {field: _("Keep each row to 1000 characters or fewer.")}
            )
        if choices is not None and other not in choices:
            raise ValidationError(
                {field: _("Give each risk a rating: low, medium or high.")}
            )
        cleaned.append({text_key: text, other_key: other})
    if len(cleaned) > ITEMS_LIMIT:
        raise ValidationError({field: _("List at most 12 rows.")})
    return cleaned


@transaction.atomic
def action_update_save(
    *,
    partnership: Partnership,
    action: Action,
    quarter: Quarter,
    actor: User,
    status: str,
    progress: str,
    risks: list[dict],
    next_steps: list[dict],
) -> ActionUpdate:
    """Write (or rewrite) the action's update for the quarter, as a draft.

    A lead rewrites their draft or a returned update; once submitted it is the
    admins' (an admin's change to an approved update needs approving again:
    the database sends it back to "submitted"). The update's status becomes
    the action's when it is the action's latest quarter.
    """
    if action.partnership_id != partnership.pk:
        raise PermissionDenied
    membership = membership_get(partnership, actor)
    if not may_write_update(membership, action):
        raise PermissionDenied(_("Only the action's lead or an admin can update it."))
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    if is_locked_now(period):
        raise ValidationError(locked_message(period))
    errors = {}
    if status not in ActionStatus.values:
        errors["status"] = _("Choose one of the statuses listed.")
    progress = (progress or "").strip()
    if not progress:
        errors["progress"] = _("Say what progress has been made this quarter.")
    elif len(progress) > PROGRESS_LIMIT:
        errors["progress"] = _("Keep the progress to 4000 characters or fewer.")
    if errors:
        raise ValidationError(errors)
    risks = _clean_items(
        risks,
        text_key="risk",
        other_key="rating",
        field="risks",
        choices=RiskRating.values,
    )
    next_steps = _clean_items(
        next_steps, text_key="step", other_key="timescale", field="next_steps"
    )
    update = (
        ActionUpdate.objects.select_for_update()
        .filter(partnership=partnership, action=action, period=period)
        .first()
    )
    is_admin = roles.may_administer(membership)
    if update is None:
        update = ActionUpdate(
            partnership=partnership, action=action, period=period, written_by=actor
        )
    elif (
        update.review_status
        in (
            ReviewStatus.SUBMITTED,
            ReviewStatus.APPROVED,
        )
        and not is_admin
    ):
        raise ValidationError(
            _(
                "This update has been submitted for review, so only an admin can "
                "change it now."
            )
        )
    update.status = status
    update.progress = progress
    update.risks = risks
    update.next_steps = next_steps
    update.written_by = actor
    if update.review_status == ReviewStatus.RETURNED:
        update.review_status = ReviewStatus.DRAFT
        update.return_reason = ""
    update.save()
    latest = (
        ActionUpdate.objects.filter(partnership=partnership, action=action)
        .order_by("-period__starts_on")
        .values_list("period_id", flat=True)
        .first()
    )
    if latest == period.pk and action.status != status:
        action.status = status
        action.save(update_fields=["status", "updated_at"])
    return update


def action_updates_submit(*, partnership: Partnership, period, actor: User) -> int:
    """Submit the actor's draft and returned updates of the quarter.

    The actor's: those of the actions they lead (an admin submits theirs too);
    called by the quarter's submit (``kpis.review.quarter_submit``), inside
    its transaction.
    """
    waiting = ActionUpdate.objects.filter(
        partnership=partnership,
        period=period,
        action__lead_person=actor,
        review_status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED],
    )
    ids = list(waiting.select_for_update().values_list("pk", flat=True))
    return ActionUpdate.objects.filter(partnership=partnership, pk__in=ids).update(
        review_status=ReviewStatus.SUBMITTED,
        submitted_by=actor,
        submitted_at=timezone.now(),
        return_reason="",
    )


def _update_for_review(partnership: Partnership, update_id: int) -> ActionUpdate:
    update = (
        ActionUpdate.objects.filter(partnership=partnership, pk=update_id)
        .select_related("period", "action")
        .first()
    )
    if update is None:
        raise ActionUpdate.DoesNotExist
    if is_locked_now(update.period):
        raise ValidationError(locked_message(update.period))
    return ActionUpdate.objects.select_for_update().get(pk=update.pk)


@transaction.atomic
def action_update_approve(
    *, partnership: Partnership, update_id: int, actor: User
) -> ActionUpdate:
    require_admin(partnership, actor)
    update = _update_for_review(partnership, update_id)
    if update.review_status == ReviewStatus.APPROVED:
        return update
    if update.review_status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be approved."))
    update.review_status = ReviewStatus.APPROVED
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    return update


@transaction.atomic
def action_update_return(
    *, partnership: Partnership, update_id: int, actor: User, reason: str
) -> ActionUpdate:
    require_admin(partnership, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why you are returning it, so the lead can fix it.")}
        )
    update = _update_for_review(partnership, update_id)
    if update.review_status not in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        raise ValidationError(_("Only a submitted or approved update can be returned."))
    update.review_status = ReviewStatus.RETURNED
    update.return_reason = reason
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.save(
        update_fields=["review_status", "return_reason", "reviewed_by", "reviewed_at"]
    )
    return update


@transaction.atomic
def curve_story_actions_set(
    *, partnership: Partnership, story, action_ids: Iterable[int], actor: User
) -> list[Action]:
    """Link a turn-the-curve story to the actions that carry out its plan."""
    require_admin(partnership, actor)
    if story.partnership_id != partnership.pk:
        raise PermissionDenied
    actions = _own_ids(Action, partnership, action_ids, "actions")
    wanted = {action.pk for action in actions}
    links = CurveStoryAction.objects.filter(partnership=partnership, story=story)
    links.exclude(action_id__in=wanted).delete()
    have = set(links.values_list("action_id", flat=True))
    CurveStoryAction.objects.bulk_create(
        CurveStoryAction(partnership=partnership, story=story, action_id=pk)
        for pk in sorted(wanted - have)
    )
    return actions
