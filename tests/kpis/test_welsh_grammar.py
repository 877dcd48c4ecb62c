"""Sentences that join or name data read right in Welsh: "a"/"ac" before a
breakdown's name, quarters in Welsh, no placeholder given a pre-mutated word."""

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from kpis.rules import missing_note


def render(source: str, **context) -> str:
    return Template("{% load breakdown_labels %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("second", "welsh"),
    [
        ("Oedran", "Dadansoddiad yn ôl Rhyw ac Oedran"),
        ("Rhyw", "Dadansoddiad yn ôl Oedran a Rhyw"),
        # "a" would make it "a Chategori", which a name cannot be given.
        ("Categori", "Dadansoddiad yn ôl Oedran ac yn ôl Categori"),
    ],
)
def test_the_breakdown_legend_picks_a_or_ac_by_the_second_name(second, welsh):
    first = "Rhyw" if second == "Oedran" else "Oedran"
    with translation.override("cy"):
        assert render("{% breakdown_by a b %}", a=first, b=second) == welsh
    with translation.override("en-gb"):
        assert render("{% breakdown_by a b %}", a=first, b=second) == (
            f"Breakdown by {first} and {second}"
        )


def test_the_breakdown_caption_picks_a_or_ac_and_one_name_stands_alone():
    with translation.override("cy"):
        assert render(
            "{% quarter_by q a b %}", q="2026/27 Ch2", a="Rhyw", b="Ardal"
        ) == ("2026/27 Ch2 yn ôl Rhyw ac Ardal")
        assert render("{% quarter_by q a b %}", q="2026/27 Ch2", a="Rhyw", b="") == (
            "2026/27 Ch2 yn ôl Rhyw"
        )
        assert render("{% breakdown_by a %}", a="Rhyw") == "Dadansoddiad yn ôl Rhyw"


def test_a_name_in_a_label_is_escaped():
    with translation.override("en-gb"):
        assert render("{% breakdown_by a b %}", a="<b>", b="Sex") == (
            "Breakdown by &lt;b&gt; and Sex"
        )


def test_missing_quarters_are_named_in_welsh():
    with translation.override("cy"):
        assert missing_note([1, 3]) == "Heb adrodd ar Ch1 a Ch3"
        assert missing_note([1, 2, 4]) == "Heb adrodd ar Ch1, Ch2 a Ch4"
    with translation.override("en-gb"):
        assert missing_note([1, 2, 4]) == "Q1, Q2 and Q4 not reported"


def test_every_and_that_joins_data_has_a_welsh_version_per_case():
    """Each "and before ..." entry has its siblings, each translated as its
    context says: "ac" before a vowel, "a" before a consonant."""
    catalogue = polib.pofile(
        str(settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    )
    by_context: dict[str, dict[str, str]] = {}
    for entry in catalogue:
        if not entry.obsolete and (entry.msgctxt or "").startswith("and before"):
            by_context.setdefault(entry.msgid, {})[entry.msgctxt] = entry.msgstr
    assert len(by_context) >= 3
    for msgid, versions in by_context.items():
        assert {"and before a vowel", "and before a consonant"} <= set(versions), msgid
        assert " ac " in versions["and before a vowel"], msgid
        assert " a " in versions["and before a consonant"], msgid
        assert " ac " not in versions["and before a consonant"], msgid


def test_no_placeholder_default_is_translated_pre_mutated():
    """A default put in a placeholder ("by {{ who }}") would have to be
    translated already mutated ("weinyddwr", "rywun"); such cases are whole
    sentences instead, so these msgids are gone from the catalogue."""
    catalogue = polib.pofile(
        str(settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    )
    live = {entry.msgid for entry in catalogue if not entry.obsolete}
    for default in ("an admin", "An admin", "someone", "Someone"):
        assert default not in live, default
