"""``{% entry_field field %}``: one field of a figure's entry form, written in
Python.

My measures shows one form per measure, 150 for an admin, and including
``includes/field.html`` (or the radio fieldset) for each of their fields was
most of the page's time. This tag writes the same HTML, a label, the hint,
the messages beside the field and the input, without a template per field
(tests/kpis/test_entry_fields.py compares it with the templates it replaces,
bound and unbound, with and without errors, for every kind of value).
"""

from django import template
from django.forms import BoundField, RadioSelect
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    prefix = _("Error:")
    messages = "".join(
        f'<span class="visually-hidden">{conditional_escape(prefix)} </span>'
        f"{conditional_escape(error)} "
        for error in field.errors
    )
    return f'<p class="field-error" id="{field.auto_id}_error">{messages}</p>'


def _radio(field: BoundField, error_class: str) -> str:
    options = "".join(
        f'<label class="radio">{radio.tag()} {conditional_escape(radio.choice_label)}'
        "</label>"
        for radio in field
    )
    return (
        f'<fieldset class="field{error_class}">\n'
        f"<legend>{conditional_escape(field.label)}</legend>\n"
        f"{_errors(field)}\n{options}\n</fieldset>"
    )


@register.simple_tag
def entry_field(field: BoundField) -> SafeString:
    error_class = " field--error" if field.errors else ""
    if isinstance(field.field.widget, RadioSelect):
        return mark_safe(_radio(field, error_class))  # noqa: S308
    hint = (
        f'<p class="hint" id="{field.auto_id}_helptext">'
        f"{conditional_escape(field.help_text)}</p>\n"
        if field.help_text
        else ""
    )
    return mark_safe(  # noqa: S308
        f'<div class="field{error_class}">\n'
        f'<label for="{field.id_for_label}">{conditional_escape(field.label)}</label>\n'
        f"{hint}{_errors(field)}\n{field}\n</div>"
    )
