"""A form renderer that writes plain inputs in Python.

Django renders every widget through a template (``input.html`` including
``attrs.html``): on the admin's My measures, 150 forms of four widgets each,
that was most of the page's time. This renderer writes the HTML of the
plain inputs (text, hidden, textarea) itself, character for character what
Django's templates write (tests/partnerships/test_form_renderer.py compares
the two for every widget of the entry form), and hands every other template
(radio buttons, selects, the form and field layouts) to Django's.
"""

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _attrs(attrs: dict) -> str:
    """What ``django/forms/widgets/attrs.html`` writes."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"'
        f"{_attrs(widget['attrs'])}>\n"
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _option(widget: dict) -> str | None:
    """A radio button or checkbox of a list, unless its label wraps it."""
    return None if widget.get("wrap_label") else _input(widget)


PLAIN: dict[str, Callable[[dict], str | None]] = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/radio_option.html": _option,
}


class PlainInputRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        plain = PLAIN.get(template_name)
        html = plain(context["widget"]) if plain else None
        if html is None:
            return super().render(template_name, context, request)
        # Django's renderer strips what the template writes.
        return html.strip()
