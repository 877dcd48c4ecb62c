"""A breakdown's label, "Breakdown by Age group and Sex", right in Welsh.

The second name follows "and", which Welsh writes "ac" or "a" by how the name
begins (partnerships/conjunctions.py), so each label has a version per case,
told apart by pgettext context (written out: makemessages reads literals).
"""

from django import template
from django.utils.translation import gettext, pgettext

from partnerships import conjunctions

register = template.Library()


@register.simple_tag
def breakdown_by(first, second=None) -> str:
    """The entry grid's legend: "Breakdown by Age group (and Sex)"."""
    if not second:
        return gettext("Breakdown by %(a)s") % {"a": first}
    values = {"a": first, "b": second}
    form = conjunctions.welsh_and(str(second))
    if form == conjunctions.AND_BEFORE_VOWEL:
        # Translators: %(b)s begins with a vowel: Welsh "ac".
        text = pgettext("and before a vowel", "Breakdown by %(a)s and %(b)s")
    elif form == conjunctions.AND_BEFORE_C_P_T:
        # Translators: %(b)s begins with c, p or t, which "a" would mutate and
        # a name cannot be: keep it away from "a" ("ac yn ôl %(b)s").
        text = pgettext("and before c, p or t", "Breakdown by %(a)s and %(b)s")
    else:
        # Translators: %(b)s begins with a consonant other than c, p or t:
        # Welsh "a".
        text = pgettext("and before a consonant", "Breakdown by %(a)s and %(b)s")
    return text % values


@register.simple_tag
def quarter_by(quarter, first, second=None) -> str:
    """A breakdown table's caption: "2026/27 Q2 by Age group (and Sex)"."""
    if not second:
        return gettext("%(q)s by %(a)s") % {"q": quarter, "a": first}
    values = {"q": quarter, "a": first, "b": second}
    form = conjunctions.welsh_and(str(second))
    if form == conjunctions.AND_BEFORE_VOWEL:
        # Translators: %(b)s begins with a vowel: Welsh "ac".
        text = pgettext("and before a vowel", "%(q)s by %(a)s and %(b)s")
    elif form == conjunctions.AND_BEFORE_C_P_T:
        # Translators: %(b)s begins with c, p or t, which "a" would mutate and
        # a name cannot be: keep it away from "a" ("ac yn ôl %(b)s").
        text = pgettext("and before c, p or t", "%(q)s by %(a)s and %(b)s")
    else:
        # Translators: %(b)s begins with a consonant other than c, p or t:
        # Welsh "a".
        text = pgettext("and before a consonant", "%(q)s by %(a)s and %(b)s")
    return text % values
