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
