from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import Question, ValueType
from partnerships.text_limits import LONG_TEXT


class NetworkForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_cy = forms.CharField(label=_("Name (Welsh)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )
    description_cy = forms.CharField(
        label=_("Description (Welsh)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )


class InviteForm(forms.Form):
    partnership = forms.TypedChoiceField(label=_("Partnership"), coerce=int)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [("", _("Choose…"))] + [
            (p.pk, p.name) for p in partnerships
        ]


class SharedMeasureForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=300)
    name_cy = forms.CharField(label=_("Name (Welsh)"), max_length=300, required=False)
    question = forms.ChoiceField(label=_("RBA question"), choices=Question.choices)
    value_type = forms.ChoiceField(label=_("Kind of value"), choices=ValueType.choices)
    definition_en = forms.CharField(
        label=_("Definition (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )
    definition_cy = forms.CharField(
        label=_("Definition (Welsh)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        required=False,
    )
    data_source_en = forms.CharField(
        label=_("Data source guidance (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
        required=False,
    )
    data_source_cy = forms.CharField(
        label=_("Data source guidance (Welsh)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
        required=False,
    )


class AdoptionForm(forms.Form):
    """Link one of the partnership's measures, or make a new one from the
    shared definition; and whether to share its figures."""

    NEW = "new"

    measure = forms.ChoiceField(label=_("Your measure"))
    new_code = forms.CharField(
        label=_("Code for the new measure"), max_length=20, required=False
    )
    new_priority = forms.TypedChoiceField(
        label=_("Priority of the new measure"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    is_shared = forms.BooleanField(
        label=_("Share this measure's figures with the network"),
        required=False,
        help_text=_(
            "Members of the network then see its figures by quarter (small "
            "numbers withheld), its curve and its turn-the-curve stories."
        ),
    )

    def __init__(self, *args, measures, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            ("", _("Choose…")),
            *measures,
            (self.NEW, _("A new measure made from the shared definition")),
        ]
        self.fields["new_priority"].choices = [("", _("Choose…")), *priorities]

    def clean(self):
        data = super().clean()
        if data.get("measure") == self.NEW:
            if not (data.get("new_code") or "").strip():
                self.add_error("new_code", _("Give the new measure a code."))
            if not data.get("new_priority"):
                self.add_error("new_priority", _("Choose the new measure's priority."))
        return data
