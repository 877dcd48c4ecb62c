from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .admin_tenancy import TenantAdmin, TenantInlineMixin, TenantModelForm
from .models import (
    ApiToken,
    Membership,
    Organisation,
    Partnership,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from .security import security_event_record


def _record_membership_change(request, membership, previous_role) -> None:
    """A membership made, re-roled or removed in the admin site, as the
    service records it for every other path."""
    if previous_role == membership.role:
        return
    kind = (
        SecurityEventKind.MEMBERSHIP_GRANTED
        if previous_role is None
        else SecurityEventKind.ROLE_CHANGED
    )
    security_event_record(
        kind=kind,
        actor=request.user,
        partnership=membership.partnership,
        request=request,
        detail={
            "user_id": membership.user_id,
            "email": membership.user.email,
            "role": str(membership.role),
            "previous_role": previous_role,
            "path": "admin",
        },
    )


def _record_membership_removed(request, membership) -> None:
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_REMOVED,
        actor=request.user,
        partnership=membership.partnership,
        request=request,
        detail={
            "user_id": membership.user_id,
            "email": membership.user.email,
            "role": str(membership.role),
            "path": "admin",
        },
    )


def _previous_role(membership) -> str | None:
    if membership.pk is None:
        return None
    return (
        Membership.objects.filter(pk=membership.pk)
        .values_list("role", flat=True)
        .first()
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "password1", "password2"],
            },
        ),
    ]

    PLATFORM_FLAGS = ("is_active", "is_staff", "is_superuser")

    def save_model(self, request, obj, form, change) -> None:
        changed = {
            flag: form.cleaned_data[flag]
            for flag in self.PLATFORM_FLAGS
            if change and flag in form.changed_data
        }
        super().save_model(request, obj, form, change)
        if changed:
            # Platform staff and superusers: the platform's own roles.
            security_event_record(
                kind=SecurityEventKind.ROLE_CHANGED,
                actor=request.user,
                request=request,
                detail={
                    "user_id": obj.pk,
                    "email": obj.email,
                    "platform": changed,
                    "path": "admin",
                },
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.filter(pk=id).first()
            security_event_record(
                kind=SecurityEventKind.PASSWORD_CHANGED,
                actor=request.user,
                request=request,
                detail={
                    "user_id": user.pk if user else None,
                    "email": user.email if user else "",
                    "path": "admin",
                },
            )
        return response


def _is_last_admin(membership) -> bool:
    """Whether the stored membership is its partnership's only admin (the
    partnership's row locked first, as the members services do, so two
    staff cannot demote the last two admins at once)."""
    if membership.pk is None:
        return False
    Partnership.objects.select_for_update(no_key=True).filter(
        pk=membership.partnership_id
    ).first()
    stored = Membership.objects.filter(pk=membership.pk).values("role").first()
    return (
        stored is not None
        and stored["role"] == Role.ADMIN
        and not Membership.objects.filter(
            partnership_id=membership.partnership_id, role=Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    )


LAST_ADMIN = _(
    "This is the partnership's only admin. Make someone else an admin first."
)


class MembershipAdminForm(TenantModelForm):
    """The last admin keeps the role, as on the members page."""

    def clean(self):
        cleaned = super().clean()
        moved = self.instance.pk is not None and (
            cleaned.get("role") != Role.ADMIN
            or (
                cleaned.get("partnership") is not None
                and cleaned["partnership"].pk != self.instance.partnership_id
            )
        )
        if moved and _is_last_admin(self.instance):
            self.add_error("role", LAST_ADMIN)
        return cleaned


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if form.instance.pk is None:
                continue
            deleted = self.can_delete and self._should_delete_form(form)
            if deleted and _is_last_admin(form.instance):
                raise ValidationError(LAST_ADMIN)


class OrganisationInline(TenantInlineMixin, admin.TabularInline):
    model = Organisation
    extra = 0


class MembershipInline(TenantInlineMixin, admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "reporting_year_start_month",
        "is_demo",
    ]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [OrganisationInline, MembershipInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        previous = {
            f.instance.pk: _previous_role(f.instance)
            for f in formset.forms
            if f.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for membership in formset.deleted_objects:
            _record_membership_removed(request, membership)
        for membership in formset.new_objects:
            _record_membership_change(request, membership, None)
        for membership, _fields in formset.changed_objects:
            _record_membership_change(request, membership, previous.get(membership.pk))


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    form = MembershipAdminForm
    list_display = ["user", "partnership", "role", "organisation"]
    list_filter = ["partnership", "role"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # The last admin is not removed here either (the list's delete
        # action checks each membership it is given: see delete_queryset).
        if obj is not None and _is_last_admin(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        previous = _previous_role(obj)
        super().save_model(request, obj, form, change)
        _record_membership_change(request, obj, previous)

    def delete_model(self, request, obj) -> None:
        _record_membership_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        chosen = list(queryset.select_related("user", "partnership"))
        left = {
            m.partnership_id
            for m in Membership.objects.filter(role=Role.ADMIN).exclude(
                pk__in=[c.pk for c in chosen]
            )
        }
        if any(m.role == Role.ADMIN and m.partnership_id not in left for m in chosen):
            self.message_user(request, LAST_ADMIN, messages.ERROR)
            return
        for membership in chosen:
            _record_membership_removed(request, membership)
        super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see whose tokens exist and revoke a leaked one; never the secret."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email", "prefix"]
    # Revoking is final: a revoked (perhaps leaked) token never comes back.
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        from .services import api_token_revoke

        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(
                user=token.user, token_id=token.pk, actor=request.user, request=request
            )


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Every partnership's events and those outside any, for platform staff:
    read only, as the table itself is."""

    list_display = ["occurred_at", "kind", "email", "partnership", "address"]
    list_filter = ["kind", "partnership"]
    search_fields = ["email", "address"]
    date_hierarchy = "occurred_at"
    list_select_related = ["partnership"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _record_authenticator_removed(request, device) -> None:
    security_event_record(
        kind=SecurityEventKind.MFA_REMOVED,
        actor=request.user,
        email=device.user.email,
        request=request,
        detail={"device": device.persistent_id, "by": "admin site"},
    )


# django-otp's own admin shows and edits each app's secret key and its QR
# code: staff could copy anyone's second factor. Here they only see that an
# app exists and remove it (a lost phone: the person enrols again at the next
# sign-in).
admin.site.unregister(TOTPDevice)


class _SecondFactorAdmin(admin.ModelAdmin):
    """A person's second factor as staff see it: that it exists, and its
    removal (recorded by ``record_removed``); never its secret, and no
    renaming or disabling behind its owner's back."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    @staticmethod
    def record_removed(request, device) -> None:
        raise NotImplementedError

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        self.record_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for device in queryset.select_related("user"):
            self.record_removed(request, device)
        super().delete_queryset(request, queryset)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(_SecondFactorAdmin):
    record_removed = staticmethod(_record_authenticator_removed)


def _record_passkey_removed(request, device) -> None:
    security_event_record(
        kind=SecurityEventKind.PASSKEY_REMOVED,
        actor=request.user,
        email=device.user.email,
        request=request,
        detail={
            "device": device.persistent_id,
            "name": device.name,
            "by": "admin site",
        },
    )


# Passkeys (django-otp-webauthn registers no admin of its own): as for apps,
# staff see that one exists and remove it (a lost device), recorded; they
# cannot rename or disable it behind its owner's back.


@admin.register(WebAuthnCredential)
class PasskeyAdmin(_SecondFactorAdmin):
    record_removed = staticmethod(_record_passkey_removed)
