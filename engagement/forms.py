"""The engagement pages' forms: they turn text into values; the rules and
their messages live in ``engagement.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.forms import ServiceErrorsMixin

from .models import ActivityStatus, ComputedKind
from .selectors import (
    category_list,
    level_names,
    organisation_list,
    standard_list,
)
from .services import ActivityInput, ComputationInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "class": "input-number"}
COUNT_ERRORS = {
    "invalid": _("Enter a whole number, like 12."),
    "min_value": _("Enter 0 or more."),
}


def _count(label, help_text="") -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs=COUNT_ATTRS),
    )
    field.error_messages.update(COUNT_ERRORS)
    return field


class ActivityForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    starts_on = forms.DateField(label=_("First day"), widget=DATE, required=False)
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=DATE,
        required=False,
        help_text=_("The same as the first day for an activity of one day."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActivityStatus.choices,
        widget=forms.RadioSelect,
        initial=ActivityStatus.PLANNED,
    )
    level = forms.ChoiceField(label=_("Level of engagement"), required=False)
    method = forms.CharField(
        label=_("Method"),
        required=False,
        help_text=_("For example a focus group, a survey or participatory budgeting."),
        widget=forms.TextInput(attrs={"list": "methods", "autocomplete": "off"}),
    )
    organisations = forms.MultipleChoiceField(
        label=_("Organisations involved"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communities = forms.MultipleChoiceField(
        label=_("Communities or audiences reached"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    standards = forms.MultipleChoiceField(
        label=_("Standards it met"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = _count(
        _("Number of participants"),
        _("A count only. Leave it empty for a planned activity."),
    )
    feedback_said = forms.CharField(
        label=_("What people said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Themes and views, never who said what."),
    )
    feedback_done = forms.CharField(
        label=_("What was done about it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("Choose a level"))] + list(
            level_names(partnership=partnership).items()
        )
        self.fields["organisations"].choices = [
            (str(o.pk), o.name) for o in organisation_list(partnership=partnership)
        ]
        categories = list(
            category_list(partnership=partnership).order_by(
                "dimension__position", "dimension__name", "position", "name"
            )
        )
        self.fields["communities"].choices = [
            (str(c.pk), f"{c.name} ({c.dimension.name})") for c in categories
        ]
        self.fields["standards"].choices = [
            (str(s.pk), s.name) for s in standard_list(partnership=partnership)
        ]
        self.breakdown_names = []
        for category in categories:
            name = f"count_{category.pk}"
            self.fields[name] = _count(f"{category.name} ({category.dimension.name})")
            self.breakdown_names.append(name)

    @property
    def breakdown_fields(self):
        return [self[name] for name in self.breakdown_names]

    # The form's two parts, with the optional breakdown between them: what
    # the activity was and how many came, then what they said.
    FEEDBACK = ("feedback_said", "feedback_done")

    @property
    def main_fields(self):
        return [
            self[name]
            for name in self.fields
            if name not in self.breakdown_names and name not in self.FEEDBACK
        ]

    @property
    def feedback_fields(self):
        return [self[name] for name in self.FEEDBACK]

    def add_service_error(self, name: str, messages: list[str]) -> None:
        if name == "breakdown" and self.breakdown_names:
            name = self.breakdown_names[0]
        super().add_service_error(name, messages)

    def as_input(self) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            level=data["level"],
            status=data["status"],
            method=data["method"],
            organisation_ids=[int(pk) for pk in data["organisations"]],
            community_ids=[int(pk) for pk in data["communities"]],
            standard_ids=[int(pk) for pk in data["standards"]],
            participants=data["participants"],
            breakdown={
                int(name.removeprefix("count_")): data[name]
                for name in self.breakdown_names
                if data.get(name) is not None
            },
            feedback_said=data["feedback_said"],
            feedback_done=data["feedback_done"],
        )

    @classmethod
    def initial_for(cls, activity) -> dict:
        initial = {
            "title": activity.title,
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
            "status": activity.status,
            "level": activity.level,
            "method": activity.method,
            "organisations": [str(o.pk) for o in activity.organisations.all()],
            "communities": [str(c.pk) for c in activity.communities.all()],
            "standards": [str(s.pk) for s in activity.standards_met.all()],
            "participants": activity.participants,
            "feedback_said": activity.feedback_said,
            "feedback_done": activity.feedback_done,
        }
        for pk, count in activity.participant_breakdown.items():
            initial[f"count_{pk}"] = count
        return initial


class StandardForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Standard"), required=False)
    description = forms.CharField(
        label=_("What it asks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LevelNamesForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ContinuumLevel

        own = level_names(partnership=partnership)
        for level, shipped in ContinuumLevel.choices:
            self.fields[level] = forms.CharField(
                label=shipped,
                required=False,
                max_length=100,
                initial=own[level] if own[level] != str(shipped) else "",
                help_text=_("Leave empty to keep the name above."),
            )


class ComputationForm(ServiceErrorsMixin, forms.Form):
    measure = forms.ChoiceField(label=_("Measure"))
    kind = forms.ChoiceField(
        label=_("What it counts"),
        choices=ComputedKind.choices,
        widget=forms.RadioSelect,
    )
    standard = forms.ChoiceField(
        label=_("Standard"),
        required=False,
        help_text=_("Only for activities meeting a standard."),
    )
    level = forms.ChoiceField(label=_("Only at this level"), required=False)
    organisation = forms.ChoiceField(
        label=_("Only with this organisation"), required=False
    )
    community = forms.ChoiceField(label=_("Only with this community"), required=False)

    def __init__(self, *args, partnership, measures, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["measure"].choices = [("", _("Choose a measure"))] + [
            (str(m.pk), f"{m.code} {m.name}") for m in measures
        ]
        self.fields["standard"].choices = [("", _("None"))] + [
            (str(s.pk), s.name) for s in standard_list(partnership=partnership)
        ]
        self.fields["level"].choices = anything + list(
            level_names(partnership=partnership).items()
        )
        self.fields["organisation"].choices = anything + [
            (str(o.pk), o.name) for o in organisation_list(partnership=partnership)
        ]
        self.fields["community"].choices = anything + [
            (str(c.pk), f"{c.name} ({c.dimension.name})")
            for c in category_list(partnership=partnership)
        ]

    def as_input(self) -> ComputationInput:
        data = self.cleaned_data

        def _pk(name):
            return int(data[name]) if data.get(name) else None

        return ComputationInput(
            kind=data["kind"],
            standard_id=_pk("standard"),
            level=data.get("level") or "",
            organisation_id=_pk("organisation"),
            community_id=_pk("community"),
        )
