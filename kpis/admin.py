from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Contribution,
    CurveStory,
    Dimension,
    DimensionCategory,
    IndicatorObservation,
    IndicatorSeries,
    IndicatorSet,
    IndicatorSetMembership,
    MeasureLead,
    NationalFramework,
    NationalIndicator,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    Reminder,
    WayOfWorking,
    WellbeingGoal,
)


class MeasureLeadInline(admin.TabularInline):
    model = MeasureLead
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(PerformanceMeasure)
class PerformanceMeasureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "partnership",
        "question",
        "value_type",
        "aggregation",
        "annual_target",
        "is_headline",
    ]
    list_filter = ["partnership", "question", "value_type", "is_headline"]
    search_fields = ["code", "name"]
    inlines = [MeasureLeadInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership", "starts_on", "ends_on", "locked_at"]
    list_filter = ["partnership"]
    # Locking and reopening go through the quarter page, which keeps the
    # reason; here they are only shown.
    readonly_fields = ["locked_at", "locked_by"]


@admin.register(PeriodLockChange)
class PeriodLockChangeAdmin(admin.ModelAdmin):
    list_display = ["period", "partnership", "action", "actor", "at", "reason"]
    list_filter = ["partnership", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DimensionCategoryInline(admin.TabularInline):
    model = DimensionCategory
    extra = 3
    fields = ["name", "position", "partnership"]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "is_exhaustive"]
    list_filter = ["partnership"]
    inlines = [DimensionCategoryInline]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "year", "quarter", "reason", "sent_at"]
    list_filter = ["partnership", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyValue)
class QuarterlyValueAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "period",
        "value",
        "numerator",
        "denominator",
        "status",
        "entered_by",
        "updated_at",
    ]
    list_filter = ["partnership", "period__year", "status"]
    search_fields = ["measure__code", "measure__name"]
    raw_id_fields = ["measure", "period"]

    # A locked quarter's values cannot change (the database refuses it); the
    # admin site shows them read-only rather than fail on save.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_delete_permission(request, obj)


# --- National frameworks: reference data, edited by platform staff only --------
# (the admin site is for platform staff; the database refuses these writes
# from anywhere else). An edited shipped row is never overwritten by
# `load_frameworks`; see kpis/frameworks.py.


@admin.register(NationalFramework)
class NationalFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "nation", "version", "slug"]
    search_fields = ["name", "nation"]


@admin.register(WellbeingGoal)
class WellbeingGoalAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "framework", "position"]
    list_filter = ["framework"]


@admin.register(WayOfWorking)
class WayOfWorkingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "framework", "position"]
    list_filter = ["framework"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "laid_on", "is_current"]
    list_filter = ["framework"]


class IndicatorSetMembershipInline(admin.TabularInline):
    model = IndicatorSetMembership
    extra = 0
    fields = ["indicator_set", "title_in_set", "direction_in_set", "basis"]


@admin.register(NationalIndicator)
class NationalIndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "framework",
        "unit_kind",
        "direction",
        "confirmed",
        "verification",
        "set_list",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["framework", "confirmed", "verification", "sets"]
    search_fields = ["title", "=number"]
    inlines = [IndicatorSetMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sets")

    @admin.display(description=_("sets"))
    def set_list(self, obj):
        return ", ".join(s.slug for s in obj.sets.all())


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership", "created_at"]
    list_filter = ["partnership"]
    raw_id_fields = ["priority", "outcome", "measure", "project"]


# --- Population data: reference data too, imported with
# `import_indicator_series`; platform staff correct single figures here.


class IndicatorObservationInline(admin.TabularInline):
    model = IndicatorObservation
    extra = 0
    fields = ["area_code", "area_name", "period_label", "period_start", "value"]


@admin.register(IndicatorSeries)
class IndicatorSeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "breakdown", "is_sample", "imported_at"]
    list_filter = ["is_sample", "indicator__framework"]
    raw_id_fields = ["indicator"]
    inlines = [IndicatorObservationInline]


@admin.register(CurveStory)
class CurveStoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership", "year", "updated_at"]
    list_filter = ["partnership", "year"]
    raw_id_fields = ["indicator"]
