import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes.models import (
    Outcome,
    Priority,
    check_priority_of_outcome,
    priority_follows_outcome,
)
from partnerships.models import Partnership
from partnerships.text_limits import REASON_TEXT, STORY_TEXT, limited_text

from . import history
from .periods import Quarter

LOCKED_PERIOD_SQLSTATE = "23L02"
REOPEN_UNRECORDED_SQLSTATE = "23L03"

# A locked quarter is settled: whatever path writes (the admin site, a bulk
# update, raw SQL), its dates, label and lock time stay as they were locked,
# and its lock is lifted only with a reopen record written in the same
# transaction (``period_reopen`` writes the record first, stamped with the
# transaction's ``now()``, then clears the lock). The records cannot be
# changed or deleted (PeriodLockChange's append_only), so a reopening always
# leaves its trace.
PERIOD_LOCK_GUARD = pgtrigger.Trigger(
    name="locked_period_guard",
    level=pgtrigger.Row,
    when=pgtrigger.Before,
    operation=pgtrigger.Update,
    condition=pgtrigger.Condition("OLD.locked_at IS NOT NULL"),
    func=f"""
    IF (NEW.partnership_id, NEW.year, NEW.quarter, NEW.starts_on, NEW.ends_on)
        IS DISTINCT FROM
        (OLD.partnership_id, OLD.year, OLD.quarter, OLD.starts_on, OLD.ends_on)
        OR (NEW.locked_at IS NOT NULL AND NEW.locked_at <> OLD.locked_at)
    THEN
        RAISE EXCEPTION 'The quarter is locked: its dates and label cannot change.'
            USING ERRCODE = '{LOCKED_PERIOD_SQLSTATE}';
    END IF;
    IF NEW.locked_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM kpis_periodlockchange
        WHERE period_id = OLD.id AND action = 'reopened' AND at = now()
    ) THEN
        RAISE EXCEPTION 'A locked quarter is reopened only with a reopen record.'
            USING ERRCODE = '{REOPEN_UNRECORDED_SQLSTATE}';
    END IF;
    RETURN NEW;
    """,
)


