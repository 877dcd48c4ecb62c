"""The quarterly entry form: it only turns text into numbers.

Which numbers a kind of value needs, and the rules they obey, live in
``kpis.services`` so that the web form, the API and imports share them; the
view copies the service's messages back beside the fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PerformanceMeasure, ValueType

NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "input-number"}


class QuarterlyValueForm(forms.Form):
    story = forms.CharField(
        label=_("The story behind the number"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args, measure: PerformanceMeasure, **kwargs):
        kwargs.setdefault("prefix", f"m{measure.pk}")
        super().__init__(*args, **kwargs)
        self.measure = measure
        kind = measure.value_type
        number_fields: dict[str, forms.Field] = {}
        if kind == ValueType.COUNT:
            number_fields["value"] = forms.DecimalField(
                label=measure.unit.capitalize() if measure.unit else _("Count"),
                widget=forms.TextInput(attrs=NUMBER_ATTRS),
            )
        elif kind == ValueType.SCORE:
            number_fields["value"] = forms.DecimalField(
                label=_("Score"), widget=forms.TextInput(attrs=NUMBER_ATTRS)
            )
        elif kind == ValueType.MILESTONE:
            number_fields["value"] = forms.TypedChoiceField(
                label=_("Milestone"),
                choices=[("1", _("Done")), ("0", _("Not done"))],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        else:
            number_fields["numerator"] = forms.DecimalField(
                label=_("Number"), widget=forms.TextInput(attrs=NUMBER_ATTRS)
            )
            number_fields["denominator"] = forms.DecimalField(
                label=_("Out of"), widget=forms.TextInput(attrs=NUMBER_ATTRS)
            )
            if kind == ValueType.PERCENTAGE:
                number_fields["value"] = forms.DecimalField(
                    label=_("Or the percentage"),
                    help_text=_("When you only have the rate, not the numbers."),
                    widget=forms.TextInput(attrs=NUMBER_ATTRS),
                )
        for name, field in number_fields.items():
            field.required = False
            field.error_messages["invalid"] = _("Enter a number, like 12 or 12.5.")
            self.fields[name] = field
        self.order_fields([*number_fields, "story"])

    @property
    def number_fields(self):
        return [self[name] for name in self.fields if name != "story"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "story": data.get("story", ""),
        }
