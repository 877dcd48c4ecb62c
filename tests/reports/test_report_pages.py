"""The annual report's pages: nothing off the page, no half-empty headline
pages, "How to read" true to each measure's rule, a mark for every status."""

import io
import re
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from kpis import recording as kpi_recording
from kpis.models import Aggregation, QuarterlyValue
from kpis.periods import Quarter
from kpis.selectors import period_list
from partnerships.tenancy import partnership_scope
from reports.annual import (
    annual_report_content,
    annual_report_document,
    chart_quarters,
    pro_rata_note,
    render_pdf,
)
from reports.charts import Point
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    PartnershipFactory,
    WellbeingGoalFactory,
)
from wellbeing import services as wellbeing_services

from .framework import YEAR, build_framework
from .layout import _descendants, overflowing, render

pytestmark = pytest.mark.django_db

# The Welsh well-being goals: long names, and long words in Welsh.
GOALS = [
    ("A prosperous Wales", "Cymru lewyrchus"),
    ("A resilient Wales", "Cymru gydnerth"),
    ("A healthier Wales", "Cymru iachach"),
    ("A more equal Wales", "Cymru sy’n fwy cyfartal"),
    ("A Wales of cohesive communities", "Cymru o gymunedau cydlynus"),
    (
        "A Wales of vibrant culture and thriving Welsh language",
        "Cymru â diwylliant bywiog lle mae’r Gymraeg yn ffynnu",
    ),
    ("A globally responsible Wales", "Cymru sy’n gyfrifol ar lefel fyd-eang"),
]
INDICATORS = [3, 5, 6, 8, 18, 22, 23, 24, 26, 27, 28, 29, 38, 46]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture
def mapped():
    """The test strategy linked to every goal and many indicators of a
    seven-goal framework: the widest contribution table."""
    framework = NationalFrameworkFactory(name="Well-being of Future Generations")
    goals = [
        WellbeingGoalFactory(framework=framework, name_en=en, name_cy=cy)
        for en, cy in GOALS
    ]
    indicators = [
        NationalIndicatorFactory(framework=framework, number=n) for n in INDICATORS
    ]
    partnership = PartnershipFactory(
        name="Bro Dyfrdwy Partnership", slug="bro-dyfrdwy", framework=framework
    )
    partnership, admin, expected = build_framework(partnership)
    for priority in partnership.priority_set.all():
        for target in goals + indicators:
            wellbeing_services.contribution_link(
                partnership=partnership, source=priority, target=target, actor=admin
            )
    return partnership, admin, expected


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_no_table_or_word_runs_off_the_page(mapped, language):
    partnership, _admin, expected = mapped
    html = annual_report_document(
        partnership=partnership, year=YEAR, language=language
    ).html
    document = render(html)
    assert overflowing(document) == []
    # And the contribution table's last column is whole in the PDF's text.
    text = pdf_text(document.write_pdf())
    assert ", ".join(str(n) for n in INDICATORS) in text
    # No goal's longest word is broken to fit its column.
    for english, welsh in GOALS:
        name = welsh if language == "cy" else english
        longest = max(name.replace("-", " ").split(), key=len)
        assert re.search(rf"\b{longest}\b", text), longest
    for measure, figure in expected.items():
        assert re.search(re.escape(measure.code) + r" .*?" + re.escape(figure), text)


def test_the_layout_check_finds_a_table_wider_than_the_page():
    wide = (
        "<table style='width: 300mm'><tr><td>wide</td></tr></table>"
        "<p>Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>"
    )
    found = overflowing(render(f"<html><body>{wide}</body></html>"))
    kinds = {overflow.kind for overflow in found}
    assert "TableBox" in kinds and "TextBox" in kinds


def test_a_chart_starts_at_its_first_figure_but_shows_the_whole_year():
    start = 9
    quarters = Quarter(YEAR, 4, start).back(8)
    trend = [Point(q.label, None) for q in quarters]
    trend[6] = Point(quarters[6].label, D(3))  # only Q3 of the year
    shown, shown_quarters = chart_quarters(trend, quarters, YEAR)
    assert [q.quarter for q in shown_quarters] == [1, 2, 3, 4]
    assert {q.year for q in shown_quarters} == {YEAR}
    assert [p.value for p in shown] == [None, None, D(3), None]

    # A figure in the year before: the chart starts there.
    trend[2] = Point(quarters[2].label, D(1))
    shown, shown_quarters = chart_quarters(trend, quarters, YEAR)
    assert shown_quarters[0] == quarters[2] and len(shown) == 6


