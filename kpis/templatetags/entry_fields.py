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

from partnerships.templatetags.bilingual import bilingual

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


def _summary_labels(context: template.Context) -> dict:
    """The words every summary line repeats, translated once a page."""
    labels = context.render_context.get("entry_summary_labels")
    if labels is None:
        labels = context.render_context["entry_summary_labels"] = {
            "this_quarter": conditional_escape(_("This quarter")),
            "last_quarter": conditional_escape(_("Last quarter")),
            "see": conditional_escape(_("See the figure")),
            "change": conditional_escape(_("Change the figure")),
            "enter": conditional_escape(_("Enter the figure")),
            "displays": {},
        }
    return labels


def _display(labels: dict, thing, name: str) -> str:
    """``get_<name>_display()``, escaped, once a page for each choice."""
    key = (name, getattr(thing, name))
    shown = labels["displays"].get(key)
    if shown is None:
        shown = labels["displays"][key] = conditional_escape(
            getattr(thing, f"get_{name}_display")()
        )
    return shown


@register.simple_tag(takes_context=True)
def entry_summary(context: template.Context, row) -> SafeString:
    """A measure of a long list on My measures as one line: its name, code,
    kind and state, its figures this quarter and last, and a link that opens
    its form, in place with htmx or as the page with that form open (the
    filter kept). 150 lines for an admin: written here, not by a template."""
    labels = _summary_labels(context)
    measure = row.measure
    pk = measure.pk
    name = bilingual(measure, "name")
    key = conditional_escape(context["quarter_key"])
    entry_filter = context.get("filter")
    kept = ""
    if entry_filter and entry_filter.show:
        kept += f"&amp;show={conditional_escape(entry_filter.show)}"
    if entry_filter and entry_filter.priority:
        kept += f"&amp;priority={entry_filter.priority}"
    if not row.editable:
        action = labels["see"]
    elif row.current:
        action = labels["change"]
    else:
        action = labels["enter"]
    status = row.status
    status_label = labels["displays"].get(("status", status))
    if status_label is None:
        status_label = labels["displays"][("status", status)] = conditional_escape(
            row.status_label
        )
    return mark_safe(  # noqa: S308
        f'<div id="measure-{pk}" class="entry entry--summary" role="group" '
        f'aria-labelledby="measure-{pk}-name">\n'
        f'<div class="entry__head">\n'
        f'<h2 class="entry__name" id="measure-{pk}-name">{name}</h2>\n'
        f'<p class="muted small">{conditional_escape(measure.code)} · '
        f"{_display(labels, measure, 'question')} · "
        f"{_display(labels, measure, 'value_type')} · "
        f'<span class="review review--{status}">{status_label}</span></p>\n'
        f"</div>\n"
        f'<dl class="entry__context">'
        f"<div><dt>{labels['this_quarter']}</dt>"
        f"<dd>{conditional_escape(row.current_display)}</dd></div>"
        f"<div><dt>{labels['last_quarter']}</dt>"
        f"<dd>{conditional_escape(row.previous_display)}</dd></div></dl>\n"
        f'<a class="button button--secondary" '
        f'href="?quarter={key}{kept}&amp;open={pk}#measure-{pk}" '
        f'hx-get="?quarter={key}&amp;open={pk}" hx-target="#measure-{pk}" '
        f'hx-swap="outerHTML">{action}'
        f'<span class="visually-hidden"> {name}</span></a>\n'
        f"</div>"
    )
