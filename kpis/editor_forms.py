"""The strategy editor's forms.

ModelForms for their fields and labels only: the services validate and save
(``_post_clean`` does not touch the instance), so a form and the API refuse
the same things with the same messages. A translated column (``name_cy``,
``definition_cy``...) is added to a form by listing it in ``Meta.fields``.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outcomes.models import Mission, Outcome, Priority
from partnerships.models import Partnership, User

from .forms import ServiceErrorsMixin
from .models import Dimension, PerformanceMeasure
from .periods import KEY_PATTERN, Quarter, year_label


class ServiceForm(ServiceErrorsMixin, forms.ModelForm):
    def _post_clean(self) -> None:
        """The service validates and saves; the instance stays as stored."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MissionForm(ServiceForm):
    class Meta:
        model = Mission
        fields = ["statement", "target_year", "description"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}


class PriorityForm(ServiceForm):
    class Meta:
        model = Priority
        fields = ["name", "mission_statement", "position"]
        labels = {"position": pgettext_lazy("position in a list", "Order")}
        widgets = {"mission_statement": forms.Textarea(attrs={"rows": 2})}


class OutcomeForm(ServiceForm):
    class Meta:
        model = Outcome
        fields = ["statement", "priority", "horizon", "what_it_looks_like", "position"]
        labels = {"position": pgettext_lazy("position in a list", "Order")}
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "what_it_looks_like": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(
            partnership=partnership
        )
        self.fields["priority"].empty_label = _("None: under the mission")


def target_years(partnership: Partnership, today_year: int, seen: set[int]) -> list:
    """The years the editor offers a target for: those with a target or
    figures, and the current one and four after it (a strategy's span)."""
    return sorted(seen | set(range(today_year, today_year + 5)))


class MeasureForm(ServiceForm):
    baseline_quarter = forms.RegexField(
        label=_("Quarter of the baseline"),
        regex=KEY_PATTERN,
        required=False,
        help_text=_("As year-quarter, e.g. 2023-4 for the fourth quarter of 2023."),
        error_messages={"invalid": _("Give the quarter as YYYY-Q, e.g. 2023-4.")},
    )
    due = forms.RegexField(
        label=_("Due quarter (milestones)"),
        regex=KEY_PATTERN,
        required=False,
        help_text=_(
            "As year-quarter, e.g. 2026-3. A milestone not done is on track "
            "until this quarter ends, then off track."
        ),
        error_messages={"invalid": _("Give the quarter as YYYY-Q, e.g. 2026-3.")},
    )
    leads = forms.ModelMultipleChoiceField(
        label=_("Leads"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The partnership's project leads and admins who report it."),
    )

    class Meta:
        model = PerformanceMeasure
        fields = [
            "code",
            "name",
            "question",
            "value_type",
            "unit",
            "direction",
            "is_headline",
            "counts_people",
            "aggregation",
            "annual_target",
            "baseline_value",
            "definition",
            "data_source",
            "breakdown_first",
            "breakdown_second",
            "change_threshold",
            "priority",
            "outcome",
            "position",
        ]
        labels = {
            "annual_target": _("Target for any other year"),
            "position": pgettext_lazy("position in a list", "Order"),
        }
        help_texts = {
            "annual_target": _(
                "Used for a year without its own target below. Years already "
                "reported keep the target they were judged against."
            ),
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args,
        partnership: Partnership,
        years: list[int],
        members,
        **kwargs,
    ):
        instance = kwargs.get("instance")
        initial = kwargs.setdefault("initial", {})
        if instance is not None and instance.pk:
            initial.setdefault(
                "baseline_quarter",
                instance.baseline_period.as_quarter.key
                if instance.baseline_period_id
                else "",
            )
            initial.setdefault(
                "due",
                f"{instance.due_year}-{instance.due_quarter}"
                if instance.due_year
                else "",
            )
            initial.setdefault("leads", list(instance.leads.all()))
            for year in years:
                own = dict(
                    zip(
                        getattr(instance, "target_years", None) or [],
                        getattr(instance, "target_values", None) or [],
                        strict=True,
                    )
                )
                initial.setdefault(f"target_{year}", own.get(year))
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.years = years
        self.fields["priority"].queryset = Priority.objects.filter(
            partnership=partnership
        )
        self.fields["outcome"].queryset = Outcome.objects.filter(
            partnership=partnership
        )
        for name in ("breakdown_first", "breakdown_second"):
            self.fields[name].queryset = Dimension.objects.filter(
                partnership=partnership
            )
        self.fields["leads"].queryset = members
        start = partnership.reporting_year_start_month
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=_("Target for %(year)s") % {"year": year_label(year, start)},
                required=False,
                max_digits=14,
                decimal_places=2,
            )

    @property
    def target_fields(self):
        return [self[f"target_{year}"] for year in self.years]

    @property
    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def baseline_as_quarter(self) -> Quarter | None:
        key = self.cleaned_data.get("baseline_quarter")
        if not key:
            return None
        return Quarter.parse_key(key, self.partnership.reporting_year_start_month)

    def due_fields(self) -> dict:
        """The due quarter as the model holds it (a year and a quarter)."""
        key = self.cleaned_data.get("due")
        if not key:
            return {"due_year": None, "due_quarter": None}
        due = Quarter.parse_key(key, self.partnership.reporting_year_start_month)
        return {"due_year": due.year, "due_quarter": due.quarter}

    def targets(self) -> dict:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}

    def add_service_errors(self, error) -> None:
        """A year's target refused goes beside that year's field."""
        by_year = getattr(error, "error_dict", {}).pop("targets", [])
        for item in by_year:
            year = (item.params or {}).get("year")
            name = f"target_{year}"
            self.add_error(name if name in self.fields else None, item.messages)
        if getattr(error, "error_dict", None) or not hasattr(error, "error_dict"):
            super().add_service_errors(error)

    def add_service_error(self, name: str, messages: list[str]) -> None:
        if name == "baseline_period":
            name = "baseline_quarter"
        if name in ("due_year", "due_quarter"):
            name = "due"
        if name == "targets":
            name = None
        super().add_service_error(name, messages)


MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


# How far back the first reporting quarter can be chosen on the page (the
# API takes any quarter from 1990).
FIRST_QUARTER_CHOICES_BACK = 40


class PartnershipSettingsForm(ServiceForm):
    reporting_year_start_month = forms.TypedChoiceField(
        label=_("Reporting year starts in"), choices=MONTHS, coerce=int
    )
    # The model holds it as a year and a quarter; the form as one "YYYY-Q".
    # Left out of a form (an older page), the setting stays as it is.
    first_reporting_quarter = forms.ChoiceField(
        label=_("First reporting quarter"),
        required=False,
        help_text=_(
            "Quarters before it take no figures and are never missing or overdue."
        ),
    )

    class Meta:
        model = Partnership
        fields = [
            "name",
            "reporting_year_start_month",
            "first_reporting_quarter",
            "area_code",
            "comparator_area_code",
        ]

    def __init__(self, *args, first: Quarter, **kwargs):
        super().__init__(*args, **kwargs)
        start = first.start_month
        current = Quarter.containing(timezone.localdate(), start)
        quarters = current.back(FIRST_QUARTER_CHOICES_BACK)
        if first not in quarters:
            quarters.append(first)
        self.fields["first_reporting_quarter"].choices = [
            (q.key, q.label) for q in sorted(quarters, reverse=True)
        ]
        self.initial["first_reporting_quarter"] = first.key


class MemberSecondFactorForm(forms.Form):
    members_need_second_factor = forms.BooleanField(
        label=_("Every member must use two-step sign-in"), required=False
    )
