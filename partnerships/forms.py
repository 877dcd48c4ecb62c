from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, so you can tell your tokens apart."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
