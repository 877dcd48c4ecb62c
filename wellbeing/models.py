"""The national well-being frameworks and a partnership's contribution to them.

Shared reference data (frameworks, goals, ways of working, national
indicators and their sets, population series) and each partnership's own
rows about them (the framework it adopts, its contribution map, the stories
behind the curves).

The models came from kpis and keep their tables (``db_table``): the move
changed no table, so row-level security policies, triggers' tables, sequences
and foreign keys stayed as they were (wellbeing/migrations/0001_initial.py).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis.models import PerformanceMeasure
from outcomes.models import Outcome, Priority
from partnerships.models import Partnership
from partnerships.text_limits import limited_text

# --- National well-being frameworks: shared reference data ---------------------
#
# A framework (the Well-being of Future Generations (Wales) Act's, or another
# nation's) with its goals, ways of working and numbered national indicators.
# These rows carry no partnership: every partnership reads them, none writes
# them. Platform staff edit them in the admin site; `load_frameworks` (and the
# data migration that calls it) ships them from wellbeing/reference/.

REFERENCE_READ_ONLY_SQLSTATE = "42501"

# The database's own guard: a write to reference data outside the platform
# context (platform staff in the admin site, management commands, migrations)
# is refused, whatever path it takes. Partnerships only read these rows.
REFERENCE_DATA_GUARD = pgtrigger.Trigger(
    name="reference_data_platform_only",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    func=f"""
    IF NOT civic_platform_active() THEN
        RAISE EXCEPTION 'Reference data is read-only: only platform staff change it.'
            USING ERRCODE = '{REFERENCE_READ_ONLY_SQLSTATE}';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
    """,
)


class ShippedReference(models.Model):
    """A reference row the framework loader ships.

    ``shipped_values`` holds the values the loader last wrote. While a row
    still holds exactly those values it counts as unedited, and a later
    release may bring it up to date; once platform staff change it (by any
    path) it no longer matches and the loader leaves it alone. A row staff
    created by hand has none, and is never touched either.
    """

    shipped_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


class NationalFramework(ShippedReference):
    """A nation's statutory well-being framework, e.g. Wales's 2015 Act."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    nation = models.CharField(_("nation"), max_length=100)
    version = models.CharField(
        _("version"),
        max_length=100,
        help_text=_(
            "Which edition of the framework, e.g. '2015 Act, 2021 indicators'."
        ),
    )
    description = limited_text(_("description"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        db_table = "kpis_nationalframework"
        ordering = ["nation", "name"]
        triggers = [REFERENCE_DATA_GUARD]

    def __str__(self) -> str:
        return f"{self.name} ({self.nation})"


class FrameworkElement(ShippedReference):
    """A goal or a way of working: coded, named, described, in order."""

    framework = models.ForeignKey(
        NationalFramework, on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = limited_text(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The Welsh name (name_cy, django-modeltranslation) checked against an
    # official source; an unchecked one is marked so on Welsh pages.
    welsh_confirmed = models.BooleanField(
        _("Welsh name confirmed"),
        default=False,
        help_text=_("The Welsh name checked against the official Welsh text."),
    )

    class Meta:
        abstract = True
        ordering = ["framework", "position", "code"]

    def __str__(self) -> str:
        return self.name


class WellbeingGoal(FrameworkElement):
    class Meta(FrameworkElement.Meta):
        db_table = "kpis_wellbeinggoal"
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="wellbeing_goal_code_unique"
            ),
        ]


class WayOfWorking(FrameworkElement):
    class Meta(FrameworkElement.Meta):
        db_table = "kpis_wayofworking"
        verbose_name_plural = _("ways of working")
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="way_of_working_code_unique"
            ),
        ]


