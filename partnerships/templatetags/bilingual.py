"""``{% bilingual obj "field" %}``: the text in the page's language.

Where the Welsh text is missing a Welsh page shows the English one as
``<span lang="en">…</span>``, so that screen readers switch voice; otherwise
just the (escaped) text. ``words=18`` truncates like ``truncatewords``;
``linebreaks=True`` keeps line breaks as ``<br>``.
"""

from django import template
from django.template.defaultfilters import linebreaksbr, truncatewords
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from partnerships.bilingual import content_language, text_for

register = template.Library()


@register.simple_tag
def bilingual(obj, field: str, words: int | None = None, linebreaks: bool = False):
    text = text_for(obj, field)
    value = text.text
    if words:
        value = truncatewords(value, words)
    html = (
        linebreaksbr(value, autoescape=True)
        if linebreaks
        else conditional_escape(value)
    )
    if text.fallback_language:
        return format_html('<span lang="{}">{}</span>', text.fallback_language, html)
    return html


@register.simple_tag
def welsh_unconfirmed(obj):
    """On a Welsh page, the mark of a Welsh name not yet checked."""
    text = text_for(obj, "name")
    if (
        content_language() == "cy"
        and not text.fallback_language
        and getattr(obj, "welsh_confirmed", True) is False
    ):
        return format_html(
            ' <span class="tag tag--unconfirmed">{}</span>',
            _("Welsh name unconfirmed"),
        )
    return ""
