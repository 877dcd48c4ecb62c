from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import Question, ValueType
from partnerships.text_limits import LONG_TEXT


def in_both_languages(
    english, welsh, *, rows=None, max_length=LONG_TEXT, required=False
):
    """A text field and its Welsh twin, alike but for their labels (each a
    whole string for the translator). The Welsh is never required."""

    def field(label, required):
        widget = forms.Textarea(attrs={"rows": rows}) if rows else None
        return forms.CharField(
            label=label, widget=widget, max_length=max_length, required=required
        )

    return field(english, required), field(welsh, False)


class NetworkForm(forms.Form):
    name_en, name_cy = in_both_languages(
        _("Name (English)"), _("Name (Welsh)"), max_length=200, required=True
    )
    description_en, description_cy = in_both_languages(
        _("Description (English)"), _("Description (Welsh)"), rows=3
    )


class InviteForm(forms.Form):
    partnership = forms.TypedChoiceField(label=_("Partnership"), coerce=int)

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [("", _("Choose…"))] + [
            (p.pk, p.name) for p in partnerships
        ]


class SharedMeasureForm(forms.Form):
    name_en, name_cy = in_both_languages(
        _("Name (English)"), _("Name (Welsh)"), max_length=300, required=True
    )
    question = forms.ChoiceField(label=_("RBA question"), choices=Question.choices)
    value_type = forms.ChoiceField(label=_("Kind of value"), choices=ValueType.choices)
    definition_en, definition_cy = in_both_languages(
        _("Definition (English)"), _("Definition (Welsh)"), rows=3
    )
    data_source_en, data_source_cy = in_both_languages(
        _("Data source guidance (English)"), _("Data source guidance (Welsh)"), rows=2
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
