import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.models import Organisation, Partnership
from partnerships.text_limits import limited_text


class Mission(models.Model):
    """The partnership's long-term aim: one per partnership."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE)
    statement = models.CharField(_("mission"), max_length=300)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True
    )
    description = limited_text(_("what it means"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__isnull=True)
                | models.Q(target_year__range=(2000, 2100)),
                name="mission_target_year_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    @property
    def target_year_unsaid(self) -> bool:
        """Whether pages should add "(by <year>)": the statement has a target
        year and does not already name it ("… by 2030")."""
        return bool(self.target_year) and str(self.target_year) not in self.statement


class Priority(models.Model):
    """A theme of the strategy, with a mission statement of its own."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    mission_statement = limited_text(_("mission statement"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="priority_name_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="priority_partnership_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term (1–2 years)")
    INTERMEDIATE = "intermediate", _("Intermediate (up to 7 years)")
    LONG = "long", _("Long term")


PRIORITY_MISMATCH_SQLSTATE = "23M01"


def priority_follows_outcome(table: str) -> pgtrigger.Trigger:
    """The database's guard: a row under an outcome sits under its priority.

    For measures and projects, which store both ``outcome`` and ``priority``
    (so that one can sit under a priority with no outcome): whatever the path
    (services, the admin site, an import, a bulk update, raw SQL), a row that
    names an outcome has exactly the outcome's priority, none included. A
    composite foreign key ``(outcome_id, priority_id)`` would not see an
    outcome with no priority (PostgreSQL leaves a key with a NULL in it
    unchecked), so a trigger checks it. The error's SQLSTATE is in class 23,
    so Django raises it as an IntegrityError. Moving an outcome to another
    priority carries its rows along (``carry_outcome_priority``).
    """
    return pgtrigger.Trigger(
        name=f"{table}_priority_follows_outcome",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf("outcome_id", "priority_id"),
        func=f"""
        IF NEW.outcome_id IS NOT NULL AND NEW.priority_id IS DISTINCT FROM (
            SELECT priority_id FROM outcomes_outcome WHERE id = NEW.outcome_id
        ) THEN
            RAISE EXCEPTION 'A {table} sits under its outcome''s priority.'
                USING ERRCODE = '{PRIORITY_MISMATCH_SQLSTATE}';
        END IF;
        RETURN NEW;
        """,
    )


def carry_outcome_priority(table: str) -> str:
    """The trigger function body that moves ``table``'s rows with their outcome."""
    return f"""
    UPDATE {table} SET priority_id = NEW.priority_id
    WHERE outcome_id = NEW.id AND priority_id IS DISTINCT FROM NEW.priority_id;
    RETURN NULL;
    """


def check_priority_of_outcome(row) -> None:
    """The guard's rule as a form error (for ``clean``: the admin site)."""
    if row.outcome_id is not None and row.priority_id != row.outcome.priority_id:
        raise ValidationError({"priority": priority_mismatch_message(row.outcome)})


def priority_mismatch_message(outcome: "Outcome") -> str:
    if outcome.priority_id is None:
        return _(
            "The outcome “%(outcome)s” is under no priority: leave the priority "
            "empty, or choose another outcome."
        ) % {"outcome": str(outcome)}
    return _(
        "The outcome “%(outcome)s” is under the priority “%(priority)s”: choose "
        "that priority (or leave it empty), or choose another outcome."
    ) % {"outcome": str(outcome), "priority": outcome.priority.name}


class Outcome(models.Model):
    """A condition the partnership wants to see."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    position = models.PositiveSmallIntegerField(default=0)
    statement = limited_text(_("outcome"))
    horizon = models.CharField(
        _("horizon"), max_length=12, choices=Horizon.choices, default=Horizon.SHORT
    )
    what_it_looks_like = limited_text(_("what this will look like"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon__in=Horizon.values),
                name="outcome_horizon_valid",
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="outcome_partnership_id_unique"
            ),
        ]
        # Moving an outcome to another priority moves its projects with it.
        # (kpis carries its measures the same way, in its own migration.)
        triggers = [
            pgtrigger.Trigger(
                name="outcome_carries_projects",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("priority_id"),
                condition=pgtrigger.Condition(
                    "OLD.priority_id IS DISTINCT FROM NEW.priority_id"
                ),
                func=carry_outcome_priority("outcomes_project"),
            )
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", pgettext_lazy("project status", "Complete")
    PAUSED = "paused", _("Paused")


class Project(models.Model):
    """How the partnership will achieve an outcome: a project or action."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="projects",
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=300)
    description = limited_text(_("how we will achieve this"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True
    )
    lead_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.IN_PROGRESS,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values),
                name="project_status_valid",
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="project_partnership_id_unique"
            ),
        ]
        triggers = [priority_follows_outcome("project")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_priority_of_outcome(self)