class Period(models.Model):
    """One reporting quarter of one partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("reporting year"),
        help_text=_("The calendar year the reporting year starts in."),
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    starts_on = models.DateField()
    ends_on = models.DateField()
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["year", "quarter"]
        triggers = [PERIOD_LOCK_GUARD]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "quarter"], name="period_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="period_partnership_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__range=(1, 4)), name="period_quarter_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def as_quarter(self) -> Quarter:
        start_month = (self.starts_on.month - 3 * (self.quarter - 1) - 1) % 12 + 1
        return Quarter(self.year, self.quarter, start_month)

    @property
    def label(self) -> str:
        return self.as_quarter.label

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class PeriodLockChange(models.Model):
    """The record of a quarter being locked or reopened, and why."""

    class Action(models.TextChoices):
        LOCKED = "locked", _("Locked")
        REOPENED = "reopened", _("Reopened")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="lock_changes"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = limited_text(_("reason"), limit=REASON_TEXT, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The path it came by (web, API, demo...), as the change history names it.
    path = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        # The lock history is kept whatever path writes, as the figures' is.
        triggers = [
            pgtrigger.Protect(
                name="append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["locked", "reopened"]),
                name="period_lock_change_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(action="locked") | ~Q(reason=""),
                name="period_reopen_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.action}"


class Dimension(models.Model):
    """A way the partnership breaks figures down: age group, community, area."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    is_exhaustive = models.BooleanField(
        _("exhaustive"),
        default=False,
        help_text=_(
            "Everyone counted falls in exactly one category, so the categories "
            "add up to the total."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="dimension_name_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="dimension_partnership_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DimensionCategory(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("dimension categories")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "dimension", "name"],
                name="dimension_category_name_unique",
            ),
            # The target of composite foreign keys from rows that name a
            # category (the engagement log's communities reached).
            models.UniqueConstraint(
                fields=["partnership", "id"],
                name="dimension_category_partnership_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.TextChoices):
    """RBA's three performance questions."""

    HOW_MUCH = "how_much", _("How much did we do?")
    HOW_WELL = "how_well", _("How well did we do it?")
    BETTER_OFF = "better_off", _("Is anyone better off?")


class ValueType(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    NUMBER_AND_PERCENTAGE = "number_pct", _("Number and percentage")
    SCORE = "score", _("Score or average")
    MILESTONE = "milestone", _("Milestone (done / not done)")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Aggregation(models.TextChoices):
    """How a year's figure is made from its quarters."""

    SUM = "sum", _("Sum of the quarters")
    LATEST = "latest", _("Latest quarter")
    RATIO_OF_SUMS = "ratio", _("Ratio of the summed numerators and denominators")
    MEAN = "mean", _("Mean of the quarters")


# Which ways of making a year make sense for which kind of value.
ALLOWED_AGGREGATIONS: dict[str, tuple[str, ...]] = {
    ValueType.COUNT: (Aggregation.SUM, Aggregation.LATEST, Aggregation.MEAN),
    ValueType.PERCENTAGE: (
        Aggregation.RATIO_OF_SUMS,
        Aggregation.LATEST,
        Aggregation.MEAN,
    ),
    ValueType.NUMBER_AND_PERCENTAGE: (Aggregation.RATIO_OF_SUMS, Aggregation.LATEST),
    ValueType.SCORE: (Aggregation.MEAN, Aggregation.LATEST),
    ValueType.MILESTONE: (Aggregation.LATEST,),
}


def _aggregation_matches_value_type() -> Q:
    condition = Q()
    for value_type, aggregations in ALLOWED_AGGREGATIONS.items():
        condition |= Q(value_type=value_type, aggregation__in=aggregations)
    return condition


# Every change to a measure's definition or target is kept, whatever path
# made it (the admin site and bulk updates included): PostgreSQL triggers
# write the events, with the who and the path from pghistory's context.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["position"],
    model_name="MeasureEvent",
    context_field=pghistory.ContextJSONField(),
    append_only=True,
)
class PerformanceMeasure(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    question = models.CharField(
        _("RBA question"), max_length=10, choices=Question.choices
    )
    value_type = models.CharField(
        _("kind of value"), max_length=10, choices=ValueType.choices
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(
        _("desired direction"),
        max_length=4,
        choices=Direction.choices,
        default=Direction.UP,
    )
    is_headline = models.BooleanField(_("headline measure (KPI)"), default=False)
    # Public pages withhold small counts of people (public/disclosure.py):
    # a count of events ("activities held") discloses no one. Yes unless
    # told otherwise, the safe way round.
    counts_people = models.BooleanField(
        _("counts people"),
        default=True,
        help_text=_(
            "Its figures are numbers of people (or percentages of people): "
            "public pages show small ones as “fewer than …”. Untick for counts "
            "of events, such as activities held."
        ),
    )
    aggregation = models.CharField(
        _("how quarters make a year"), max_length=6, choices=Aggregation.choices
    )
    # The target of any reporting year without one of its own (MeasureTarget).
    annual_target = models.DecimalField(
        _("annual target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A milestone's due quarter: judged against it, not against the year end
    # (kpis.rules.status). Named by reporting year and quarter, as periods are.
    due_year = models.PositiveSmallIntegerField(
        _("due in reporting year"), null=True, blank=True
    )
    due_quarter = models.PositiveSmallIntegerField(
        _("due in quarter"), null=True, blank=True
    )
    definition = limited_text(_("definition"), blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    change_threshold = models.PositiveSmallIntegerField(
        _("change that needs a note (%)"),
        null=True,
        blank=True,
        help_text=_(
            "A quarter that moves more than this from the last one needs the "
            "story behind it before it is submitted. Empty uses the default."
        ),
    )
    breakdown_first = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("broken down by"),
    )
    breakdown_second = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("and by"),
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeasureLead",
        related_name="assigned_measures",
        blank=True,
    )
    # A measure with figures is retired, never deleted: it leaves the
    # dashboard and entry, and stays in its history, past reports and exports.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    # A computed measure's figures are worked out from records another app
    # keeps (the engagement log) and written by kpis.recording's
    # computed_values_record alone: nobody enters them, by any path.
    computed = models.BooleanField(_("computed from the engagement log"), default=False)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], name="measure_code_unique"
            ),
            # The target of the composite foreign key from QuarterlyValue, which
            # keeps each value's partnership and kind equal to its measure's.
            models.UniqueConstraint(
                fields=["partnership", "id", "value_type"],
                name="measure_partnership_id_type_unique",
            ),
            models.UniqueConstraint(
                fields=["partnership", "id"], name="measure_partnership_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(question__in=Question.values), name="measure_question_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="measure_direction_valid",
            ),
            models.CheckConstraint(
                condition=_aggregation_matches_value_type(),
                name="measure_aggregation_fits_value_type",
            ),
            models.CheckConstraint(
                condition=Q(annual_target__isnull=True) | Q(annual_target__gte=0),
                name="measure_target_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(
                    value_type__in=[
                        ValueType.PERCENTAGE,
                        ValueType.NUMBER_AND_PERCENTAGE,
                    ]
                )
                | Q(annual_target__isnull=True)
                | Q(annual_target__lte=100),
                name="measure_percentage_target_within_100",
            ),
            models.CheckConstraint(
                condition=Q(change_threshold__isnull=True)
                | Q(change_threshold__range=(1, 1000)),
                name="measure_change_threshold_valid",
            ),
            # Breakdowns split a count; the second dimension needs a first,
            # and another one.
            models.CheckConstraint(
                condition=Q(breakdown_first__isnull=True)
                | Q(value_type=ValueType.COUNT),
                name="measure_breakdown_counts_only",
            ),
            models.CheckConstraint(
                condition=Q(breakdown_second__isnull=True)
                | (
                    Q(breakdown_first__isnull=False)
                    & ~Q(breakdown_second=models.F("breakdown_first"))
                ),
                name="measure_breakdown_second_after_first",
            ),
            models.CheckConstraint(
                condition=Q(due_year__isnull=True, due_quarter__isnull=True)
                | Q(
                    value_type=ValueType.MILESTONE,
                    due_year__range=(1990, 2200),
                    due_quarter__range=(1, 4),
                ),
                name="measure_due_quarter_milestones_only",
            ),
        ]
        # A measure under an outcome sits under the outcome's priority; the
        # trigger that carries measures along when their outcome moves is on
        # the outcomes' table (migration 0015_measure_priority_follows_outcome).
        triggers = [priority_follows_outcome("measure")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:measure_detail",
            kwargs={"slug": self.partnership.slug, "pk": self.pk},
        )

    def clean(self) -> None:
        check_priority_of_outcome(self)

    @property
    def dimensions(self) -> list[Dimension]:
        return [d for d in (self.breakdown_first, self.breakdown_second) if d]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def target_for(self, year: int):
        """The target of the reporting year starting in calendar year ``year``.

        Reads the targets ``kpis.selectors.with_targets`` annotated, or else
        the table; a year without its own target has ``annual_target``.
        """
        if hasattr(self, "target_years"):
            own = dict(
                zip(self.target_years or [], self.target_values or [], strict=True)
            )
        else:
            own = dict(self.targets.values_list("year", "target"))
        return own.get(year, self.annual_target)


