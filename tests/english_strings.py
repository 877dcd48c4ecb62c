"""The interface's English, as the Welsh catalogue knows it, for the checks
that a Welsh page or document shows none of it."""

import re
from functools import cache

import polib
from django.conf import settings

# Placeholders and markup split a msgid into the literal runs people read.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[^}]*\}|<[^>]*>|%%")


def _catalogue():
    return polib.pofile(
        str(settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    )


def _differs(entry) -> bool:
    return entry.msgstr.strip() != entry.msgid.strip()


@cache
def english_strings() -> tuple[str, ...]:
    """The interface's English sentences: msgids of three words or more,
    without placeholders or markup, whose Welsh is not the same."""
    found = []
    for entry in _catalogue():
        if entry.obsolete or entry.msgid_plural or not entry.msgstr:
            continue
        text = entry.msgid
        if re.search(r"[%{<]", text) or len(text.split()) < 3:
            continue
        if not _differs(entry):
            continue
        found.append(" ".join(text.split()))
    return tuple(found)


@cache
def english_runs(min_words: int = 4) -> tuple[str, ...]:
    """Besides those, the literal runs of ``min_words`` words or more between
    the placeholders of every msgid (plurals too) whose Welsh differs: the
    English of a sentence with data in it ("…reported; not done yet in")."""
    found = set(english_strings())
    for entry in _catalogue():
        if entry.obsolete:
            continue
        translated = entry.msgstr_plural or {0: entry.msgstr}
        if not any(translated.values()):
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            for run in PLACEHOLDER.split(msgid):
                words = run.split()
                if len(words) < min_words:
                    continue
                text = " ".join(words)
                if any(text in " ".join(s.split()) for s in translated.values()):
                    continue
                found.add(text)
    return tuple(sorted(found))
