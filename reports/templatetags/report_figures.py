"""The report's words about a year's figure that the year summary leaves out."""

from django import template

from reports.annual import pro_rata_note as _pro_rata_note

register = template.Library()


@register.filter
def pro_rata_note(year) -> str:
    """ "225 for the 3 quarters reported", or "" (``annual.pro_rata_note``)."""
    return _pro_rata_note(year)