def test_headline_charts_leave_out_the_empty_year_before(mapped):
    partnership, _admin, _expected = mapped
    html = annual_report_document(partnership=partnership, year=YEAR).html
    charts = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
    headline_charts = [c for c in charts if "by quarter" in c]
    assert headline_charts
    for chart in headline_charts:
        assert "2023/24" not in chart
        assert "2024/25 Q1" in chart


def test_two_headline_measures_share_a_page(mapped):
    partnership, admin, _expected = mapped
    learning = partnership.priority_set.get(name="Learning for life")
    outcome = learning.outcomes.first()
    periods = sorted(period_list(partnership=partnership), key=lambda p: p.quarter)
    for number in range(3):
        measure = MeasureFactory(
            partnership=partnership,
            outcome=outcome,
            code=f"LL-1{number}",
            name=f"Families at open days {number}",
        )
        for period in periods:
            kpi_recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=admin,
                value=D(20 + period.quarter),
                story="Open days in Rhos and Cefn.",
            )
    document = render(annual_report_document(partnership=partnership, year=YEAR).html)
    per_page = [
        sum(
            1
            for box in _descendants(page._page_box)
            if isinstance(box, boxes.BlockBox)
            and box.element_tag == "article"
            and "headline" in (box.element.get("class") or "")
            and not box.is_leading_fragment_of_split
        )
        if hasattr(boxes.BlockBox, "is_leading_fragment_of_split")
        else sum(
            1
            for box in _descendants(page._page_box)
            if isinstance(box, boxes.BlockBox)
            and box.element_tag == "article"
            and "headline" in (box.element.get("class") or "")
        )
        for page in document.pages
    ]
    # Four headline measures in "Learning for life": two pages of two.
    assert per_page.count(2) >= 2, per_page


@pytest.fixture
def three_quarters():
    """The test strategy with the sessions' Q4 not reported: 10 + 20 + 30."""
    partnership, admin, expected = build_framework()
    QuarterlyValue.objects.filter(
        partnership=partnership, measure__code="LL-01", period__quarter=4
    ).delete()
    return partnership, admin, expected


def test_how_to_read_says_each_rule_and_which_measures_use_it(three_quarters):
    partnership, _admin, _expected = three_quarters
    text = pdf_text(
        render_pdf(
            annual_report_document(partnership=partnership, year=YEAR).html
        ).content
    ).replace("- ", "")
    assert re.search(
        r"Added up over the year: .*? quarters of the target\)\. LL-01", text
    )
    assert re.search(r"Pooled: the year's rate is .*? annual target\. LL-02", text)
    assert re.search(r"Averaged: the year's figure is .*? annual target\. KW-01", text)
    # No measure takes its latest quarter, and none is a milestone.
    assert "Latest quarter: the year's figure" not in text
    assert "Milestones: done or not done" not in text
    # The old claim, false for measures set otherwise, is gone.
    assert "scores take the latest quarter" not in text


def test_the_pro_rata_target_is_shown_where_the_status_uses_it(three_quarters):
    partnership, _admin, _expected = three_quarters
    with partnership_scope(partnership.pk):
        content = annual_report_content(partnership=partnership, year=YEAR)
    by_code = {s.measure.code: s for s in content.measures}
    assert pro_rata_note(by_code["LL-01"].year) == "75 for the 3 quarters reported"
    # A pooled or averaged measure is judged against the annual target itself.
    assert pro_rata_note(by_code["LL-02"].year) == ""
    assert pro_rata_note(by_code["KW-01"].year) == ""

    text = pdf_text(
        render_pdf(
            annual_report_document(partnership=partnership, year=YEAR).html
        ).content
    )
    # The headline facts, the priority's table and the appendix row.
    assert text.count("75 for the 3 quarters reported") == 3
    assert re.search(r"LL-01 .*? 60 100 75 for the 3 quarters reported", text)
    assert "Q4 not reported" in text


def test_a_full_year_shows_no_pro_rata_target():
    partnership, _admin, _expected = build_framework()
    text = pdf_text(
        render_pdf(
            annual_report_document(partnership=partnership, year=YEAR).html
        ).content
    )
    assert not re.search(r"\d for the \d quarters? reported", text)


def _mark_shapes(document) -> dict[str, tuple]:
    """Each status mark's shape, as laid out: its box and how it is drawn."""
    shapes = {}
    for page in document.pages:
        for box in _descendants(page._page_box):
            tag = box.element_tag or ""
            if not tag.endswith("::before") or box.element is None:
                continue
            classes = (box.element.get("class") or "").split()
            kind = next(
                (c for c in classes if c.startswith("mark--") or c == "mark__missing"),
                None,
            )
            if kind is None or kind in shapes:
                continue
            style = box.style
            shapes[kind] = (
                round(box.border_width(), 1),
                round(box.border_height(), 1),
                style["border_top_style"],
                style["border_bottom_width"],
                str(style["border_top_left_radius"]),
                str(style["background_color"]),
                str(style["background_image"]),
            )
    return shapes


