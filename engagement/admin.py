"""The engagement log in the admin site, one partnership at a time.

Every form offers only the object's own partnership's organisations,
communities and standards (``partnerships.admin_tenancy``); an activity's
organisations, communities and standards met are its inline rows, each in
the activity's partnership. A locked quarter's activities are shown
read-only (the database refuses to change them too), and a change here
recomputes the figures computed from the log, as the log's own pages do.
"""

from django.contrib import admin
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from kpis.models import LOCKED_QUARTER_SQLSTATE, Period
from kpis.periods import Quarter
from partnerships.admin_tenancy import (
    TenantAdmin,
    TenantInlineMixin,
    TenantModelForm,
    database_refusal_register,
)

from .computing import computed_figures_refresh
from .models import (
    Activity,
    ActivityCommunity,
    ActivityOrganisation,
    ActivityStandard,
    ContinuumLevelName,
    EngagementStandard,
)

database_refusal_register(
    LOCKED_QUARTER_SQLSTATE,
    _(
        "The quarter is locked: its figures, action updates and activities "
        "cannot change. Reopen it on the quarter page first."
    ),
)


class InPartnershipFormSet(BaseInlineFormSet):
    """Each row belongs to its activity's partnership (the field is not shown)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.partnership_id:
            form.instance.partnership_id = self.instance.partnership_id
        return form


class _ActivityRowInline(TenantInlineMixin, admin.TabularInline):
    formset = InPartnershipFormSet
    extra = 0

    def has_change_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


class ActivityOrganisationInline(_ActivityRowInline):
    model = ActivityOrganisation
    fields = ["organisation"]
    verbose_name = _("organisation involved")
    verbose_name_plural = _("organisations involved")


class ActivityCommunityInline(_ActivityRowInline):
    model = ActivityCommunity
    fields = ["category"]
    verbose_name = _("community or audience reached")
    verbose_name_plural = _("communities or audiences reached")


class ActivityStandardInline(_ActivityRowInline):
    model = ActivityStandard
    fields = ["standard"]
    verbose_name = _("standard met")
    verbose_name_plural = _("standards met")


def _is_locked(activity: Activity | None) -> bool:
    """Whether the activity falls in a locked quarter of its partnership (a
    read: the log's services hold the quarter when they write)."""
    if activity is None or activity.pk is None:
        return False
    start_month = activity.partnership.reporting_year_start_month
    wanted = Q()
    for day in (activity.starts_on, activity.ends_on):
        quarter = Quarter.containing(day, start_month)
        wanted |= Q(year=quarter.year, quarter=quarter.quarter)
    return Period.objects.filter(
        wanted, partnership_id=activity.partnership_id, locked_at__isnull=False
    ).exists()


class ActivityAdminForm(TenantModelForm):
    class Meta:
        model = Activity
        fields = [
            "partnership",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "level",
            "method",
            "participants",
            "feedback_said",
            "feedback_done",
        ]


@admin.register(Activity)
class ActivityAdmin(TenantAdmin):
    form = ActivityAdminForm
    list_display = ["title", "partnership", "starts_on", "level", "status"]
    list_filter = ["partnership", "status", "level"]
    search_fields = ["title"]
    date_hierarchy = "starts_on"
    inlines = [
        ActivityOrganisationInline,
        ActivityCommunityInline,
        ActivityStandardInline,
    ]

    def has_change_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        computed_figures_refresh(
            partnership=form.instance.partnership, actor=request.user
        )

    def delete_model(self, request, obj):
        partnership = obj.partnership
        super().delete_model(request, obj)
        computed_figures_refresh(partnership=partnership, actor=request.user)


@admin.register(EngagementStandard)
class EngagementStandardAdmin(TenantAdmin):
    list_display = ["name", "partnership", "position"]
    list_filter = ["partnership"]
    search_fields = ["name"]


@admin.register(ContinuumLevelName)
class ContinuumLevelNameAdmin(TenantAdmin):
    list_display = ["name", "level", "partnership"]
    list_filter = ["partnership", "level"]