class IndicatorSet(ShippedReference):
    """One published list of national indicators, e.g. the 46 laid in 2016."""

    framework = models.ForeignKey(
        NationalFramework, on_delete=models.CASCADE, related_name="indicator_sets"
    )
    slug = models.SlugField(_("slug"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    laid_on = models.DateField(_("published or laid on"), null=True, blank=True)
    is_current = models.BooleanField(_("the set in force"), default=False)
    description = limited_text(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "kpis_indicatorset"
        ordering = ["framework", "position", "slug"]
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "slug"], name="indicator_set_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(is_current=True),
                name="indicator_set_one_current_per_framework",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage")
    COUNT = "count", _("Count")
    RATE = "rate", _("Rate")
    SCORE = "score", _("Score")
    OTHER = "other", _("Other (see the source)")


class IndicatorDirection(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")
    UNKNOWN = "unknown", _("Not established")


class NationalIndicator(ShippedReference):
    """A numbered national (population) indicator of a framework."""

    framework = models.ForeignKey(
        NationalFramework, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=400)
    unit_kind = models.CharField(
        _("kind of unit"), max_length=10, choices=UnitKind.choices
    )
    direction = models.CharField(
        _("desired direction"),
        max_length=7,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.UNKNOWN,
    )
    confirmed = models.BooleanField(
        _("wording confirmed"),
        default=False,
        help_text=_(
            "Title and number checked against the official list. Unconfirmed "
            "indicators are shown as such until platform staff confirm them."
        ),
    )
    verification = models.CharField(
        _("how it was established"),
        max_length=20,
        blank=True,
        help_text=_("VERIFIED, MEMORY-HIGH, PARTIAL, UNKNOWN... as shipped."),
    )
    evidence = limited_text(_("evidence"), blank=True)
    source_hint = limited_text(_("data source"), blank=True)
    sets = models.ManyToManyField(
        IndicatorSet,
        through="IndicatorSetMembership",
        related_name="indicators",
        blank=True,
    )

    class Meta:
        db_table = "kpis_nationalindicator"
        ordering = ["framework", "number"]
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="national_indicator_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="national_indicator_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_kind__in=UnitKind.values),
                name="national_indicator_unit_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=IndicatorDirection.values),
                name="national_indicator_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class IndicatorSetMembership(ShippedReference):
    """An indicator's place in one set, with that set's wording if it differs."""

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="memberships"
    )
    indicator = models.ForeignKey(
        NationalIndicator, on_delete=models.CASCADE, related_name="memberships"
    )
    title_in_set = models.CharField(
        _("title in this set"),
        max_length=400,
        blank=True,
        help_text=_("Empty when the set uses the indicator's title."),
    )
    direction_in_set = models.CharField(
        _("desired direction in this set"),
        max_length=7,
        choices=IndicatorDirection.choices,
        blank=True,
        help_text=_("Empty when the set uses the indicator's direction."),
    )
    basis = limited_text(_("how this membership was established"), blank=True)

    class Meta:
        db_table = "kpis_indicatorsetmembership"
        ordering = ["indicator_set", "indicator__number"]
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "indicator"],
                name="indicator_set_membership_unique",
            ),
            models.CheckConstraint(
                condition=Q(direction_in_set="")
                | Q(direction_in_set__in=IndicatorDirection.values),
                name="indicator_set_membership_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set}: {self.indicator.number}"


# --- The contribution map: a partnership's links to its framework ---------------

_ONE_SOURCE = (
    (
        Q(priority__isnull=False, outcome__isnull=True, measure__isnull=True)
        & Q(project__isnull=True)
    )
    | (
        Q(priority__isnull=True, outcome__isnull=False, measure__isnull=True)
        & Q(project__isnull=True)
    )
    | (
        Q(priority__isnull=True, outcome__isnull=True, measure__isnull=False)
        & Q(project__isnull=True)
    )
    | (
        Q(priority__isnull=True, outcome__isnull=True, measure__isnull=True)
        & Q(project__isnull=False)
    )
)
_ONE_TARGET = (
    Q(goal__isnull=False, way_of_working__isnull=True, indicator__isnull=True)
    | Q(goal__isnull=True, way_of_working__isnull=False, indicator__isnull=True)
    | Q(goal__isnull=True, way_of_working__isnull=True, indicator__isnull=False)
)


class Contribution(models.Model):
    """One piece of the partnership's work contributing to one framework element.

    One table for every kind: the source is exactly one of a priority, an
    outcome, a measure or a project, the target exactly one of a goal, a way
    of working or an indicator (check constraints). Each tenant source has a
    composite foreign key (partnership_id, source_id), so a link can never
    reach another partnership's work; the targets are shared reference rows,
    protected from deletion while linked.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
    )
    measure = models.ForeignKey(
        PerformanceMeasure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
    )
    project = models.ForeignKey(
        "outcomes.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
    )
    goal = models.ForeignKey(
        WellbeingGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    way_of_working = models.ForeignKey(
        WayOfWorking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator = models.ForeignKey(
        NationalIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("how it contributes"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "kpis_contribution"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=_ONE_SOURCE, name="contribution_exactly_one_source"
            ),
            models.CheckConstraint(
                condition=_ONE_TARGET, name="contribution_exactly_one_target"
            ),
            # NULLs compare equal here, so one link of each pair exists once.
            models.UniqueConstraint(
                fields=[
                    "partnership",
                    "priority",
                    "outcome",
                    "measure",
                    "project",
                    "goal",
                    "way_of_working",
                    "indicator",
                ],
                name="contribution_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    @property
    def source(self):
        return self.priority or self.outcome or self.measure or self.project

    @property
    def target(self):
        return self.goal or self.way_of_working or self.indicator


# --- Population data: indicator series, shared reference data --------------------
#
# How everyone in an area is doing, by national indicator: area data is public
# and the same for every partnership, so these rows carry no partnership and,
# like the frameworks, only platform staff write them (the same trigger).
# `import_indicator_series` loads them from CSV files (wellbeing/population.py).


class IndicatorSeries(models.Model):
    """One national indicator's published figures, for one breakdown."""

    indicator = models.ForeignKey(
        NationalIndicator, on_delete=models.PROTECT, related_name="series"
    )
    breakdown = models.CharField(
        _("breakdown"),
        max_length=200,
        blank=True,
        help_text=_("Empty for the whole population, e.g. 'Female' or 'Age 16-24'."),
    )
    source_note = limited_text(
        _("source"),
        blank=True,
        help_text=_("The notes above the header of the imported file."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Made-up figures for the demo, not real statistics."),
    )
    imported_at = models.DateTimeField(_("last imported"), default=timezone.now)

    class Meta:
        db_table = "kpis_indicatorseries"
        verbose_name_plural = _("indicator series")
        ordering = ["indicator", "breakdown"]
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "breakdown"], name="indicator_series_unique"
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.breakdown})" if self.breakdown else ""
        return f"{self.indicator}{suffix}"


