"""The quarterly entry form: it only turns text into numbers.

Which numbers a kind of value needs, and the rules they obey, live in
``kpis.services`` so that the web form, the API and imports share them; the
view copies the service's messages back beside the fields.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.form_renderer import PlainInputRenderer
from partnerships.text_limits import limit_of

from .models import (
    Aggregation,
    DimensionCategory,
    PerformanceMeasure,
    PeriodLockChange,
    QuarterlyValue,
    ValueType,
)
from .recording import STORY_MAX_LENGTH

NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "input-number"}

# The value columns' limits (numeric(14, 2)), so that a number the database
# cannot hold gets a message beside its field rather than an overflow.
VALUE_DECIMAL_PLACES = QuarterlyValue._meta.get_field("value").decimal_places
VALUE_WHOLE_DIGITS = (
    QuarterlyValue._meta.get_field("value").max_digits - VALUE_DECIMAL_PLACES
)
VALUE_LIMIT = Decimal(10) ** VALUE_WHOLE_DIGITS - Decimal(10) ** -VALUE_DECIMAL_PLACES
NUMBER_ERROR_MESSAGES = {
    "invalid": _("Enter a number, like 12 or 12.5."),
    "max_value": _("This number is too large: enter less than 1,000,000,000,000."),
    "min_value": _("This number is too small: enter more than -1,000,000,000,000."),
    "max_decimal_places": _("Use at most two decimal places, like 12.25."),
}


class ServiceErrorsMixin:
    """Puts a service's ValidationError beside the fields it names."""

    def add_service_errors(self, error) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_service_error(name, messages)

    def add_service_error(self, name: str, messages: list[str]) -> None:
        self.add_error(name if name in self.fields else None, messages)


@dataclass
class GridRow:
    header: str
    cells: list


def number_field(label, help_text="") -> forms.DecimalField:
    """A figure's number, refusing what the value columns cannot store."""
    field = forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        max_value=VALUE_LIMIT,
        min_value=-VALUE_LIMIT,
        decimal_places=VALUE_DECIMAL_PLACES,
        widget=forms.TextInput(attrs=NUMBER_ATTRS),
    )
    field.error_messages.update(NUMBER_ERROR_MESSAGES)
    return field


# One renderer (and its template engine) for every entry form.
PLAIN_INPUTS = PlainInputRenderer()


