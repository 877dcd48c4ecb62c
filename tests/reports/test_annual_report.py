"""The annual report document: what the PDF says, and how it is made."""

import gc
import io
import re

import pytest
from pypdf import PdfReader

from reports.annual import annual_report_document, render_pdf, report_years
from tests.factories import PartnershipFactory

from .framework import YEAR, build_framework, change_a_figure

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_the_pdf_holds_the_mission_every_measure_and_its_year_figure():
    partnership, _admin, expected = build_framework()
    document = annual_report_document(partnership=partnership, year=YEAR)
    pdf = render_pdf(document.html)
    reader, text = pdf_text(pdf.content)

    assert "Every young person in the valley thrives by 2030" in text
    assert "Reporting year 2024/25" in text
    for measure, figure in expected.items():
        assert measure.name in text
        # The appendix row: code, name, question, the year's figure, target.
        row = re.escape(measure.code) + r" .*?" + re.escape(figure)
        assert re.search(row, text), (measure.code, figure)
    assert "Learning for life" in text and "Keeping well" in text
    assert "Quarter 3: schools in Brymbo joined." in text  # a headline's story
    assert pdf.page_count == len(reader.pages)
    # Cover, contents, mission, two priorities and the appendix.
    assert 6 <= pdf.page_count <= 12


def test_the_pdf_is_tagged_titled_and_in_british_english():
    partnership, _admin, _expected = build_framework()
    pdf = render_pdf(annual_report_document(partnership=partnership, year=YEAR).html)
    reader = PdfReader(io.BytesIO(pdf.content))
    root = reader.trailer["/Root"]

    assert root["/Lang"] == "en-gb"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Bro Dyfrdwy Partnership: annual report 2024/25"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    # The fonts are the shipped Source Sans 3, embedded.
    fonts = {
        font["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Source-Sans-3" in name for name in fonts)


def test_contents_give_each_chapter_its_page_number():
    partnership, _admin, _expected = build_framework()
    pdf = render_pdf(annual_report_document(partnership=partnership, year=YEAR).html)
    reader, _text = pdf_text(pdf.content)
    contents = " ".join(reader.pages[1].extract_text().split())
    appendix_page = next(
        number
        for number, page in enumerate(reader.pages, start=1)
        if "Appendix: performance measures" in page.extract_text() and number > 2
    )
    assert re.search(
        rf"Appendix: performance measures against annual targets\W+{appendix_page}\b",
        contents,
    )
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_data_version_ignores_the_date_but_not_the_figures():
    partnership, admin, expected = build_framework()
    first = annual_report_document(partnership=partnership, year=YEAR)
    again = annual_report_document(partnership=partnership, year=YEAR)
    assert first.data_version == again.data_version

    change_a_figure(partnership, admin)
    changed = annual_report_document(partnership=partnership, year=YEAR)
    assert changed.data_version != first.data_version


def test_report_years_are_those_with_quarters_newest_first():
    partnership, _admin, _expected = build_framework()
    assert report_years(partnership=partnership) == [(2024, "2024/25")]
    assert report_years(partnership=PartnershipFactory()) == []


def test_the_document_cannot_fetch_anything_but_its_own_assets(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (
        '<html lang="en"><head><title>t</title>'
        f'<link rel="stylesheet" href="{secret.as_uri()}">'
        '<link rel="stylesheet" href="http://example.org/x.css"></head>'
        "<body><p>Hello</p></body></html>"
    )
    # Neither the file outside static/ nor the network URL is read; the
    # document still renders.
    pdf = render_pdf(html)
    assert pdf.page_count == 1


def test_rendering_leaves_the_garbage_collector_as_it_found_it():
    html = '<html lang="en"><head><title>t</title></head><body><p>Hi</p></body></html>'
    assert gc.isenabled()
    render_pdf(html)
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf(html)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.usefixtures("demo_database")
class TestOnTheDemo:
    def test_a_partnership_with_a_framework_gets_the_contribution_chapter(self):
        from partnerships.models import Partnership

        civic = Partnership.objects.get(slug="wrexham-civic-mission")
        cohesion = Partnership.objects.get(slug="wrexham-community-cohesion")

        document = annual_report_document(partnership=civic, year=2025)
        _reader, text = pdf_text(render_pdf(document.html).content)
        flat = re.sub(r"\s+", " ", text)
        assert "Contribution to the well-being goals" in flat
        for goal in ("A prosperous Wales", "A globally responsible Wales"):
            assert goal in flat
        # Seed 000: building community resilience → indicators 5, 6, 8, 22, 23, 35, 38.
        assert "5, 6, 8, 22, 23, 35, 38" in flat
        # The linked indicators with population data, their curves labelled as sample.
        assert "National indicator 23:" in flat
        assert "Sample data" in flat
        assert "Turning the curve:" in flat

        # A partnership that chose no framework has no such chapter.
        other = annual_report_document(partnership=cohesion, year=2025)
        assert "Contribution to the well-being goals" not in other.html


def test_the_running_header_shows_an_ampersand_as_written():
    partnership, _admin, _expected = build_framework(
        PartnershipFactory(name="Arts & Health <Wales> \"Cymru\" 'Cyf'")
    )
    pdf = render_pdf(annual_report_document(partnership=partnership, year=YEAR).html)
    reader = PdfReader(io.BytesIO(pdf.content))
    # The contents page carries the running header (the cover has none).
    header = " ".join(reader.pages[1].extract_text().split())
    assert "Arts & Health <Wales> \"Cymru\" 'Cyf' · Annual report 2024/25" in header
    assert "u0026" not in header and "&amp;" not in header