class IndicatorObservation(models.Model):
    """One area's figure for one period of a series."""

    series = models.ForeignKey(
        IndicatorSeries, on_delete=models.CASCADE, related_name="observations"
    )
    area_code = models.CharField(_("area code"), max_length=20)
    area_name = models.CharField(_("area"), max_length=200)
    period_label = models.CharField(_("period"), max_length=40)
    period_start = models.DateField(_("period starts on"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    class Meta:
        db_table = "kpis_indicatorobservation"
        ordering = ["series", "area_code", "period_start"]
        triggers = [REFERENCE_DATA_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "area_code", "period_start"],
                name="indicator_observation_unique",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "series"])]

    def __str__(self) -> str:
        return f"{self.area_name} {self.period_label}: {self.value}"


# --- The story behind a population curve: the partnership's own ----------------


class CurveStory(models.Model):
    """The partnership's turn-the-curve account of one curve, for one year.

    The curve is a national indicator's (its population data) or one of the
    partnership's own headline measures': RBA asks the same four questions of
    both, so a partnership with no national framework writes them for its
    measures. Period-stamped by reporting year: admins edit the current
    year's story, and earlier years' stories stay as they were written.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        NationalIndicator,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    measure = models.ForeignKey(
        PerformanceMeasure,
        on_delete=models.CASCADE,
        related_name="curve_stories",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(
        _("reporting year"), help_text=_("The year the story was written for.")
    )
    story = limited_text(_("the story behind the curve"), blank=True)
    partners = limited_text(_("partners with a role to play"), blank=True)
    what_works = limited_text(_("what works"), blank=True)
    action_plan = limited_text(_("action plan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "kpis_curvestory"
        verbose_name_plural = _("curve stories")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "indicator", "year"],
                condition=Q(indicator__isnull=False),
                name="curve_story_one_per_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "measure", "year"],
                condition=Q(measure__isnull=False),
                name="curve_story_one_per_measure_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="curve_story_partnership_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, measure__isnull=True)
                | Q(indicator__isnull=True, measure__isnull=False),
                name="curve_story_of_an_indicator_or_a_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator or self.measure} ({self.year})"


# --- The framework a partnership adopts: the partnership's own ------------------


class FrameworkAdoption(models.Model):
    """The national framework a partnership's work contributes to.

    At most one per partnership; a partnership without one (outside any
    nation with a framework, or not using it) has no row. A framework stays
    while a partnership has adopted it.
    """

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="framework_adoption",
    )
    framework = models.ForeignKey(
        NationalFramework,
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("national well-being framework"),
        help_text=_(
            "The goals, ways of working and national indicators its work "
            "contributes to."
        ),
    )

    def __str__(self) -> str:
        return f"{self.partnership}: {self.framework}"