# Every change of a year's target is kept, whatever path made it.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="MeasureTargetEvent",
    context_field=pghistory.ContextJSONField(),
    append_only=True,
)
class MeasureTarget(models.Model):
    """A measure's target for one reporting year: the strategy's trajectory."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    measure = models.ForeignKey(
        PerformanceMeasure, on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("reporting year"),
        help_text=_("The calendar year the reporting year starts in."),
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "measure", "year"],
                name="measure_target_one_per_year",
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0), name="measure_target_year_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__range=(1990, 2200)),
                name="measure_target_year_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.year}: {self.target}"


class MeasureLead(models.Model):
    """A project lead assigned to report a measure."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "measure", "user"], name="measure_lead_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} leads {self.measure}"


_NO_RATIO = Q(numerator__isnull=True, denominator__isnull=True)
# SQL CHECK constraints pass when they evaluate to NULL, so every arm below
# says explicitly which numbers must be present.
_VALID_RATIO = Q(
    numerator__isnull=False,
    denominator__isnull=False,
    denominator__gt=0,
    numerator__gte=0,
    numerator__lte=models.F("denominator"),
    value__isnull=True,
)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


LOCKED_QUARTER_SQLSTATE = "23L01"


# The database's own guard: no path (views, API, imports, the admin site, a
# bulk update, raw SQL) changes a value of a locked quarter. The error's
# SQLSTATE is in class 23, so Django raises it as an IntegrityError. The
# triggers run once per statement over its transition tables, so a bulk
# insert of 100,000 figures checks its quarters once, not 100,000 times. The
# check looks up each distinct quarter the statement touched by primary key:
# its cost follows the rows the statement changes, never the installation's
# locked quarters. (A join of the transition table to kpis_period let the
# planner, which has no statistics for transition tables, compare every locked
# quarter of every partnership with every changed row: 22 s for 15,000 rows.)
def _locked_quarter_check(message: str, *tables: str) -> str:
    touched = " UNION ".join(f"SELECT DISTINCT period_id FROM {t}" for t in tables)
    return f"""
    FOR touched_period IN {touched} LOOP
        IF EXISTS (
            SELECT 1 FROM kpis_period
            WHERE id = touched_period AND locked_at IS NOT NULL
        ) THEN
            RAISE EXCEPTION '{message}'
                USING ERRCODE = '{LOCKED_QUARTER_SQLSTATE}';
        END IF;
    END LOOP;
    RETURN NULL;
    """


