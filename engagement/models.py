"""The engagement log: what partners did with which communities, at which level
of the continuum of engagement, with how many people and what came of it.

Counts only: the log holds no personal data about participants (seed 003's
confidentiality principles), so there is no field that could take a name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kpis.models import DimensionCategory, PerformanceMeasure
from partnerships.models import Organisation, Partnership


class ContinuumLevel(models.TextChoices):
    """The continuum of community engagement, from minimum to maximum
    involvement (seed 003), as shipped; a partnership may rename the levels
    (``ContinuumLevelName``). Stored in this order's keys, so renaming
    changes no activity."""

    GIVING_INFORMATION = "giving_information", _("Giving information")
    GETTING_INFORMATION = "getting_information", _("Getting information")
    FORUMS_FOR_DEBATE = "forums_for_debate", _("Forums for debate")
    PARTICIPATION = "participation", _("Participation")
    PARTNERSHIP = (
        "partnership",
        pgettext_lazy("level of the continuum of engagement", "Partnership"),
    )
    EMPOWERMENT = "empowerment", _("Empowerment")


# The methods seed 003 lists at each level: offered as suggestions on the
# form, never required (a partnership's own methods are as good).
LEVEL_METHODS: dict[str, tuple[str, ...]] = {
    ContinuumLevel.GIVING_INFORMATION: (
        _("Exhibitions"),
        _("Leaflets and publications"),
        _("The media"),
        _("Web-based information"),
        _("SMS text"),
        _("Annual report"),
    ),
    ContinuumLevel.GETTING_INFORMATION: (
        _("Citizens panels"),
        _("Open surgeries"),
        _("Radio or live phone-in"),
        _("Questionnaires"),
        _("One-to-one interviews"),
        _("Surveys"),
        _("Market research"),
        _("Audits"),
        _("Complaints and compliments"),
    ),
    ContinuumLevel.FORUMS_FOR_DEBATE: (
        _("Focus groups"),
        _("Meetings with client groups"),
        _("Public meetings"),
        _("Seminars"),
        _("Stakeholder events"),
        _("Blogs"),
    ),
    ContinuumLevel.PARTICIPATION: (
        _("Citizen juries"),
        _("Expert panels"),
        _("Client shadowing"),
        _("Mystery shopping"),
        _("Story telling"),
        _("E-panels"),
        _("Co-design and co-production"),
    ),
    ContinuumLevel.PARTNERSHIP: (
        _("Strategic partnership groups"),
        _("Large group processes"),
        _("Local involvement networks"),
        _("Overview and scrutiny committees"),
    ),
    ContinuumLevel.EMPOWERMENT: (
        _("Community development"),
        _("Participatory research"),
        _("Planning for Real"),
        _("Community champions"),
        _("Participatory budgeting"),
    ),
}


class ContinuumLevelName(models.Model):
    """A partnership's own name for one level of the continuum."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    level = models.CharField(_("level"), max_length=30, choices=ContinuumLevel.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "level"], name="continuum_level_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__in=ContinuumLevel.values),
                name="continuum_level_name_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EngagementStandard(models.Model):
    """One standard the partnership's engagement follows (one of the National
    Principles for Public Engagement in Wales, of VOICE, or its own), entered
    by the partnership's admins."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it asks"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="engagement_standard_name_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"],
                name="engagement_standard_partnership_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """One engagement activity, planned or held.

    It counts in the quarter its first day falls in: that quarter's lock
    settles it (the database's guard, migration 0002).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    level = models.CharField(
        _("level of engagement"), max_length=30, choices=ContinuumLevel.choices
    )
    method = models.CharField(_("method"), max_length=100, blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        through="ActivityOrganisation",
        related_name="+",
        verbose_name=_("organisations involved"),
    )
    communities = models.ManyToManyField(
        DimensionCategory,
        through="ActivityCommunity",
        related_name="+",
        verbose_name=_("communities or audiences reached"),
    )
    standards_met = models.ManyToManyField(
        EngagementStandard,
        through="ActivityStandard",
        related_name="+",
        verbose_name=_("standards met"),
    )
    participants = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True
    )
    # {category id: participants in it}, for any of the partnership's
    # dimensions; counts only.
    participant_breakdown = models.JSONField(default=dict, blank=True)
    feedback_said = models.TextField(_("what people said"), blank=True)
    feedback_done = models.TextField(_("what was done about it"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "title", "id"]
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "id"], name="activity_partnership_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values),
                name="activity_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(level__in=ContinuumLevel.values),
                name="activity_level_valid",
            ),
            # A held activity says how many took part.
            models.CheckConstraint(
                condition=~Q(status=ActivityStatus.HELD)
                | Q(participants__isnull=False),
                name="activity_held_has_participants",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "starts_on"], name="activity_starts"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityOrganisation(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"],
                name="activity_organisation_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.organisation_id}"


class ActivityCommunity(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    category = models.ForeignKey(DimensionCategory, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "category"], name="activity_community_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.category_id}"


class ActivityStandard(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    standard = models.ForeignKey(EngagementStandard, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "standard"], name="activity_standard_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.standard_id}"


class ComputedKind(models.TextChoices):
    ACTIVITIES = "activities", _("Activities held")
    STANDARD_MET = (
        "standard_met",
        _("Activities meeting a standard, as a percentage of activities held"),
    )
    PARTICIPANTS = "participants", _("Participants in activities held")


class ComputedMeasure(models.Model):
    """How a measure's quarterly figures are computed from the log: what is
    counted, among the held activities of the quarter that match every
    filter given."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    measure = models.OneToOneField(
        PerformanceMeasure, on_delete=models.CASCADE, related_name="computation"
    )
    kind = models.CharField(
        _("what it counts"), max_length=20, choices=ComputedKind.choices
    )
    standard = models.ForeignKey(
        EngagementStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standard"),
    )
    level = models.CharField(
        _("only at this level"),
        max_length=30,
        choices=ContinuumLevel.choices,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only with this organisation"),
    )
    community = models.ForeignKey(
        DimensionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only with this community"),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ComputedKind.values),
                name="computed_measure_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=ComputedKind.STANDARD_MET, standard__isnull=False)
                | (~Q(kind=ComputedKind.STANDARD_MET) & Q(standard__isnull=True)),
                name="computed_measure_standard_for_share",
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(level__in=ContinuumLevel.values),
                name="computed_measure_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.kind}"
