"""Action plans: the partnership's actions and each quarter's update on them.

Seed 003's table, row by row: an action with its lead agencies, and each
quarter the lead's progress, risks and next steps with their timescales. An
update goes through the quarter's review cycle as the figures do
(``kpis.review``): its review state lives on the row, and a locked quarter's
updates cannot change, whatever the path (the database's own guard, as for
the figures).
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kpis.models import (
    PerformanceMeasure,
    Period,
    ReviewStatus,
    locked_quarter_guards,
)
from outcomes.models import Outcome, Priority
from partnerships.models import Organisation, Partnership


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("action status", "Planned")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    COMPLETE = "complete", pgettext_lazy("action status", "Complete")
    PAUSED = "paused", pgettext_lazy("action status", "Paused")


class RiskRating(models.TextChoices):
    LOW = "low", pgettext_lazy("risk rating", "Low")
    MEDIUM = "medium", pgettext_lazy("risk rating", "Medium")
    HIGH = "high", pgettext_lazy("risk rating", "High")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at"],
    model_name="ActionEvent",
    context_field=pghistory.ContextJSONField(),
    append_only=True,
)
class Action(models.Model):
    """One row of the action plan: what the partners will do, and who leads it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("priority"),
    )
    name = models.CharField(_("action"), max_length=400)
    description = models.TextField(_("what it involves"), blank=True)
    lead_agencies = models.ManyToManyField(
        Organisation,
        through="ActionLeadAgency",
        related_name="actions",
        verbose_name=_("lead agencies"),
    )
    lead_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead person"),
    )
    start_period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("starts"),
    )
    due_period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("due"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.PLANNED,
    )
    outcomes = models.ManyToManyField(
        Outcome, through="ActionOutcome", related_name="actions", blank=True
    )
    measures = models.ManyToManyField(
        PerformanceMeasure, through="ActionMeasure", related_name="actions", blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "id"], name="action_partnership_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="action_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActionLeadAgency(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation"], name="action_lead_agency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.organisation_id}"


class ActionOutcome(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "outcome"], name="action_outcome_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.outcome_id}"


class ActionMeasure(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "measure"], name="action_measure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.measure_id}"


# The figures' guard (kpis.models.locked_quarter_guards), for the updates: no
# path changes an update of a locked quarter.
UPDATE_LOCKED_QUARTER_GUARDS = locked_quarter_guards(
    "The quarter is locked: its action updates cannot change."
)

_UPDATE_CONTENT = "(%(t)s.status, %(t)s.progress, %(t)s.risks, %(t)s.next_steps)"
# As for the figures: an approved update whose words change needs approving
# again, whatever path changed it.
UPDATE_APPROVAL_LAPSES_ON_CHANGE = pgtrigger.Trigger(
    name="approval_lapses_on_change",
    level=pgtrigger.Row,
    when=pgtrigger.Before,
    operation=pgtrigger.Update,
    condition=pgtrigger.Condition(
        "OLD.review_status = 'approved' AND NEW.review_status = 'approved' AND "
        + _UPDATE_CONTENT % {"t": "OLD"}
        + " IS DISTINCT FROM "
        + _UPDATE_CONTENT % {"t": "NEW"}
    ),
    func="""
    NEW.review_status := 'submitted';
    NEW.submitted_by_id := NEW.written_by_id;
    NEW.submitted_at := now();
    RETURN NEW;
    """,
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at"],
    model_name="ActionUpdateEvent",
    context_field=pghistory.ContextJSONField(),
    append_only=True,
)
class ActionUpdate(models.Model):
    """The lead's update on an action for one quarter.

    Risks and next steps are held in the row (as a figure's breakdown is), so
    the lock, the approval and the history cover them with the progress:
    ``risks`` is ``[{"risk": "...", "rating": "low|medium|high"}]``,
    ``next_steps`` is ``[{"step": "...", "timescale": "..."}]``.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="action_updates"
    )
    status = models.CharField(
        _("status this quarter"), max_length=10, choices=ActionStatus.choices
    )
    progress = models.TextField(_("progress"), blank=True)
    risks = models.JSONField(default=list, blank=True)
    next_steps = models.JSONField(default=list, blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period__year", "period__quarter"]
        triggers = [*UPDATE_LOCKED_QUARTER_GUARDS, UPDATE_APPROVAL_LAPSES_ON_CHANGE]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "action", "period"],
                name="action_update_one_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="action_update_review_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="action_update_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(review_status=ReviewStatus.RETURNED)
                | ~Q(return_reason=""),
                name="action_update_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} ({self.period.label})"


class CurveStoryAction(models.Model):
    """An action that carries out a turn-the-curve story's action plan.

    Held here, not on the story (``wellbeing.CurveStory``): wellbeing sits
    below the action plans and knows nothing of them.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    story = models.ForeignKey(
        "wellbeing.CurveStory", on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="curve_story_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "action"], name="curve_story_action_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.story_id}: {self.action_id}"
