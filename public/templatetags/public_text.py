"""``{{ text|shown }}``: a published copy's text, marked ``lang`` when it is
the English fallback on a Welsh page (as ``{% bilingual %}`` does)."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.filter
def shown(text: dict | None, linebreaks: bool = False):
    if not text:
        return ""
    value = text.get("text", "")
    html = (
        linebreaksbr(value, autoescape=True)
        if linebreaks
        else conditional_escape(value)
    )
    if text.get("lang"):
        return format_html('<span lang="{}">{}</span>', text["lang"], html)
    return html


@register.filter
def get_measure(measures: dict, pk) -> dict:
    return measures.get(str(pk), {})
