from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from partnerships.admin import PartnershipAdmin
from partnerships.admin_tenancy import TenantAdmin, TenantInlineMixin
from partnerships.models import Partnership

from .models import (
    Contribution,
    CurveStory,
    FrameworkAdoption,
    IndicatorObservation,
    IndicatorSeries,
    IndicatorSet,
    IndicatorSetMembership,
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)

# --- National frameworks: reference data, edited by platform staff only --------
# (the admin site is for platform staff; the database refuses these writes
# from anywhere else). An edited shipped row is never overwritten by
# `load_frameworks`; see wellbeing/frameworks.py.


@admin.register(NationalFramework)
class NationalFrameworkAdmin(TranslationAdmin):
    list_display = ["name", "nation", "version", "slug"]
    search_fields = ["name", "nation"]


@admin.register(WellbeingGoal)
class WellbeingGoalAdmin(TranslationAdmin):
    list_display = ["name", "code", "framework", "position"]
    list_filter = ["framework"]


@admin.register(WayOfWorking)
class WayOfWorkingAdmin(TranslationAdmin):
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
class NationalIndicatorAdmin(TranslationAdmin):
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
class ContributionAdmin(TenantAdmin):
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
class CurveStoryAdmin(TenantAdmin):
    list_display = ["__str__", "partnership", "year", "updated_at"]
    list_filter = ["partnership", "year"]
    raw_id_fields = ["indicator"]


# --- The framework each partnership adopts, on the partnership's own page ------
# (partnerships knows nothing of frameworks, so its admin gains the inline here).


class FrameworkAdoptionInline(TenantInlineMixin, admin.StackedInline):
    model = FrameworkAdoption
    extra = 0
    max_num = 1


class PartnershipWithFrameworkAdmin(PartnershipAdmin):
    list_display = [
        *PartnershipAdmin.list_display[:2],
        "framework",
        *PartnershipAdmin.list_display[2:],
    ]
    inlines = [*PartnershipAdmin.inlines, FrameworkAdoptionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework_adoption__framework")
        )

    @admin.display(description=_("national well-being framework"))
    def framework(self, obj):
        adoption = getattr(obj, "framework_adoption", None)
        return adoption.framework if adoption else None


admin.site.unregister(Partnership)
admin.site.register(Partnership, PartnershipWithFrameworkAdmin)
