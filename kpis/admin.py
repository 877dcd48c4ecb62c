from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from partnerships.admin_tenancy import (
    TenantAdmin,
    TenantAdminMixin,
    TenantInlineMixin,
    TenantModelForm,
    database_refusal_register,
)
from partnerships.models import Membership

from .models import (
    LOCKED_PERIOD_SQLSTATE,
    REOPEN_UNRECORDED_SQLSTATE,
    DigestSent,
    Dimension,
    DimensionCategory,
    MeasureLead,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    Reminder,
)
from .services import CATEGORIES_PER_DIMENSION


class MeasureLeadForm(TenantModelForm):
    """Says so beside the row when the person is not a member of the
    measure's partnership, which the database would refuse at commit
    (kpis migration 0017), rather than failing the whole save."""

    class Meta:
        model = MeasureLead
        fields = ["partnership", "measure", "user"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        measure = getattr(self.instance, "measure", None)
        if (
            user is not None
            and measure is not None
            and not Membership.objects.filter(
                partnership_id=measure.partnership_id, user=user
            ).exists()
        ):
            self.add_error(
                "user", _("Only a member of the measure's partnership can lead it.")
            )
        return cleaned


class MeasureLeadInline(TenantInlineMixin, admin.TabularInline):
    model = MeasureLead
    form = MeasureLeadForm
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(PerformanceMeasure)
class PerformanceMeasureAdmin(TenantAdminMixin, TranslationAdmin):
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


# What the database's guards on kpis_period (PERIOD_LOCK_GUARD) mean, beside
# the form (the admin site's forms try each write first: see
# partnerships/admin_tenancy.py).
database_refusal_register(
    LOCKED_PERIOD_SQLSTATE,
    _(
        "This quarter is locked: its dates and label cannot change. Reopen it "
        "on the quarter page first."
    ),
)
database_refusal_register(
    REOPEN_UNRECORDED_SQLSTATE,
    _("A locked quarter can only be reopened on the quarter page, which records why."),
)


class PeriodAdminForm(TenantModelForm):
    class Meta:
        model = Period
        fields = ["partnership", "year", "quarter", "starts_on", "ends_on"]


@admin.register(Period)
class PeriodAdmin(TenantAdmin):
    form = PeriodAdminForm
    list_display = ["__str__", "partnership", "starts_on", "ends_on", "locked_at"]
    list_filter = ["partnership"]
    # Locking and reopening go through the quarter page, which keeps the
    # reason; here they are only shown.
    readonly_fields = ["locked_at", "locked_by"]
    # A locked quarter's dates and label are settled (the database refuses
    # to change them too).
    locked_readonly_fields = ["partnership", "year", "quarter", "starts_on", "ends_on"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return [*self.locked_readonly_fields, *self.readonly_fields]
        return self.readonly_fields

    def get_actions(self, request):
        # A quarter's lock history cannot be deleted, so neither can a
        # quarter that has one: no bulk delete that would end in a refusal.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.lock_changes.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PeriodLockChange)
class PeriodLockChangeAdmin(admin.ModelAdmin):
    list_display = ["period", "partnership", "action", "actor", "at", "reason"]
    list_filter = ["partnership", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Append-only: the database refuses to delete a record too.
        return False


class DimensionCategoryFormSet(BaseInlineFormSet):
    """A breakdown keeps to the categories' limit here too, as on every other
    path (kpis.services.CATEGORIES_PER_DIMENSION)."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not (self.can_delete and self._should_delete_form(form))
        ]
        if len(kept) > CATEGORIES_PER_DIMENSION:
            raise ValidationError(
                _(
                    "Keep a breakdown to %(limit)s categories or fewer "
                    "(this lists %(count)s)."
                )
                % {"limit": CATEGORIES_PER_DIMENSION, "count": f"{len(kept):,}"}
            )


class DimensionCategoryInline(TenantInlineMixin, TranslationTabularInline):
    model = DimensionCategory
    formset = DimensionCategoryFormSet
    extra = 3
    max_num = CATEGORIES_PER_DIMENSION
    fields = ["name", "position", "partnership"]


@admin.register(Dimension)
class DimensionAdmin(TenantAdminMixin, TranslationAdmin):
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


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    """What each admin's daily digests covered; kept, never edited."""

    list_display = ["user", "partnership", "day", "figure_count", "covered_until"]
    list_filter = ["partnership"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyValue)
class QuarterlyValueAdmin(TenantAdmin):
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
