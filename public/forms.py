from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_THRESHOLD, MIN_THRESHOLD


class PublicationForm(forms.Form):
    """Turns the publishing page's fields into the service's arguments."""

    is_published = forms.BooleanField(
        label=_("Publish the public page"),
        required=False,
        help_text=_("Anyone can read it, without signing in."),
    )
    threshold = forms.IntegerField(
        label=_("Smallest count shown"),
        min_value=MIN_THRESHOLD,
        max_value=MAX_THRESHOLD,
        help_text=_(
            "Counts below this show as “fewer than …” on the public page, in "
            "embeds and in the open data; percentages of fewer people are "
            "withheld, and so are the figures that would let someone work "
            "them out. Your own pages keep the true figures."
        ),
        error_messages={
            "required": _("Give the smallest count to show."),
            "invalid": _("Give a whole number, like 5."),
            "min_value": _("Give %(limit_value)s or more."),
            "max_value": _("Give %(limit_value)s or less."),
        },
    )
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priorities"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.TypedMultipleChoiceField(
        label=_("Measures"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reports = forms.TypedMultipleChoiceField(
        label=_("Annual reports"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each report is published as its public edition: the same report "
            "with small numbers withheld as on the public page, made in the "
            "background and listed on the page once it is ready."
        ),
    )

    def __init__(self, *args, priorities=(), measures=(), reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].choices = priorities
        self.fields["measures"].choices = measures
        self.fields["reports"].choices = reports
