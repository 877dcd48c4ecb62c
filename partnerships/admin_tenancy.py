"""The admin site within one partnership at a time.

Platform staff use the admin site in platform scope, where every partnership's
rows are visible. An object of one partnership may only point at objects of
the same partnership (the database's composite foreign keys refuse anything
else, at commit). So the admin site's forms:

- offer, in every choice of a tenant's objects (organisations, priorities,
  measures, quarters...), only those of the object's own partnership: the one
  posted in its ``partnership`` field, the one it already belongs to, or for
  an inline row, its parent's;
- refuse another partnership's object beside the field, as any choice not
  offered is refused;
- try the write in a savepoint, with deferred constraints checked at once,
  and show the database's refusal (a guard trigger, a constraint) as a form
  error rather than a server error at commit.

Apps say what their own guards' SQLSTATEs mean with
``database_refusal_register``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_lazy as _

from .models import Partnership

# SQLSTATE -> the message shown above the form.
_REFUSALS = {
    "23503": _(
        "One of these choices belongs to another partnership or no longer "
        "exists. Choose again from the lists offered."
    ),
    "23505": _("Another record already has these values."),
    "23514": _(
        "These values are not allowed together. Check the fields and try again."
    ),
    "23502": _("A required field is missing."),
}


def database_refusal_register(sqlstate: str, message) -> None:
    """Says what the database's refusal ``sqlstate`` (a guard of the app's
    own) means, beside an admin form."""
    _REFUSALS[sqlstate] = message


def is_tenant_model(model) -> bool:
    """Whether the model's rows each belong to one partnership."""
    try:
        field = model._meta.get_field("partnership")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model is Partnership


def _partnership_of(model, pk):
    if model is Partnership:
        return pk
    if is_tenant_model(model):
        return (
            model._base_manager.filter(pk=pk)
            .values_list("partnership_id", flat=True)
            .first()
        )
    return None


class _TrialWrite(Exception):
    """Rolls back the write a form tries, to hear the database's verdict."""


class TenantModelForm(forms.ModelForm):
    """An admin form whose choices stay within the object's partnership, and
    whose database refusals are form errors (see the module's docstring)."""

    def __init__(self, *args, partnership_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership_id = partnership_id or self._partnership_known()
        if self.partnership_id is None:
            return
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if name == "partnership" or queryset is None:
                continue
            if is_tenant_model(queryset.model):
                field.queryset = queryset.filter(partnership_id=self.partnership_id)

    def _partnership_known(self):
        if "partnership" in self.fields and self.is_bound:
            raw = self.data.get(self.add_prefix("partnership"))
            try:
                return int(raw)
            except (TypeError, ValueError):
                return None
        instance = self.instance
        if getattr(instance, "partnership_id", None):
            return instance.partnership_id
        # An inline row: its parent, through the foreign key set on it.
        for field in instance._meta.concrete_fields:
            if field.is_relation and getattr(instance, field.attname, None):
                known = _partnership_of(
                    field.related_model, getattr(instance, field.attname)
                )
                if known is not None:
                    return known
        return None

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self._trial_possible():
            return
        instance = self.instance
        adding, pk = instance._state.adding, instance.pk
        try:
            with transaction.atomic():
                instance.save()
                with connection.cursor() as cursor:
                    # The composite foreign keys are checked at commit.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                raise _TrialWrite
        except _TrialWrite:
            pass
        except DatabaseError as error:
            code = getattr(error.__cause__, "sqlstate", None)
            if code not in _REFUSALS:
                raise
            self.add_error(None, _REFUSALS[code])
        finally:
            # The savepoint's rollback also restores the constraints' mode.
            instance._state.adding, instance.pk = adding, pk

    def _trial_possible(self) -> bool:
        """A row whose parent is not saved yet (an inline of a new object)
        cannot be tried alone."""
        for field in self.instance._meta.concrete_fields:
            if (
                field.is_relation
                and not field.null
                and getattr(self.instance, field.attname, None) is None
            ):
                return False
        return True


class TenantInlineMixin:
    """An inline whose rows offer only the parent's partnership's objects,
    extra (empty) rows included."""

    form = TenantModelForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        partnership_id = None
        if obj is not None:
            partnership_id = (
                obj.pk
                if isinstance(obj, Partnership)
                else getattr(obj, "partnership_id", None)
            )
        if partnership_id is None:
            return formset

        class WithinPartnership(formset):
            def get_form_kwargs(self, index):
                return {
                    **super().get_form_kwargs(index),
                    "partnership_id": partnership_id,
                }

        return WithinPartnership


class TenantAdminMixin:
    """A ModelAdmin of a tenant's model (see the module's docstring)."""

    form = TenantModelForm


class TenantAdmin(TenantAdminMixin, admin.ModelAdmin):
    pass
