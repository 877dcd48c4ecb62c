import copy

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, so you can tell your tokens apart."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows, or one of your "
            "recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter a code.")},
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        help_text=_("The 6-digit code the app shows once the account is added."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={"required": _("Enter the code the app shows.")},
    )


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args, with_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"] = copy.deepcopy(
                SecondFactorCodeForm.base_fields["code"]
            )
