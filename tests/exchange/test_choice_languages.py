"""Choice values in spreadsheet cells (RBA question, kind, direction,
aggregation, horizon, yes/no, a milestone's words) are written in the
person's language and read in either, in the framework workbook and in the
quarterly figures."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from exchange.framework import MEASURES, OUTCOMES, framework_file
from exchange.kinds import AGGREGATIONS, DIRECTIONS, KINDS, QUESTIONS
from exchange.models import ImportStatus
from exchange.parsing import headers
from exchange.spreadsheets import SheetSpec, xlsx_bytes
from exchange.values import values_template_rows
from kpis.models import (
    Aggregation,
    Direction,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ValueType,
)
from kpis.periods import Quarter
from outcomes.models import Horizon, Outcome
from partnerships.models import Membership
from tests.factories import MeasureFactory, MeasureLeadFactory, OutcomeFactory

from .helpers import checked_job, confirmed, csv_upload, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

WELSH_VALUE_HEADERS = [
    "Chwarter",
    "Cod",
    "Enw",
    "Math",
    "Gwerth",
    "Y nifer",
    "Y cyfanswm",
    "Stori",
]


def measure_rows(language, partnership) -> list[dict]:
    with translation.override(language):
        book = load_workbook(io.BytesIO(framework_file(partnership=partnership)))
        names = headers(MEASURES)
        sheet = book[book.sheetnames[3]]
    return [
        dict(zip(names, (cell.value for cell in row), strict=False))
        for row in sheet.iter_rows(min_row=2)
    ]


def measures_book(rows: list[list], language="cy") -> bytes:
    with translation.override(language):
        return xlsx_bytes([SheetSpec("Mesurau", headers(MEASURES), rows)])


def measure_row(code, question, kind, direction, aggregation, headline) -> list:
    row = [code, f"Mesur {code}", question, kind, "", direction, aggregation]
    return row + ["", "", "", "", headline] + [""] * 6


def imported(world, content) -> dict[str, PerformanceMeasure]:
    with translation.override("en-gb"):
        job = checked_job(
            world.partnership,
            world.admin,
            SimpleUploadedFile("mesurau.xlsx", content),
            kind="framework",
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    return {
        m.code: m
        for m in PerformanceMeasure.objects.filter(partnership=world.partnership)
    }


def test_the_welsh_framework_export_writes_the_choices_in_welsh(world):
    MeasureFactory(
        partnership=world.partnership,
        code="HL1",
        question=Question.BETTER_OFF,
        direction=Direction.DOWN,
        is_headline=True,
    )
    OutcomeFactory(partnership=world.partnership, horizon=Horizon.INTERMEDIATE)
    welsh = {row["Cod"]: row for row in measure_rows("cy", world.partnership)}
    assert welsh["CU1"]["Cwestiwn RBA"] == "Faint wnaethon ni?"
    assert welsh["CU1"]["Math o werth"] == "Cyfrif"
    assert welsh["CU1"]["Cyfeiriad"] == "Gorau po uchaf"
    assert welsh["CU1"]["Cyfuno"] == "Swm y chwarteri"
    assert welsh["CU2"]["Math o werth"] == "Canran"
    assert welsh["CU2"]["Cyfuno"] == "Cymhareb swm y niferoedd i swm y cyfansymiau"
    assert welsh["HL1"]["Cwestiwn RBA"] == "A oes unrhyw un yn well eu byd?"
    assert welsh["HL1"]["Cyfeiriad"] == "Gorau po isaf"
    for measure in PerformanceMeasure.objects.filter(partnership=world.partnership):
        assert welsh[measure.code]["Pennawd"] == ("ie" if measure.is_headline else "na")
    with translation.override("cy"):
        book = load_workbook(io.BytesIO(framework_file(partnership=world.partnership)))
        outcome_headers = headers(OUTCOMES)
    outcomes = [
        dict(zip(outcome_headers, (c.value for c in row), strict=False))
        for row in book["Canlyniadau"].iter_rows(min_row=2)
    ]
    assert "Tymor canolig (hyd at 7 mlynedd)" in {o["Gorwel"] for o in outcomes}
    assert "Intermediate (up to 7 years)" not in {o["Gorwel"] for o in outcomes}

    english = {row["Code"]: row for row in measure_rows("en-gb", world.partnership)}
    assert english["HL1"]["RBA question"] == "Is anyone better off?"
    assert english["HL1"]["Headline"] == "yes"
    assert english["CU1"]["Direction"] == "Higher is better"


def test_the_welsh_export_imports_back_unchanged_for_an_english_reader(world):
    with translation.override("cy"):
        content = framework_file(partnership=world.partnership)
    with translation.override("en-gb"):
        job = checked_job(
            world.partnership,
            world.admin,
            SimpleUploadedFile("fframwaith.xlsx", content),
            kind="framework",
        )
    # Every choice read back as stored: nothing to create or update.
    assert "already stored" in job.failure_message, messages_of(job)
    assert job.preview["counts"]["create"] == job.preview["counts"]["update"] == 0


def test_welsh_choice_labels_import_whatever_the_readers_language(world):
    measures = imported(
        world,
        measures_book(
            [
                measure_row(
                    "W1",
                    "Pa mor dda wnaethon ni hynny?",
                    "Sgôr neu gyfartaledd",
                    "Gorau po isaf",
                    "Cymedr y chwarteri",
                    "ie",
                ),
                # Case, accents and a curly apostrophe aside; Welsh "nac oes".
                measure_row(
                    "W2",
                    "faint wnaethon ni",
                    "CARREG FILLTIR (WEDI’I CHWBLHAU / HEB EI CHWBLHAU)",
                    "gorau po uchaf",
                    "y chwarter diweddaraf",
                    "nac oes",
                ),
                # English labels in a Welsh sheet still work.
                measure_row(
                    "W3",
                    "Is anyone better off?",
                    "Percentage",
                    "Higher is better",
                    "Latest quarter",
                    "yes",
                ),
                measure_row("W4", "how_much", "sgor", "is", "cymedr", "na"),
            ]
        ),
    )
    w1, w2, w3, w4 = (measures[c] for c in ("W1", "W2", "W3", "W4"))
    assert (w1.question, w1.value_type, w1.direction, w1.aggregation) == (
        Question.HOW_WELL,
        ValueType.SCORE,
        Direction.DOWN,
        Aggregation.MEAN,
    )
    assert w1.is_headline and not w2.is_headline and w3.is_headline
    assert (w2.question, w2.value_type, w2.direction, w2.aggregation) == (
        Question.HOW_MUCH,
        ValueType.MILESTONE,
        Direction.UP,
        Aggregation.LATEST,
    )
    assert (w3.question, w3.value_type) == (Question.BETTER_OFF, ValueType.PERCENTAGE)
    assert (w4.value_type, w4.direction, w4.aggregation) == (
        ValueType.SCORE,
        Direction.DOWN,
        Aggregation.MEAN,
    )
    assert not w4.is_headline


def test_an_unknown_choice_is_explained_in_the_readers_language(world):
    content = measures_book(
        [
            measure_row("W9", "Faint?", "Cyfrif", "", "", ""),
            measure_row("W8", "Faint wnaethon ni?", "Cyfrif", "", "", "efallai"),
        ],
        language="cy",
    )
    with translation.override("cy"):
        job = checked_job(
            world.partnership,
            world.admin,
            SimpleUploadedFile("mesurau.xlsx", content),
            kind="framework",
        )
        problems = messages_of(job)
    assert job.status != ImportStatus.READY
    assert any(
        "“Faint?”" in p and "Faint wnaethon ni?" in p and "How much" not in p
        for p in problems
    ), problems
    assert "Ysgrifennwch ie neu na." in " ".join(problems)
    assert not PerformanceMeasure.objects.filter(code__in=["W8", "W9"]).exists()


def test_a_horizon_in_welsh_is_read(world):
    with translation.override("cy"):
        content = xlsx_bytes(
            [
                SheetSpec(
                    "Canlyniadau",
                    headers(OUTCOMES),
                    [["Mwy o bobl ifanc yn ffynnu", "", "Tymor hir", "", "", ""]],
                )
            ]
        )
    with translation.override("en-gb"):
        job = checked_job(
            world.partnership,
            world.admin,
            SimpleUploadedFile("canlyniadau.xlsx", content),
            kind="framework",
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        confirmed(job, world.admin)
    outcome = Outcome.objects.get(
        partnership=world.partnership, statement="Mwy o bobl ifanc yn ffynnu"
    )
    assert outcome.horizon == Horizon.LONG


# Quarterly figures -------------------------------------------------------------


def test_the_figures_template_writes_the_kind_in_the_persons_language(world):
    membership = Membership.objects.get(partnership=world.partnership, user=world.lead)
    quarter = Quarter(2024, 1, 9)
    with translation.override("cy"):
        rows = values_template_rows(membership=membership, quarter=quarter)
    assert [r[3] for r in rows] == ["Cyfrif", "Canran"]
    with translation.override("en-gb"):
        rows = values_template_rows(membership=membership, quarter=quarter)
    assert [r[3] for r in rows] == ["Count", "Percentage"]


def test_a_figures_file_with_welsh_kinds_and_milestone_words_imports(world):
    milestone = MeasureFactory(
        partnership=world.partnership,
        code="MS1",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
    )
    undone = MeasureFactory(
        partnership=world.partnership,
        code="MS2",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
    )
    for measure in (milestone, undone):
        MeasureLeadFactory(measure=measure, user=world.lead)
    rows = [
        ["2024/25 Ch1", "CU1", "", "Cyfrif", "12", "", "", "Deuddeg ysgol"],
        ["2024/25 Ch1", "CU2", "", "canran", "", "30", "40", ""],
        ["2024/25 Ch1", "MS1", "", "", "Wedi’i chwblhau", "", "", ""],
        ["2024/25 Ch1", "MS2", "", "", "heb ei chwblhau", "", "", ""],
    ]
    with translation.override("en-gb"):
        job = checked_job(
            world.partnership,
            world.admin,
            csv_upload(rows, headers=WELSH_VALUE_HEADERS, name="ffigurau.csv"),
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    stored = {
        v.measure.code: v
        for v in QuarterlyValue.objects.filter(partnership=world.partnership)
    }
    assert stored["CU1"].value == 12
    assert (stored["CU2"].numerator, stored["CU2"].denominator) == (30, 40)
    assert stored["MS1"].value == 1 and stored["MS2"].value == 0


def test_a_kind_that_does_not_match_is_named_in_the_readers_language(world):
    rows = [["2024/25 Q1", "CU1", "", "Canran", "12", "", "", ""]]
    with translation.override("cy"):
        job = checked_job(world.partnership, world.admin, csv_upload(rows))
        problems = " ".join(messages_of(job))
    assert "“Cyfrif”" in problems and "“Canran”" in problems, problems


def test_every_label_reads_back_in_both_languages():
    for choices in (KINDS, QUESTIONS, DIRECTIONS, AGGREGATIONS):
        for language in ("cy", "en-gb"):
            with translation.override(language):
                labels = choices.labels
            for value, label in labels.items():
                assert choices.lookup[_key(label)] == value, (language, label)


def _key(text):
    from exchange.parsing import choice_key

    return choice_key(text)
