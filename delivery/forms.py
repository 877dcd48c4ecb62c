from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.periods import Quarter

from .models import ActionStatus, RiskRating
from .services import ITEM_LIMIT, PROGRESS_LIMIT, ActionFields

RISK_ROWS = 3
STEP_ROWS = 4


class ActionForm(forms.Form):
    name = forms.CharField(label=_("Action"), max_length=400)
    description = forms.CharField(
        label=_("What it involves"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, required=False, empty_value=None
    )
    lead_agencies = forms.TypedMultipleChoiceField(
        label=_("Lead agencies"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_person = forms.TypedChoiceField(
        label=_("Lead person"), coerce=int, required=False, empty_value=None
    )
    start_quarter = forms.ChoiceField(label=_("Starts"), required=False)
    due_quarter = forms.ChoiceField(label=_("Due"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    outcomes = forms.TypedMultipleChoiceField(
        label=_("Outcomes it serves"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.TypedMultipleChoiceField(
        label=_("Measures it serves"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices: dict, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        none = [("", _("None"))]
        self.fields["priority"].choices = none + choices["priorities"]
        self.fields["lead_agencies"].choices = choices["organisations"]
        self.fields["lead_person"].choices = none + choices["people"]
        self.fields["outcomes"].choices = choices["outcomes"]
        self.fields["measures"].choices = choices["measures"]
        quarter_choices = [("", _("Not set"))] + [(q.key, q.label) for q in quarters]
        self.fields["start_quarter"].choices = quarter_choices
        self.fields["due_quarter"].choices = quarter_choices
        self.start_month = quarters[0].start_month if quarters else 4

    def _quarter(self, key: str) -> Quarter | None:
        return Quarter.parse_key(key, self.start_month) if key else None

    def action_fields(self) -> ActionFields:
        data = self.cleaned_data
        return ActionFields(
            name=data["name"],
            description=data["description"],
            priority_id=data["priority"],
            lead_agency_ids=tuple(data["lead_agencies"]),
            lead_person_id=data["lead_person"],
            start_quarter=self._quarter(data["start_quarter"]),
            due_quarter=self._quarter(data["due_quarter"]),
            status=data["status"],
            outcome_ids=tuple(data["outcomes"]),
            measure_ids=tuple(data["measures"]),
        )


class UpdateForm(forms.Form):
    """A quarter's update: progress, a few rated risks, a few next steps."""

    status = forms.ChoiceField(
        label=_("Status this quarter"), choices=ActionStatus.choices
    )
    progress = forms.CharField(
        label=_("Progress"),
        max_length=PROGRESS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = [("", _("Rating"))] + list(RiskRating.choices)
        for i in range(RISK_ROWS):
            self.fields[f"risk_{i}"] = forms.CharField(
                label=_("Risk %(n)s") % {"n": i + 1},
                required=False,
                max_length=ITEM_LIMIT,
            )
            self.fields[f"rating_{i}"] = forms.ChoiceField(
                label=_("Rating of risk %(n)s") % {"n": i + 1},
                choices=ratings,
                required=False,
            )
        for i in range(STEP_ROWS):
            self.fields[f"step_{i}"] = forms.CharField(
                label=_("Next step %(n)s") % {"n": i + 1},
                required=False,
                max_length=ITEM_LIMIT,
            )
            self.fields[f"timescale_{i}"] = forms.CharField(
                label=_("Timescale of step %(n)s") % {"n": i + 1},
                required=False,
                max_length=200,
            )

    @staticmethod
    def initial_for(update) -> dict:
        if update is None:
            return {}
        initial = {"status": update.status, "progress": update.progress}
        for i, risk in enumerate(update.risks[:RISK_ROWS]):
            initial[f"risk_{i}"] = risk.get("risk", "")
            initial[f"rating_{i}"] = risk.get("rating", "")
        for i, step in enumerate(update.next_steps[:STEP_ROWS]):
            initial[f"step_{i}"] = step.get("step", "")
            initial[f"timescale_{i}"] = step.get("timescale", "")
        return initial

    def clean(self):
        data = super().clean()
        for i in range(RISK_ROWS):
            if data.get(f"risk_{i}") and not data.get(f"rating_{i}"):
                self.add_error(f"rating_{i}", _("Give the risk a rating."))
            if data.get(f"rating_{i}") and not data.get(f"risk_{i}"):
                self.add_error(f"risk_{i}", _("Say what the risk is."))
        for i in range(STEP_ROWS):
            if data.get(f"timescale_{i}") and not data.get(f"step_{i}"):
                self.add_error(f"step_{i}", _("Say what the next step is."))
        return data

    def risk_rows(self):
        return [(self[f"risk_{i}"], self[f"rating_{i}"]) for i in range(RISK_ROWS)]

    def step_rows(self):
        return [(self[f"step_{i}"], self[f"timescale_{i}"]) for i in range(STEP_ROWS)]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "progress": data["progress"],
            "risks": [
                {"risk": data[f"risk_{i}"], "rating": data[f"rating_{i}"]}
                for i in range(RISK_ROWS)
            ],
            "next_steps": [
                {"step": data[f"step_{i}"], "timescale": data[f"timescale_{i}"]}
                for i in range(STEP_ROWS)
            ],
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you returning it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
