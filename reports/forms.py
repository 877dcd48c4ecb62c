from django import forms
from django.utils.translation import gettext_lazy as _


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int)

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = _(
            "Choose a reporting year that has quarters."
        )


class FrameworkChoiceForm(forms.Form):
    framework = forms.ModelChoiceField(
        label=_("National well-being framework"),
        queryset=None,
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks
