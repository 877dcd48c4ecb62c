"""The export's year summary and breakdowns (exchange.exports), XLSX and CSV."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from exchange.selectors import export_figure_rows
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

# The year summary's "quarters ended" depends on today.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def export(client, world, **params):
    return client.get(
        reverse("exchange:values_export", kwargs={"slug": world.partnership.slug}),
        params,
    )


@pytest.fixture
def figures(world):
    world.count.annual_target = 40
    world.count.save()
    p = world.partnership
    gender = DimensionFactory(partnership=p, name="Gender", is_exhaustive=True)
    women = DimensionCategoryFactory(dimension=gender, name="Women", position=1)
    men = DimensionCategoryFactory(dimension=gender, name="Men", position=2)
    world.count.breakdown_first = gender
    world.count.save()
    # 2024/25 (September start): Q1 missing, Q2 5 and Q3 7; another measure
    # reported Q1, so the partnership was reporting then.
    QuarterlyValueFactory(
        measure=world.other, period=PeriodFactory(partnership=p, year=2024, quarter=1)
    )
    QuarterlyValueFactory(
        measure=world.count,
        period=PeriodFactory(partnership=p, year=2024, quarter=2),
        value=D(5),
        breakdown={str(men.pk): 2, str(women.pk): 3},
    )
    QuarterlyValueFactory(
        measure=world.count,
        period=PeriodFactory(partnership=p, year=2024, quarter=3),
        value=D(7),
    )
    return world


def test_the_workbook_holds_the_year_summary_and_the_breakdowns(client, figures):
    client.force_login(figures.viewer)
    book = load_workbook(io.BytesIO(export(client, figures, year=2024).content))
    summary = [[c.value for c in row] for row in book["Year summary"].iter_rows()]
    assert summary[0][:7] == [
        "Year",
        "Code",
        "Name",
        "Figure",
        "Target",
        "Target for the quarters reported",
        "Status",
    ]
    schools = next(row for row in summary if row[1] == "CU1")
    # 12 from two quarters of four, judged against two quarters' share (20).
    assert schools[:9] == ["2024/25", "CU1", "Schools", 12, 40, 20, "Off track", 2, 4]
    assert schools[9] == "Q1 and Q4 not reported"
    breakdowns = [[c.value for c in row] for row in book["Breakdowns"].iter_rows()]
    assert breakdowns == [
        ["Quarter", "Code", "Name", "Breakdown", "Category", "Count"],
        ["2024/25 Q2", "CU1", "Schools", "Gender", "Women", 3],
        ["2024/25 Q2", "CU1", "Schools", "Gender", "Men", 2],
    ]


@pytest.mark.parametrize(
    ("table", "name", "first_row"),
    [
        ("summary", "year-summary-2024-25.csv", "Year"),
        ("breakdowns", "breakdowns-2024-25.csv", "Quarter"),
        ("figures", "figures-2024-25.csv", "Quarter"),
        ("nonsense", "figures-2024-25.csv", "Quarter"),
    ],
)
def test_a_csv_holds_the_table_asked_for(client, figures, table, name, first_row):
    client.force_login(figures.viewer)
    response = export(client, figures, year=2024, format="csv", table=table)
    assert name in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == first_row
    if table == "breakdowns":
        assert rows[1:] == [
            ["2024/25 Q2", "CU1", "Schools", "Gender", "Women", "3"],
            ["2024/25 Q2", "CU1", "Schools", "Gender", "Men", "2"],
        ]


def test_the_export_form_offers_the_tables(client, figures):
    client.force_login(figures.viewer)
    page = client.get(
        reverse("exchange:data", kwargs={"slug": figures.partnership.slug})
    ).content.decode()
    assert '<option value="summary">Year summary</option>' in page
    assert '<option value="breakdowns">Breakdowns</option>' in page


def test_the_export_read_never_returns_another_partnerships_figures(figures):
    measure = MeasureFactory(code="ZZ9")
    other = QuarterlyValueFactory(
        measure=measure,
        period=PeriodFactory(partnership=measure.partnership, year=2024, quarter=2),
        breakdown={"1": 2},
    )
    assert other.partnership != figures.partnership
    for broken_down_only in (False, True):
        rows = export_figure_rows(
            partnership=figures.partnership,
            year=None,
            broken_down_only=broken_down_only,
        )
        assert rows and other.measure.code not in {row[2] for row in rows}
    assert [row[2] for row in rows] == ["CU1"]


def figure_reads(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured
        if 'FROM "kpis_quarterlyvalue"' in query["sql"] and '"story"' in query["sql"]
    ]


def test_the_workbook_reads_the_years_figures_once_whatever_the_history(
    client, figures
):
    """The Values and Breakdowns sheets come from one read of the year's
    figures, and the export runs as many queries with more history."""
    client.force_login(figures.viewer)

    def queries() -> list[dict]:
        with CaptureQueriesContext(connection) as captured:
            assert export(client, figures, year=2024).status_code == 200
        return captured.captured_queries

    before = queries()
    assert len(figure_reads(before)) == 1
    for year in (2021, 2022, 2023):
        for quarter in (1, 2, 3, 4):
            QuarterlyValueFactory(
                measure=figures.count,
                period=PeriodFactory(
                    partnership=figures.partnership, year=year, quarter=quarter
                ),
                breakdown={"1": 1},
            )
    after = queries()
    assert len(figure_reads(after)) == 1
    assert len(after) == len(before)
