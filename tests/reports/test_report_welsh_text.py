"""The Welsh annual report shows none of the interface's English.

As tests/browser/test_welsh_walk.py does for pages: the text extracted from
the PDF (pypdf), the Welsh part of a bilingual report on its own, holds no
catalogue msgid of three words or more (nor a run of four words or more from
a msgid with data in it) whose Welsh differs. Text the document marks as
another language is left out first: the partnership's own texts still
awaiting Welsh (``lang="en"``) and the cover's link to the English part.
"""

import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from reports.annual import annual_report_document, render_pdf
from reports.models import ReportLanguage
from tests.english_strings import english_runs

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr"}


class MarkedText(HTMLParser):
    """The texts of elements marked as a language other than Welsh, outside
    a bilingual report's English part (which the check leaves out whole)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None, bool]] = []
        self.texts: list[str] = []
        self.current: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = attrs.get("lang")
        english_part = "report-part" in (attrs.get("class") or "") and lang != "cy"
        skipping = english_part or (bool(self.stack) and self.stack[-1][2])
        marked = lang is not None and not lang.startswith("cy")
        self.stack.append((tag, lang, skipping))
        self.current.append([] if marked and not skipping else None)

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        self.stack.pop()
        pieces = self.current.pop()
        if pieces is not None:
            self.texts.append(" ".join("".join(pieces).split()))

    def handle_data(self, data):
        for pieces in self.current:
            if pieces is not None:
                pieces.append(data)


def marked_texts(html: str) -> list[str]:
    parser = MarkedText()
    parser.feed(html)
    return sorted(filter(None, parser.texts), key=len, reverse=True)


def english_in(text: str, marked: list[str]) -> list[str]:
    """The interface's English strings in ``text``, once the texts marked as
    English are taken out."""
    flat = " ".join(text.split())
    for other in marked:
        flat = flat.replace(other, " ")
    return [english for english in english_runs() if english in flat]


def welsh_pages(content: bytes) -> list[str]:
    """The Welsh pages: all of a Welsh report, a bilingual one's first part
    (up to the English cover)."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    for number, page in enumerate(pages[1:], 1):
        flat = " ".join(page.split())
        if "ANNUAL REPORT" in flat.upper() and "Reporting year" in flat:
            return pages[:number]
    return pages


def test_the_check_finds_the_interface_english_and_spares_what_is_marked():
    assert english_in("Cynnwys How to read this report", []) == [
        "How to read this report"
    ]
    # A run of a sentence with data in it is found too.
    assert any(
        "quarters reported; not done yet in" in found
        for found in english_in("3 of 4 quarters reported; not done yet in Q4.", [])
    )
    html = (
        '<html lang="cy"><body><p>Cynnwys <span lang="en">How to read this'
        ' report</span></p><div class="report-part" lang="en-gb"><p>Contents'
        "</p></div></body></html>"
    )
    assert marked_texts(html) == ["How to read this report"]
    assert english_in("Cynnwys How to read this report", marked_texts(html)) == []


@pytest.mark.usefixtures("demo_database")
class TestTheDemosReports:
    @pytest.mark.parametrize(
        ("slug", "year", "language"),
        [
            ("wrexham-civic-mission", 2025, ReportLanguage.WELSH),
            ("wrexham-community-cohesion", 2026, ReportLanguage.BILINGUAL),
        ],
    )
    def test_the_welsh_report_shows_no_english_interface_string(
        self, slug, year, language
    ):
        from partnerships.models import Partnership

        partnership = Partnership.objects.get(slug=slug)
        document = annual_report_document(
            partnership=partnership, year=year, language=language
        )
        pages = welsh_pages(render_pdf(document.html).content)
        if language == ReportLanguage.BILINGUAL:
            assert 4 < len(pages) < 30, "the English part was not found"
        found = english_in(" ".join(pages), marked_texts(document.html))
        assert not found, found
