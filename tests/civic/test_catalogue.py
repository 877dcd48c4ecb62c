"""The Welsh catalogue is complete, and the check that says so fails when it
is not: an untranslated or fuzzy entry, a msgid makemessages would add, an
English string in a template outside the translation tags."""

import shutil
from pathlib import Path

import polib
import pytest

from civic import catalogue_check

CATALOGUE = catalogue_check.ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def test_the_welsh_catalogue_is_complete():
    problems = catalogue_check.all_problems()
    assert problems == [], "\n".join(map(str, problems))


@pytest.fixture
def catalogue_copy(tmp_path) -> Path:
    copy = tmp_path / "django.po"
    shutil.copy(CATALOGUE, copy)
    return copy


def test_the_check_fails_on_one_untranslated_entry(catalogue_copy):
    catalogue = polib.pofile(str(catalogue_copy))
    entry = catalogue.find("Dashboard")
    entry.msgstr = ""
    catalogue.save()

    problems = catalogue_check.untranslated([catalogue_copy])
    assert [p.what for p in problems] == ["untranslated: 'Dashboard'"]


def test_the_check_fails_on_one_fuzzy_entry(catalogue_copy):
    catalogue = polib.pofile(str(catalogue_copy))
    catalogue.find("Dashboard").flags.append("fuzzy")
    catalogue.save()

    problems = catalogue_check.untranslated([catalogue_copy])
    assert [p.what for p in problems] == ["fuzzy: 'Dashboard'"]


def test_the_check_fails_on_a_lost_placeholder(catalogue_copy):
    catalogue = polib.pofile(str(catalogue_copy))
    entry = next(
        e for e in catalogue if "%(quarter)s" in e.msgid and not e.msgid_plural
    )
    entry.msgstr = "Dim lle i'r chwarter"
    catalogue.save()

    problems = catalogue_check.untranslated([catalogue_copy])
    assert problems and all(p.what.startswith("msgfmt:") for p in problems)


def test_the_check_fails_on_a_msgid_the_catalogue_lacks(tmp_path):
    root = tmp_path / "src"
    shutil.copytree(catalogue_check.ROOT, root, ignore=catalogue_check.COPY_IGNORE)
    page = root / "templates" / "partnerships" / "new_page.html"
    page.write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody has translated" %}</p>\n'
    )

    problems = catalogue_check.missing_msgids(root)
    assert [p.what.split(" (")[0] for p in problems] == [
        "lacks 'A sentence nobody has translated'"
    ]


def test_the_check_fails_on_english_outside_the_translation_tags(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}\n"
        '<h1>{% translate "Dashboard" %}</h1>\n'
        "<p>Figures for {{ quarter }}</p>\n"
        '<img src="x.png" alt="Trend chart">\n'
        '<a href="/" aria-label="{% translate \'Home\' %}">{{ name }}</a>\n'
        "{% blocktranslate %}Due by {{ deadline }}{% endblocktranslate %}\n"
        "{# a note for developers #}<span>Civic</span> · 2026\n"
    )
    email = tmp_path / "email.txt"
    email.write_text('{% load i18n %}{% translate "Hello" %}\nThank you,\n{{ url }}\n')

    problems = catalogue_check.unmarked_template_text([page, email], root=tmp_path)
    assert [str(p) for p in problems] == [
        "page.html:3: not translated: 'Figures for …'",
        "page.html:4: not translated: 'alt=\"Trend chart\"'",
        "email.txt:2: not translated: 'Thank you,'",
    ]