def test_every_status_has_a_mark_of_its_own_shape(mapped):
    partnership, _admin, _expected = mapped
    document = render(annual_report_document(partnership=partnership, year=YEAR).html)
    shapes = _mark_shapes(document)
    expected = {
        "mark--on_track",
        "mark--at_risk",
        "mark--off_track",
        "mark--no_target",
        "mark--no_data",
        "mark__missing",
    }
    assert set(shapes) == expected
    assert len(set(shapes.values())) == len(expected), shapes
    text = pdf_text(document.write_pdf())
    for word in ("On track", "At risk", "Off track", "No target", "No data yet"):
        assert word in text
    assert "Incomplete: a quarter that has ended has no figure." in text


@pytest.fixture
def broken_down():
    """Two headline counts with breakdowns: one way and summed, two ways and
    the latest quarter."""
    partnership, admin, _expected = build_framework()
    age = DimensionFactory(partnership=partnership, name="Age group")
    children, young, adults = (
        DimensionCategoryFactory(dimension=age, name=name, position=position)
        for position, name in enumerate(("Children", "Young people", "Adults"))
    )
    area = DimensionFactory(partnership=partnership, name="Area")
    north, south = (
        DimensionCategoryFactory(dimension=area, name=name)
        for name in ("North", "South")
    )
    outcome = partnership.priority_set.get(name="Learning for life").outcomes.first()
    visitors = MeasureFactory(
        partnership=partnership,
        outcome=outcome,
        code="LL-20",
        name="Visitors to the campus",
        breakdown_first=age,
    )
    members = MeasureFactory(
        partnership=partnership,
        outcome=outcome,
        code="LL-21",
        name="Members of the youth panel",
        aggregation=Aggregation.LATEST,
        breakdown_first=age,
        breakdown_second=area,
    )
    periods = sorted(period_list(partnership=partnership), key=lambda p: p.quarter)
    for period in periods:
        q = period.quarter
        breakdown = (
            {}
            if q == 4
            else {str(children.pk): q, str(young.pk): 2 * q, str(adults.pk): 10}
        )
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=visitors,
            period=period,
            actor=admin,
            value=D(3 * q + 10),
            breakdown=breakdown,
        )
    for period in periods[:3]:
        q = period.quarter
        grid = {
            f"{children.pk}:{north.pk}": q,
            f"{children.pk}:{south.pk}": 1,
            f"{young.pk}:{north.pk}": 2,
            f"{adults.pk}:{south.pk}": 5,
        }
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=members,
            period=period,
            actor=admin,
            value=D(q + 8),
            breakdown=grid,
        )
    return partnership


def test_a_summed_measure_shows_its_quarters_breakdowns_added_up(broken_down):
    with partnership_scope(broken_down.pk):
        content = annual_report_content(partnership=broken_down, year=YEAR)
    items = {
        item.summary.measure.code: item
        for chapter in content.chapters
        for item in chapter.headline
    }
    visitors = items["LL-20"].breakdown
    assert visitors.caption == (
        "By Age group: the breakdowns of Q1, Q2 and Q3 added up. "
        "Q4 was reported without a breakdown."
    )
    # Children 1+2+3, young people 2+4+6, adults 10 × 3.
    assert [(name, total) for name, _cells, total in visitors.table.rows] == [
        ("Children", 6),
        ("Young people", 12),
        ("Adults", 30),
    ]
    assert visitors.table.total == 48
    # A measure without a breakdown has none.
    assert items["LL-01"].breakdown is None

    members = items["LL-21"].breakdown
    assert members.caption == (
        "By Age group and Area in 2024/25 Q3, the latest quarter with a breakdown."
    )
    assert members.table.columns == ["North", "South"]
    assert members.table.rows == [
        ("Children", [3, 1], 4),
        ("Young people", [2, None], 2),
        ("Adults", [None, 5], 5),
    ]
    assert members.table.column_totals == [5, 6]


def test_the_pdf_shows_the_breakdowns_of_headline_measures(broken_down):
    text = pdf_text(
        render_pdf(
            annual_report_document(partnership=broken_down, year=YEAR).html
        ).content
    )
    assert "By Age group: the breakdowns of Q1, Q2 and Q3 added up." in text
    assert "Age group Total Children 6 Young people 12 Adults 30 Total 48" in text
    assert (
        "Age group North South Total Children 3 1 4 Young people 2 — 2 "
        "Adults — 5 5 Total 5 6 11"
    ) in text