_LOCKED_QUARTER_DECLARE = [("touched_period", "bigint")]


def locked_quarter_guards(message: str) -> list[pgtrigger.Trigger]:
    """Statement triggers refusing any insert, update or delete of a row (with
    a ``period_id``) of a locked quarter, with ``message`` and SQLSTATE 23L01.
    Each touched quarter is looked up by its primary key, so the cost follows
    the rows a statement changes, not the installation's locked quarters. The
    figures have them (LOCKED_QUARTER_GUARDS), and so has every other
    quarterly return (delivery's updates)."""
    return [
        pgtrigger.Trigger(
            name="locked_quarter_guard_insert",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_values"),
            declare=_LOCKED_QUARTER_DECLARE,
            func=_locked_quarter_check(message, "new_values"),
        ),
        pgtrigger.Trigger(
            name="locked_quarter_guard_update",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_values", new="new_values"),
            declare=_LOCKED_QUARTER_DECLARE,
            func=_locked_quarter_check(message, "old_values", "new_values"),
        ),
        pgtrigger.Trigger(
            name="locked_quarter_guard_delete",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Delete,
            referencing=pgtrigger.Referencing(old="old_values"),
            declare=_LOCKED_QUARTER_DECLARE,
            func=_locked_quarter_check(message, "old_values"),
        ),
    ]


LOCKED_QUARTER_GUARDS = locked_quarter_guards(
    "The quarter is locked: its values cannot change."
)


# An approval covers the figure as it was approved: whatever path changes an
# approved figure's numbers, story or breakdown (the form, the API, an import,
# the admin site, raw SQL), the figure goes back to "submitted" and needs
# approving again, so a quarter is never locked with figures nobody reviewed
# after they changed. The history triggers (AFTER) record the new status.
_FIGURE_CONTENT = (
    "(%(t)s.value, %(t)s.numerator, %(t)s.denominator, %(t)s.story, %(t)s.breakdown)"
)
APPROVAL_LAPSES_ON_CHANGE = pgtrigger.Trigger(
    name="approval_lapses_on_change",
    level=pgtrigger.Row,
    when=pgtrigger.Before,
    operation=pgtrigger.Update,
    condition=pgtrigger.Condition(
        "OLD.status = 'approved' AND NEW.status = 'approved' AND "
        + _FIGURE_CONTENT % {"t": "OLD"}
        + " IS DISTINCT FROM "
        + _FIGURE_CONTENT % {"t": "NEW"}
    ),
    func="""
    NEW.status := 'submitted';
    NEW.submitted_by_id := NEW.entered_by_id;
    NEW.submitted_at := now();
    RETURN NEW;
    """,
)


