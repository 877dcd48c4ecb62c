from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation, Partnership


class Mission(models.Model):
    """The partnership's long-term aim: one per partnership."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE)
    statement = models.CharField(_("mission"), max_length=300)
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True
    )
    description = models.TextField(_("what it means"), blank=True)

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


class Priority(models.Model):
    """A theme of the strategy, with a mission statement of its own."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    mission_statement = models.TextField(_("mission statement"), blank=True)

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
    statement = models.TextField(_("outcome"))
    horizon = models.CharField(
        _("horizon"), max_length=12, choices=Horizon.choices, default=Horizon.SHORT
    )
    what_it_looks_like = models.TextField(_("what this will look like"), blank=True)

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

    def __str__(self) -> str:
        return self.statement[:80]


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")
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
    description = models.TextField(_("how we will achieve this"), blank=True)
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

    def __str__(self) -> str:
        return self.name
