from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from partnerships.admin_tenancy import TenantAdminMixin, TenantInlineMixin

from .models import Mission, Outcome, Priority, Project


@admin.register(Mission)
class MissionAdmin(TenantAdminMixin, TranslationAdmin):
    list_display = ["statement", "partnership", "target_year"]


class OutcomeInline(TenantInlineMixin, TranslationStackedInline):
    model = Outcome
    extra = 0
    fields = ["partnership", "position", "statement", "horizon", "what_it_looks_like"]


@admin.register(Priority)
class PriorityAdmin(TenantAdminMixin, TranslationAdmin):
    list_display = ["name", "partnership", "position"]
    list_filter = ["partnership"]
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(TenantAdminMixin, TranslationAdmin):
    list_display = ["statement", "partnership", "priority", "horizon"]
    list_filter = ["partnership", "horizon"]
    search_fields = ["statement"]


@admin.register(Project)
class ProjectAdmin(TenantAdminMixin, TranslationAdmin):
    list_display = ["name", "partnership", "priority", "lead_organisation", "status"]
    list_filter = ["partnership", "status"]
    search_fields = ["name"]
