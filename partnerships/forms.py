from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .i18n import in_language_of


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, so you can tell your tokens apart."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("The language of your emails and of the site when you sign in."),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, but the email (subject, text and link) is in the language
    its recipient chose, not the language of the page that asked for it."""

    def send_mail(
        self, subject_template_name, email_template_name, context, *args, **kwargs
    ):
        with in_language_of(context["user"]):
            super().send_mail(
                subject_template_name, email_template_name, context, *args, **kwargs
            )
