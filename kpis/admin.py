from django.contrib import admin

from .models import MeasureLead, PerformanceMeasure, Period, QuarterlyValue


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
    list_display = ["__str__", "partnership", "starts_on", "ends_on"]
    list_filter = ["partnership"]


@admin.register(QuarterlyValue)
class QuarterlyValueAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "period",
        "value",
        "numerator",
        "denominator",
        "entered_by",
        "updated_at",
    ]
    list_filter = ["partnership", "period__year"]
    search_fields = ["measure__code", "measure__name"]
    raw_id_fields = ["measure", "period"]