# The figures' history is written once per statement (kpis.history): a bulk
# update of 15,000 figures is one INSERT of their events, not 15,000. Its
# people (who entered, submitted, reviewed) are not indexed: no read looks
# events up by person (the history is read by measure and quarter), and each
# of those indexes was another entry written for every event.
@pghistory.track(
    history.InsertEvents(),
    history.UpdateEvents(),
    history.DeleteEvents(),
    exclude=["updated_at", "entered_at"],
    attrs={
        name: models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            db_index=False,
            null=True,
            blank=name != "entered_by",
            related_name="+",
            related_query_name="+",
        )
        for name in ("entered_by", "submitted_by", "reviewed_by")
    },
    model_name="QuarterlyValueEvent",
    context_field=pghistory.ContextJSONField(),
    append_only=True,
)
class QuarterlyValue(models.Model):
    """One measure's figure for one quarter, and the story behind it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    measure = models.ForeignKey(
        PerformanceMeasure, on_delete=models.CASCADE, related_name="values"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    # A copy of the measure's kind, held equal to it by a composite foreign key,
    # so the check constraints below can depend on it.
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    story = limited_text(_("the story behind the number"), limit=STORY_TEXT, blank=True)
    # Counts by breakdown category: {"<category id>": n} for one dimension,
    # {"<first id>:<second id>": n} for two. Held in the row, so a lock, a
    # conflict check and the history cover the breakdown with the total.
    breakdown = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
    )
    return_reason = limited_text(
        _("reason for returning"), limit=REASON_TEXT, blank=True
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
    # Bumped by every change of the figure (not by review steps); an edit
    # made from an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period__year", "period__quarter"]
        triggers = [*LOCKED_QUARTER_GUARDS, APPROVAL_LAPSES_ON_CHANGE]
        indexes = [
            # The values API's pages and counts read a partnership's figures
            # a few quarters at a time (kpis.value_pages).
            models.Index(
                fields=["partnership", "period"], name="value_partnership_period"
            ),
            # Milestones marked done (the dashboard's "done before this
            # year"): a probe a measure, whatever the length of the history.
            models.Index(
                fields=["partnership", "measure", "period"],
                name="value_milestone_done",
                condition=Q(value_type=ValueType.MILESTONE, value__gte=1),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="value_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.RETURNED) | ~Q(return_reason=""),
                name="value_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(breakdown={}) | Q(value_type=ValueType.COUNT),
                name="value_breakdown_counts_only",
            ),
            models.UniqueConstraint(
                fields=["partnership", "measure", "period"],
                name="value_one_per_measure_per_quarter",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        value_type=ValueType.COUNT,
                        value__isnull=False,
                        value__gte=0,
                        value=Floor("value"),
                    )
                    & _NO_RATIO
                )
                | (
                    Q(value_type=ValueType.PERCENTAGE)
                    & (
                        _VALID_RATIO
                        | (Q(value__isnull=False, value__range=(0, 100)) & _NO_RATIO)
                    )
                )
                | (Q(value_type=ValueType.NUMBER_AND_PERCENTAGE) & _VALID_RATIO)
                | (Q(value_type=ValueType.SCORE, value__isnull=False) & _NO_RATIO)
                | (
                    Q(
                        value_type=ValueType.MILESTONE,
                        value__isnull=False,
                        value__in=[0, 1],
                    )
                    & _NO_RATIO
                ),
                name="value_fits_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period}"


class Reminder(models.Model):
    """A reminder email sent to a lead, kept so that none is sent twice."""

    class Reason(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=8, choices=Reason.choices)
    measure_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "year", "quarter", "reason"],
                name="reminder_once_per_quarter_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["due_soon", "overdue"]),
                name="reminder_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} reminder to {self.user} for {self.year} Q{self.quarter}"


class DigestSent(models.Model):
    """An admin's daily digest, kept so that none is sent twice.

    Each digest covers the review events after the previous one's
    ``covered_until`` up to its own, so no submission is in two of them; the
    database holds one per admin, partnership and day.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    covered_until = models.DateTimeField()
    figure_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-covered_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "day"],
                name="digest_once_per_admin_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"digest to {self.user} for {self.day}"
