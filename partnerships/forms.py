import copy

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.dates import MONTHS as _MONTHS
from django.utils.translation import gettext_lazy as _

from .i18n import in_language_of
from .models import Organisation, Role
from .passkeys import passkey_name_clean


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, so you can tell your tokens apart."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _language_choices():
    return list(settings.LANGUAGES)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("As they would like it shown to the partnership."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.LEAD)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation email"), choices=_language_choices
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnership=partnership
        )
        current = translation.get_language()
        codes = [code for code, _name in settings.LANGUAGES]
        self.fields["language"].initial = (
            current if current in codes else settings.LANGUAGE_CODE
        )


class MemberForm(forms.Form):
    """A member's role and organisation, one form per row of the list."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args, partnership, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partnership=partnership
        )
        # The fields sit in the cells of a table row; the form element in
        # the last cell (a form cannot span cells).
        if form_id:
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class OrganisationMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Organisation.objects.none(),
        help_text=_("Its members and projects move to the organisation you choose."),
    )

    def __init__(self, *args, partnership, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(partnership=partnership)
        if exclude is not None:
            organisations = organisations.exclude(pk=exclude.pk)
        self.fields["into"].queryset = organisations


class AcceptInvitationForm(forms.Form):
    """A new account's name and password, by the project's password rules."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    new_password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    new_password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("new_password1"), cleaned.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return cleaned


class PartnershipCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, as in its web address."),
    )
    reporting_year_start_month = forms.TypedChoiceField(
        label=_("Reporting year starts in"),
        coerce=int,
        choices=[(month, _MONTHS[month]) for month in range(1, 13)],
        initial=4,
    )
    admin_email = forms.EmailField(label=_("First admin's email address"))
    language = forms.ChoiceField(
        label=_("Language of the invitation email"), choices=_language_choices
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


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        help_text=_(
            "So that you can tell your passkeys apart: the device or password "
            "manager it is on, such as “Work laptop”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter a name for the passkey, such as the device it is on."),
        },
    )

    def clean_name(self):
        try:
            return passkey_name_clean(self.cleaned_data["name"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["name"]) from None


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


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("The language of your emails and of the site when you sign in."),
    )


class DigestForm(forms.Form):
    wants_daily_digest = forms.BooleanField(
        label=_("Send me the daily digest of submitted figures"),
        required=False,
        widget=forms.CheckboxInput(
            attrs={"aria-describedby": "id_wants_daily_digest_helptext"}
        ),
        help_text=_(
            "For a partnership's admins: one email a day listing the figures "
            "submitted, approved and returned since the last one; none on a day "
            "with nothing to say."
        ),
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
