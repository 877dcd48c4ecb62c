"""SVG text in the report's PDF: a plain label is one run of text, placed
where WeasyPrint's own letter-by-letter drawing puts it (reports.pdf_svg_text)."""

import importlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from reports import pdf_svg_text
from reports.annual import render_pdf
from reports.charts import Point, line_chart

PAGE = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Chart</title></head><body>{}</body></html>"
)


def svg(body: str) -> str:
    return PAGE.format(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 400 100"'
        ' width="400" height="100" font-size="11"'
        ' font-family="Source Sans 3, sans-serif"><title>A chart</title>'
        f"{body}</svg>"
    )


def text_matrices(
    content: bytes, shifts: list[float] | None = None
) -> list[tuple[float, float]]:
    """Where each run of text starts (its Tm's e and f), in drawing order,
    from the page and the form XObjects it draws (text-anchor makes one a
    label, drawn shifted by the label's width: ``shifts`` gets each shift)."""
    reader = PdfReader(io.BytesIO(content))
    found: list[tuple[float, float]] = []

    def walk(stream, resources):
        xobjects = resources.get("/XObject", {}) if resources else {}
        shift = 0.0
        for operands, operator in ContentStream(stream, reader).operations:
            if operator == b"Tm":
                found.append((float(operands[4]), float(operands[5])))
            elif operator == b"cm":
                shift = float(operands[4])
            elif operator == b"Do":
                if shifts is not None:
                    shifts.append(shift)
                xobject = xobjects[operands[0]].get_object()
                walk(xobject, xobject.get("/Resources", resources))

    (page,) = reader.pages
    resources = page["/Resources"]
    walk(page.get_contents(), resources)
    return found


@pytest.fixture
def per_character_drawing(monkeypatch):
    """WeasyPrint's own SVG text drawing, for comparison."""
    pdf_svg_text.install()
    svg_module = importlib.import_module("weasyprint.svg")
    original = svg_module.TAGS["text"].per_character
    for tag in ("a", "text", "textPath", "tspan"):
        monkeypatch.setitem(svg_module.TAGS, tag, original)
    monkeypatch.setattr(svg_module, "text", original)


def test_the_render_installs_whole_string_drawing_for_every_text_tag():
    render_pdf(svg('<text x="10" y="20">Q1</text>'))
    svg_module = importlib.import_module("weasyprint.svg")
    for tag in ("a", "text", "textPath", "tspan"):
        assert getattr(svg_module.TAGS[tag], "per_character", None) is not None
    assert svg_module.text is svg_module.TAGS["text"]


def test_a_plain_label_is_one_run_of_text():
    pdf = render_pdf(svg('<text x="10" y="20">Annual target</text>'))
    assert len(text_matrices(pdf.content)) == 1
    assert "Annual target" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


@pytest.mark.parametrize("anchor", ["start", "middle", "end"])
def test_a_label_starts_where_the_letter_by_letter_drawing_put_its_first_letter(
    anchor, request
):
    # "Q4" and "2024/25" have no kerning pair, so the widths agree exactly
    # and text-anchor shifts both drawings by the same amount.
    html = svg(
        f'<g text-anchor="{anchor}"><text x="200" y="40">2024/25 Q4</text>'
        '<text x="50" y="80" transform="rotate(-35 50 80)">Q4</text></g>'
    )
    whole_shifts, letter_shifts = [], []
    whole = text_matrices(render_pdf(html).content, whole_shifts)
    request.getfixturevalue("per_character_drawing")
    letters = text_matrices(render_pdf(html).content, letter_shifts)
    assert whole_shifts == pytest.approx(letter_shifts, abs=0.01)
    assert bool(whole_shifts) == (anchor != "start")
    # A letter a run, less the space, which draws nothing.
    first_label = len("2024/25Q4")
    assert len(whole) == 2
    assert len(letters) == first_label + len("Q4")
    firsts = [letters[0], letters[first_label]]
    for (x, y), (first_x, first_y) in zip(whole, firsts, strict=True):
        assert x == pytest.approx(first_x, abs=0.01)
        assert y == pytest.approx(first_y, abs=0.01)


def test_text_placed_character_by_character_keeps_weasyprints_drawing():
    pdf = render_pdf(
        svg(
            '<text x="10 30 50" y="20">abc</text>'
            '<text x="10" y="50" dx="0 4 4">def</text>'
            '<text x="10" y="80" rotate="10">ghi</text>'
            '<text x="200" y="20" letter-spacing="2">jk</text>'
        )
    )
    assert len(text_matrices(pdf.content)) == 3 + 3 + 3 + 2


def test_a_charts_labels_are_a_run_each():
    chart = line_chart(
        [Point("2024/25 Q1", Decimal(3)), Point("2024/25 Q2", Decimal(5))],
        title="Meetings by quarter",
        description="2 of 2 quarters reported.",
        fmt=lambda v: f"{v:.0f}",
        target=Decimal(4),
    )
    labels = str(chart).count("<text")
    pdf = render_pdf(PAGE.format(f'<div style="width: 140mm">{chart}</div>'))
    assert len(text_matrices(pdf.content)) == labels
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Actual" in text and "2024/25 Q1" in text
