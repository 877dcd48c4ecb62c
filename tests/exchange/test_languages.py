"""Spreadsheets in the person's language; the import reads either language."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from exchange import services
from exchange.models import ImportJob, ImportStatus
from exchange.parsing import Problems, map_headers
from exchange.spreadsheets import (
    Sheet,
    SheetSpec,
    SpreadsheetError,
    read_upload,
    xlsx_bytes,
)
from exchange.values import COLUMNS
from kpis.models import QuarterlyValue
from partnerships.models import Membership

from .helpers import checked_job, confirmed, csv_upload, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

Q1 = "2024/25 Q1"
WELSH_HEADERS = [
    "Chwarter",
    "Cod",
    "Enw",
    "Math",
    "Gwerth",
    "Y nifer",
    "Y cyfanswm",
    "Stori",
    "Statws",
]


def url(name, partnership, language=None):
    """The page's address in ``language`` (/cy/... where Welsh pages have one)."""
    with translation.override(language):
        return reverse(f"exchange:{name}", args=[partnership.slug])


def test_the_template_and_export_are_in_the_persons_language(client, world):
    client.force_login(world.admin)
    welsh = {"accept-language": "cy"}
    response = client.get(
        url("values_template", world.partnership, "cy"),
        {"quarter": "2024-1"},
        headers=welsh,
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Gwerthoedd", "Canllaw"]
    assert [c.value for c in book["Gwerthoedd"][1]] == WELSH_HEADERS
    guide = [row[0].value for row in book["Canllaw"].iter_rows()]
    assert guide[0] == "Ffigurau chwarterol: sut i lenwi'r templed hwn"
    assert any(line.startswith("Chwarter: y chwarter adrodd") for line in guide)

    export = client.get(
        url("values_export", world.partnership, "cy"), {"format": "csv"}, headers=welsh
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == WELSH_HEADERS

    english = client.get(
        url("values_template", world.partnership), {"quarter": "2024-1"}
    )
    book = load_workbook(io.BytesIO(english.content))
    assert book.sheetnames == ["Values", "Guide"]
    assert [c.value for c in book["Values"][1]][:3] == ["Quarter", "Code", "Name"]


def test_a_welsh_headed_file_imports_in_an_english_worker(world):
    with translation.override("en-gb"):
        job = checked_job(
            world.partnership,
            world.admin,
            csv_upload(
                [[Q1, "CU1", "Schools", "Count", "12", "", "", "Deuddeg ysgol"]],
                headers=WELSH_HEADERS[:8],
            ),
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    value = QuarterlyValue.objects.get(partnership=world.partnership)
    assert (value.measure.code, value.value, value.story) == (
        "CU1",
        12,
        "Deuddeg ysgol",
    )


def test_a_welsh_workbook_from_the_template_imports(world):
    with translation.override("cy"):
        headers = [str(c.header) for c in COLUMNS]
        content = xlsx_bytes(
            [SheetSpec("Gwerthoedd", headers, [[Q1, "CU2", "", "", "", 30, 40, ""]])],
            guide=["Canllaw"],
        )

    job = checked_job(
        world.partnership,
        world.admin,
        SimpleUploadedFile("ffigurau.xlsx", content),
    )
    assert job.status == ImportStatus.READY, messages_of(job)
    assert job.preview["counts"]["create"] == 1


def test_an_unknown_header_lists_the_columns_in_the_readers_language(world):

    problems = Problems()
    with translation.override("cy"):
        assert (
            map_headers(Sheet("Gwerthoedd", ["Cod", "Lliw"], []), COLUMNS, problems)
            is None
        )
    assert "Chwarter, Cod, Enw" in problems[0].message


def test_a_file_that_cannot_be_read_fails_with_a_code_shown_in_welsh(world):
    membership = Membership.objects.get(partnership=world.partnership, user=world.admin)

    job = services.import_job_create(
        partnership=world.partnership,
        membership=membership,
        kind="values",
        upload=SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old"),
        actor=world.admin,
    )
    with translation.override("en-gb"):
        services.import_job_check(job_id=job.pk, partnership_id=world.partnership.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert (job.failure_code, job.failure_params, job.failure_reason) == (
        "file_xls",
        {},
        "",
    )
    assert job.failure_message.startswith("This is an old-style Excel file (.xls).")
    with translation.override("cy"):
        assert job.failure_message.startswith("Ffeil Excel hen fath (.xls) yw hon.")
    with pytest.raises(SpreadsheetError) as error:
        read_upload(b"", filename="x.csv")
    with translation.override("cy"):
        assert str(error.value) == "Mae'r ffeil yn wag."


def test_the_job_page_shows_the_failure_in_the_readers_language(client, world):
    job = ImportJob.objects.create(
        partnership=world.partnership,
        kind="values",
        original_name="a.csv",
        file_name="a.csv",
        size_bytes=1,
        created_by=world.admin,
        status=ImportStatus.FAILED,
        failure_code="import_timeout",
    )
    client.force_login(world.admin)
    with translation.override("cy"):
        address = reverse("exchange:import_job", args=[world.partnership.slug, job.pk])
    page = client.get(address, headers={"accept-language": "cy"}).content.decode()
    assert "Cymerodd y mewnforio ormod o amser" in page


def test_a_welsh_upload_is_checked_in_welsh_whatever_the_worker_speaks(world):
    with translation.override("cy"):
        upload = csv_upload([[Q1, "CU1", "12"]], headers=["Chwarter", "Cod", "Lliw"])
        membership = Membership.objects.get(
            partnership=world.partnership, user=world.admin
        )
        job = services.import_job_create(
            partnership=world.partnership,
            membership=membership,
            kind="values",
            upload=upload,
            actor=world.admin,
        )
    assert job.language == "cy"
    with translation.override("en-gb"):
        services.import_job_check(job_id=job.pk, partnership_id=world.partnership.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert messages_of(job)[0] == (
        "Colofn anhysbys “Lliw”. Y colofnau yw: Chwarter, Cod, Enw, Math, Gwerth, "
        "Y nifer, Y cyfanswm, Stori, Statws."
    )
    assert "Mae'r golofn “Gwerth” ar goll." in messages_of(job)
