"""The framework workbook in the person's language; the import reads either."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from demo.examples import community_cohesion_example
from exchange.framework import MEASURES, framework_file, guide_lines
from exchange.models import ImportStatus
from exchange.parsing import headers
from exchange.spreadsheets import SheetSpec, xlsx_bytes
from kpis.models import PerformanceMeasure
from outcomes.models import Mission, Outcome, Priority
from tests.factories import MeasureFactory

from .helpers import checked_job, confirmed, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import"
WELSH_SHEETS = [
    "Cenhadaeth",
    "Blaenoriaethau",
    "Canlyniadau",
    "Mesurau",
    "Targedau",
    "Camau gweithredu",
    "Canllaw",
]
ENGLISH_SHEETS = [
    "Mission",
    "Priorities",
    "Outcomes",
    "Measures",
    "Targets",
    "Actions",
    "Guide",
]
WELSH_MEASURE_HEADERS = [
    "Cod",
    "Enw",
    "Cwestiwn RBA",
    "Math o werth",
    "Uned",
    "Cyfeiriad",
    "Cyfuno",
    "Targed blynyddol",
    "Llinell sylfaen",
    "Blaenoriaeth",
    "Canlyniad",
    "Pennawd",
    "Diffiniad",
    "Ffynhonnell data",
    "Chwarter dyledus",
    "Enw (Cymraeg)",
    "Uned (Cymraeg)",
    "Diffiniad (Cymraeg)",
    "Ffynhonnell data (Cymraeg)",
    "Yn cyfrif pobl",
]


def url(name, partnership, language=None, *args):
    with translation.override(language):
        return reverse(f"exchange:{name}", args=[partnership.slug, *args])


def book_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def first_row(sheet) -> list:
    return [cell.value for cell in sheet[1]]


def test_the_template_downloads_in_welsh_at_its_welsh_address(client, world):
    client.force_login(world.admin)
    book = book_of(client.get(url("framework_template", world.partnership, "cy")))
    assert book.sheetnames == WELSH_SHEETS
    assert first_row(book["Mesurau"]) == WELSH_MEASURE_HEADERS
    assert first_row(book["Cenhadaeth"]) == [
        "Cenhadaeth",
        "Blwyddyn darged",
        "Disgrifiad",
        "Cenhadaeth (Cymraeg)",
        "Disgrifiad (Cymraeg)",
    ]
    assert first_row(book["Targedau"]) == ["Cod", "Blwyddyn adrodd", "Targed"]
    guide = [row[0].value for row in book["Canllaw"].iter_rows()]
    assert guide[0] == "Fframwaith strategaeth: sut i lenwi'r templed hwn"
    assert any(line.startswith("Cymraeg: mae gan bob testun") for line in guide)

    english = book_of(client.get(url("framework_template", world.partnership)))
    assert english.sheetnames == ENGLISH_SHEETS
    assert first_row(english["Measures"])[:3] == ["Code", "Name", "RBA question"]


def test_the_example_and_export_follow_the_accept_language(client, world):
    client.force_login(world.admin)
    welsh = {"accept-language": "cy"}
    example = book_of(
        client.get(url("framework_example", world.partnership, "cy"), headers=welsh)
    )
    assert example.sheetnames == [*WELSH_SHEETS[:4], "Canllaw"]
    assert first_row(example["Mesurau"]) == WELSH_MEASURE_HEADERS
    # The partnership's own texts stay as written; only the frame is Welsh.
    assert example["Mesurau"]["B2"].value == community_cohesion_example()[3].rows[0][1]

    export = book_of(
        client.get(url("framework_export", world.partnership, "cy"), headers=welsh)
    )
    assert export.sheetnames == WELSH_SHEETS
    codes = [row[0].value for row in export["Mesurau"].iter_rows(min_row=2)]
    assert codes == ["CU1", "CU2", "KW1"]

    english = book_of(client.get(url("framework_example", world.partnership)))
    assert english.sheetnames == [*ENGLISH_SHEETS[:4], "Guide"]


def test_the_shipped_welsh_example_is_what_the_code_makes():
    shipped = load_workbook(DOCS / "community-cohesion-framework.cy.xlsx")
    with translation.override("cy"):
        made = load_workbook(
            io.BytesIO(xlsx_bytes(community_cohesion_example(), guide=guide_lines()))
        )
    assert shipped.sheetnames == made.sheetnames == [*WELSH_SHEETS[:4], "Canllaw"]
    for name in shipped.sheetnames:
        assert [[c.value for c in row] for row in shipped[name].iter_rows()] == [
            [c.value for c in row] for row in made[name].iter_rows()
        ]


def test_a_welsh_headed_framework_workbook_imports_end_to_end(
    world, django_capture_on_commit_callbacks
):
    outcomes_before = Outcome.objects.filter(partnership=world.partnership).count()
    with translation.override("cy"):
        content = xlsx_bytes(community_cohesion_example(), guide=guide_lines())
    # Uploaded by an English-speaking admin, checked by an English worker.
    with translation.override("en-gb"), django_capture_on_commit_callbacks():
        job = checked_job(
            world.partnership,
            world.admin,
            SimpleUploadedFile("fframwaith.xlsx", content),
            kind="framework",
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    partnership = world.partnership
    assert Mission.objects.get(partnership=partnership).target_year == 2014
    outcomes = Outcome.objects.filter(partnership=partnership)
    assert outcomes.count() == outcomes_before + 6
    example = community_cohesion_example()
    measures = PerformanceMeasure.objects.filter(partnership=partnership)
    assert measures.count() == len(example[3].rows) + 3  # and the world's three
    # The Welsh text columns ("Enw (Cymraeg)") came in with the Welsh headers.
    name_cy = [c.key for c in MEASURES].index("name_cy")
    welsh_names = {row[0]: row[name_cy] for row in example[3].rows if row[name_cy]}
    assert welsh_names
    for code, name_cy in welsh_names.items():
        assert measures.get(code=code).name_cy == name_cy
    assert Priority.objects.filter(partnership=partnership).exists()


def test_an_english_workbook_and_an_old_one_still_import(world):
    with translation.override("en-gb"):
        english = framework_file(partnership=world.partnership)
    job = checked_job(
        world.partnership,
        world.admin,
        SimpleUploadedFile("framework.xlsx", english),
        kind="framework",
    )
    # The partnership's own export: everything is already stored.
    assert job.preview["counts"]["create"] == 0, messages_of(job)
    assert "already stored" in job.failure_message

    old = (DOCS / "community-cohesion-framework.xlsx").read_bytes()
    job = checked_job(
        world.partnership,
        world.admin,
        SimpleUploadedFile("framework.xlsx", old),
        kind="framework",
    )
    assert job.status == ImportStatus.READY, messages_of(job)


def test_a_welsh_sheet_mixed_with_english_headers_imports(client, world):
    """A header is read in either language, whatever the sheet is called."""
    with translation.override("cy"):
        welsh = headers(MEASURES)[:4]
    with translation.override("en-gb"):
        english = headers(MEASURES)[4:]
    row = ["N1", "Nod", "How much did we do?", "Count"] + [""] * 14
    content = xlsx_bytes([SheetSpec("Mesurau", [*welsh, *english], [row])])
    job = checked_job(
        world.partnership,
        world.admin,
        SimpleUploadedFile("x.xlsx", content),
        kind="framework",
    )
    assert job.status == ImportStatus.READY, messages_of(job)
    assert job.preview["rows"][0]["sheet"] == "Measures"
    # The preview names the sheet in the reader's language.
    client.force_login(world.admin)
    page = client.get(
        url("import_job", world.partnership, "cy", job.pk),
        headers={"accept-language": "cy"},
    ).content.decode()
    assert "<td>Mesurau</td>" in page
    english = client.get(url("import_job", world.partnership, None, job.pk))
    assert "<td>Measures</td>" in english.content.decode()


def test_messages_and_the_job_page_name_sheets_in_the_readers_language(client, world):
    MeasureFactory(partnership=world.partnership, code="T1")
    with translation.override("cy"):
        targets = SheetSpec(
            "Targedau",
            ["Cod", "Blwyddyn adrodd", "Targed"],
            [["ZZ9", 2026, 10]],
        )
        upload = SimpleUploadedFile("x.xlsx", xlsx_bytes([targets]))
        job = checked_job(world.partnership, world.admin, upload, kind="framework")
    assert job.status == ImportStatus.REJECTED
    problem = job.problems[0]
    # Stored by the sheet's key and the column as the uploader reads it.
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Targets",
        2,
        "Cod",
    )
    assert problem["message"] == (
        "Nid oes gan unrhyw fesur y cod ZZ9: ychwanegwch ef at y ddalen Mesurau."
    )

    client.force_login(world.admin)
    page = client.get(
        url("import_job", world.partnership, "cy", job.pk),
        headers={"accept-language": "cy"},
    ).content.decode()
    assert "Targedau" in page
    english = client.get(url("import_job", world.partnership, None, job.pk))
    assert "Targets" in english.content.decode()


def test_a_workbook_without_framework_sheets_names_them_in_welsh(world):
    with translation.override("cy"):
        upload = SimpleUploadedFile(
            "x.xlsx", xlsx_bytes([SheetSpec("Taflen1", ["Cod"], [["A"]])])
        )
        job = checked_job(world.partnership, world.admin, upload, kind="framework")
    assert job.status == ImportStatus.REJECTED
    assert messages_of(job)[0] == (
        "Nid oes gan y llyfr gwaith yr un o'r dalennau Cenhadaeth, Blaenoriaethau, "
        "Canlyniadau a Mesurau. Dechreuwch o dempled y fframwaith."
    )


def test_no_two_columns_of_a_sheet_share_a_header_in_any_language():
    from exchange.framework import SHEETS
    from exchange.spreadsheets import normalise_header

    for _name, columns in SHEETS:
        seen = {}
        for column in columns:
            for header in column.names:
                key = normalise_header(header)
                assert seen.setdefault(key, column.key) == column.key, (header, _name)
