from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partnerships.text_limits import MaxTextLength, limit_of
from wellbeing.models import CurveStory

from .models import NO_FIGURES_MESSAGE, ReportLanguage


def default_report_language() -> str:
    """The report language to offer first: the one the person reads the page in."""
    if (get_language() or "").startswith("cy"):
        return ReportLanguage.WELSH
    return ReportLanguage.ENGLISH


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int)
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=ReportLanguage.choices,
        widget=forms.RadioSelect,
        # Left out (an older form, a script): the language of the page.
        required=False,
        error_messages={"invalid_choice": _("Choose English, Welsh or bilingual.")},
        help_text=_(
            "A bilingual report holds the whole report in Welsh, then in English."
        ),
    )

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.fields["year"].error_messages["invalid_choice"] = NO_FIGURES_MESSAGE
        self.fields["language"].initial = default_report_language()

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or default_report_language()


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


class CurveStoryForm(forms.Form):
    """RBA's turn-the-curve headings, for the current year's story, and the
    actions that carry out its plan: one form for a national indicator's story
    and a headline measure's."""

    story = forms.CharField(
        label=_("The story behind the curve"),
        help_text=_("Why the curve looks as it does: causes and forces at work."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[MaxTextLength(limit_of(CurveStory, "story"))],
    )
    partners = forms.CharField(
        label=_("Partners with a role to play"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[MaxTextLength(limit_of(CurveStory, "partners"))],
    )
    what_works = forms.CharField(
        label=_("What works"),
        help_text=_("What could work to turn the curve, including low-cost ideas."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[MaxTextLength(limit_of(CurveStory, "what_works"))],
    )
    action_plan = forms.CharField(
        label=_("Action plan"),
        help_text=_("What the partnership proposes to do."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[MaxTextLength(limit_of(CurveStory, "action_plan"))],
    )
    actions = forms.TypedMultipleChoiceField(
        label=_("Actions that carry out the plan"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(a.pk, a.name) for a in actions]