class QuarterlyValueForm(ServiceErrorsMixin, forms.Form):
    # My measures renders one of these per measure: plain inputs in Python.
    default_renderer = PLAIN_INPUTS

    story = forms.CharField(
        label=_("The story behind the number"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=STORY_MAX_LENGTH,
    )

    # The version of the stored value the person started from (0: none), so
    # a save over someone else's newer one is caught as a conflict.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        measure: PerformanceMeasure,
        categories: dict[int, list[DimensionCategory]] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("prefix", f"m{measure.pk}")
        super().__init__(*args, **kwargs)
        self.measure = measure
        self._add_breakdown(measure, categories or {})
        kind = measure.value_type
        number_fields: dict[str, forms.Field] = {}
        if kind == ValueType.COUNT:
            number_fields["value"] = number_field(
                measure.unit.capitalize() if measure.unit else _("Count")
            )
        elif kind == ValueType.SCORE:
            number_fields["value"] = number_field(_("Score"))
        elif kind == ValueType.MILESTONE:
            number_fields["value"] = forms.TypedChoiceField(
                label=_("Milestone"),
                choices=[
                    ("1", pgettext_lazy("milestone", "Done")),
                    ("0", pgettext_lazy("milestone", "Not done")),
                ],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        else:
            number_fields["numerator"] = number_field(_("Number"))
            number_fields["denominator"] = number_field(_("Out of"))
            if kind == ValueType.PERCENTAGE:
                number_fields["value"] = number_field(
                    _("Or the percentage"),
                    help_text=_(
                        "Not for this measure: its year adds up the numbers, "
                        "so enter them above."
                    )
                    if measure.aggregation == Aggregation.RATIO_OF_SUMS
                    else _("When you only have the rate, not the numbers."),
                )
        for name, field in number_fields.items():
            field.required = False
            self.fields[name] = field
        self.order_fields([*number_fields, *self.cell_keys.values(), "story"])

    def _add_breakdown(
        self,
        measure: PerformanceMeasure,
        categories: dict[int, list[DimensionCategory]],
    ) -> None:
        """One whole-number field per cell of the measure's breakdown grid."""
        self.cell_keys: dict[str, str] = {}
        self.dimensions = measure.dimensions
        if not self.dimensions:
            return
        self.rows_of = categories.get(self.dimensions[0].pk, [])
        self.columns_of = (
            categories.get(self.dimensions[1].pk, [])
            if len(self.dimensions) > 1
            else []
        )
        initial = self.initial.get("breakdown") or {}
        for row in self.rows_of:
            for column in self.columns_of or [None]:
                key = f"{row.pk}:{column.pk}" if column else str(row.pk)
                name = f"cell_{key.replace(':', '_')}"
                label = f"{row.name}, {column.name}" if column else row.name
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=int(VALUE_LIMIT),
                    widget=forms.TextInput(
                        attrs=NUMBER_ATTRS | {"inputmode": "numeric"}
                    ),
                    error_messages={
                        "invalid": _("Enter a whole number."),
                        "min_value": _("Enter 0 or more."),
                        "max_value": NUMBER_ERROR_MESSAGES["max_value"],
                    },
                )
                if key in initial:
                    self.initial[name] = initial[key]
                self.cell_keys[key] = name

    @property
    def breakdown_grid(self) -> list[GridRow]:
        """The breakdown as rows of bound fields, for the entry table."""
        grid = []
        for row in self.rows_of if self.dimensions else []:
            cells = [
                self[self.cell_keys[f"{row.pk}:{c.pk}" if c else str(row.pk)]]
                for c in self.columns_of or [None]
            ]
            grid.append(GridRow(row.name, cells))
        return grid

    def add_service_error(self, name: str, messages: list[str]) -> None:
        # The breakdown's own message ("breakdown") goes beside the grid.
        if name == "breakdown" and self.cell_keys:
            self._errors.setdefault(name, self.error_class()).extend(messages)
        else:
            super().add_service_error(name, messages)

    @property
    def breakdown_exhaustive(self) -> bool:
        return all(d.is_exhaustive for d in self.dimensions)

    @property
    def breakdown_errors(self) -> list[str]:
        errors = list(self.errors.get("breakdown", []))
        for name in self.cell_keys.values():
            for error in self.errors.get(name, []):
                errors.append(f"{self.fields[name].label}: {error}")
        return errors

    @property
    def number_fields(self):
        return [
            self[name]
            for name in ("value", "numerator", "denominator")
            if name in self.fields
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "story": data.get("story", ""),
            "breakdown": {
                key: data[name]
                for key, name in self.cell_keys.items()
                if data.get(name) is not None
            },
            "expected_version": data.get("version"),
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=limit_of(QuarterlyValue, "return_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why you are returning it, so the lead can fix it.")
        },
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=limit_of(PeriodLockChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the quarter is being reopened.")},
    )


class ReportingSettingsForm(forms.Form):
    quarter_deadline_days = forms.IntegerField(
        label=_("Figures are due this many days after a quarter ends"),
        min_value=0,
        max_value=120,
    )
    reminder_days_before = forms.IntegerField(
        label=_("Remind leads this many days before the deadline"),
        help_text=_("0 sends no reminder before the deadline."),
        min_value=0,
        max_value=60,
    )
    remind_when_overdue = forms.BooleanField(
        label=_("Remind leads once when their figures are overdue"), required=False
    )


class DimensionForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    categories = forms.CharField(
        label=_("Categories"),
        help_text=_("One per line, in the order they should appear."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    is_exhaustive = forms.BooleanField(
        label=_(
            "Exhaustive: everyone counted falls in exactly one category, so the "
            "categories must add up to the total"
        ),
        required=False,
    )


class MeasureChecksForm(ServiceErrorsMixin, forms.Form):
    breakdown_first = forms.ModelChoiceField(
        label=_("Broken down by"), queryset=None, required=False, empty_label=_("None")
    )
    breakdown_second = forms.ModelChoiceField(
        label=_("Also broken down by"),
        queryset=None,
        required=False,
        empty_label=_("None"),
    )
    change_threshold = forms.IntegerField(
        label=_("Change that needs a note (%)"),
        min_value=1,
        max_value=1000,
        required=False,
    )

    def __init__(self, *args, measure: PerformanceMeasure, dimensions, **kwargs):
        kwargs.setdefault("prefix", f"c{measure.pk}")
        kwargs.setdefault(
            "initial",
            {
                "breakdown_first": measure.breakdown_first_id,
                "breakdown_second": measure.breakdown_second_id,
                "change_threshold": measure.change_threshold,
            },
        )
        super().__init__(*args, **kwargs)
        self.measure = measure
        for name in ("breakdown_first", "breakdown_second"):
            self.fields[name].queryset = dimensions
        if measure.value_type != ValueType.COUNT:
            del self.fields["breakdown_first"]
            del self.fields["breakdown_second"]
