"""Files that are not what they say, too big, bombs, or in another encoding."""

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from exchange.models import ImportStatus
from exchange.spreadsheets import (
    SheetSpec,
    SpreadsheetError,
    csv_bytes,
    read_upload,
    xlsx_bytes,
)
from kpis.models import QuarterlyValue

from .helpers import VALUE_HEADERS, checked_job, messages_of

ROW = ["2024/25 Q1", "CU1", "Schools", "Count", "12", "", "", "Café visits"]


def csv_text(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([VALUE_HEADERS, *rows])
    return out.getvalue()


def test_an_empty_file_is_refused():
    with pytest.raises(SpreadsheetError, match="The file is empty."):
        read_upload(b"", filename="x.csv")
    with pytest.raises(SpreadsheetError, match="The file is empty."):
        read_upload(b"\xef\xbb\xbf  \r\n", filename="x.csv")


def test_a_file_over_the_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(SpreadsheetError, match="files up to 100"):
        read_upload(b"a" * 101, filename="x.csv")


def zip_with(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_named_xlsx_is_refused_unopened(monkeypatch):
    bomb = zip_with(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (50 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(SpreadsheetError, match="looks like a zip bomb"):
        read_upload(bomb, filename="figures.xlsx")


def test_a_zip_declaring_more_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    content = zip_with(
        {"[Content_Types].xml": b"x" * 600, "xl/workbook.xml": b"y" * 600}
    )
    with pytest.raises(SpreadsheetError, match="would unpack to"):
        read_upload(content, filename="figures.xlsx")


def test_a_zip_of_too_many_parts_is_refused(settings):
    settings.IMPORT_MAX_ZIP_ENTRIES = 10
    content = zip_with({f"part{n}.xml": b"<x/>" for n in range(11)})
    with pytest.raises(SpreadsheetError, match="holds 11 parts"):
        read_upload(content, filename="figures.xlsx")


@pytest.mark.parametrize(
    "content",
    [
        b"this is plain text renamed to xlsx",
        b"PK\x03\x04 truncated zip",
        zip_with({"readme.txt": b"a zip, not a workbook"}),
    ],
)
def test_a_file_that_is_not_really_xlsx_is_explained(content):
    with pytest.raises(SpreadsheetError, match="not a real Excel workbook"):
        read_upload(content, filename="figures.xlsx")


def test_an_old_xls_file_is_explained():
    with pytest.raises(SpreadsheetError, match=r"old-style Excel file \(\.xls\)"):
        read_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="a.xls")


def test_binary_data_named_csv_is_explained():
    with pytest.raises(SpreadsheetError, match="not a spreadsheet"):
        read_upload(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, filename="a.csv")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_csv_is_read_with_a_note(encoding):
    text = csv_text([ROW]).replace(",", "\t")  # Excel's "Unicode text" is tabbed
    book = read_upload(text.encode(encoding), filename="figures.csv")
    sheet = book.sheets[0]
    assert sheet.headers == VALUE_HEADERS
    assert sheet.rows[0][1][7] == "Café visits"
    assert "UTF-16" in book.notes[0]


def test_latin1_csv_is_read_as_western_european_with_a_note():
    book = read_upload(csv_text([ROW]).encode("cp1252"), filename="figures.csv")
    assert book.sheets[0].rows[0][1][7] == "Café visits"
    assert "not UTF-8" in book.notes[0]


def test_semicolon_csv_and_a_byte_order_mark_are_read():
    text = "\ufeff" + csv_text([ROW]).replace(",", ";")
    book = read_upload(text.encode("utf-8"), filename="figures.csv")
    assert book.sheets[0].headers[0] == "Quarter"
    assert book.notes == []


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    from decimal import Decimal

    content = csv_bytes(
        ["Story", "Value"],
        [['=HYPERLINK("http://x")', Decimal("-5")], ["+1", 3], ["@SUM(A1)", None]],
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-5"]
    assert rows[2] == ["'+1", "3"]
    assert rows[3] == ["'@SUM(A1)", ""]
    # Read back, the mark comes off again.
    book = read_upload(content, filename="x.csv")
    assert book.sheets[0].rows[0][1][0] == '\'=HYPERLINK("http://x")'
    from exchange.spreadsheets import cell_text

    assert cell_text(book.sheets[0].rows[0][1][0]) == '=HYPERLINK("http://x")'


def test_xlsx_export_neutralises_tabs_and_returns_too():
    content = xlsx_bytes([SheetSpec("S", ["A", "B"], [["\tx", 1.5], ["\rz", -2]])])
    sheet = load_workbook(io.BytesIO(content))["S"]
    assert [c.value for c in sheet[2]] == ["'\tx", 1.5]
    # XML turns the carriage return into a line feed; the mark stays first.
    assert sheet["A3"].value.startswith("'\n") and sheet["B3"].value == -2


def test_xlsx_export_writes_text_as_text_under_a_bold_frozen_header():
    rows = [
        ["https://example.org/report", "12", True, None, 3, "line one\r\nline two"],
        ["=1+1", "", False, 2.5, 10**12, "x" * 40],
    ]
    headers = ["Link", "Code", "Flag", "Share", "Count", "Story"]
    content = xlsx_bytes(
        [SheetSpec("A sheet name longer than Excel's limit", headers, rows, (30, 8))],
        guide=["How to fill it in", "=SUM(A1)"],
    )
    book = load_workbook(io.BytesIO(content))
    sheet, guide = book.worksheets
    assert sheet.title == "A sheet name longer than Excel"
    assert [c.value for c in sheet[1]] == headers
    assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width
    # No link, number or formula made of text; numbers and booleans kept.
    assert [c.value for c in sheet[2]] == [
        "https://example.org/report",
        "12",
        True,
        None,
        3,
        "line one\nline two",
    ]
    assert sheet["A2"].hyperlink is None and sheet["B2"].data_type == "s"
    assert [c.value for c in sheet[3]][:5] == ["'=1+1", None, False, 2.5, 10**12]
    assert guide["A1"].font.b and guide["A1"].font.sz == 14
    assert guide["A2"].value == "'=SUM(A1)" and guide["A2"].alignment.wrap_text
    assert guide.column_dimensions["A"].width > 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"\x00\x01\x02binary", "figures.csv", "not a spreadsheet"),
        (b"not a zip", "figures.xlsx", "not a real Excel workbook"),
        (b"\xef\xbb\xbf", "figures.csv", "The file is empty."),
    ],
)
def test_an_unreadable_upload_rejects_the_job_with_the_reason(
    world, content, name, expected
):
    job = checked_job(world.partnership, world.admin, SimpleUploadedFile(name, content))
    assert job.status == ImportStatus.REJECTED
    assert expected in job.failure_message
    assert not QuarterlyValue.objects.exists()


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    world, settings, import_storage
):
    from django.core.exceptions import ValidationError

    from exchange import services
    from partnerships.models import Membership

    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="files up to 10"):
        services.import_job_create(
            partnership=world.partnership,
            membership=Membership.objects.get(user=world.admin),
            kind="values",
            upload=SimpleUploadedFile("f.csv", b"x" * 11),
            actor=world.admin,
        )
    assert not import_storage.exists() or not any(import_storage.rglob("*.csv"))


@pytest.mark.django_db
def test_a_values_xlsx_round_trips_through_the_import(world):
    from exchange.values import values_file

    content = values_file([ROW + [""]], file_format="xlsx", guide=True)
    job = checked_job(
        world.partnership, world.admin, SimpleUploadedFile("f.xlsx", content)
    )
    assert job.status == ImportStatus.READY, messages_of(job)
    assert job.preview["rows"][0]["figure"] == "12"


def _sparse_xlsx_claiming_the_whole_sheet() -> bytes:
    """A tiny workbook whose sheet says it spans A1:XFD1048576, with a cell far down."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Quarter", "Code", "Value"])
    sheet.append(["2024/25 Q1", "A1", 3])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(
                    r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', text
                )
                text = text.replace(
                    "</sheetData>",
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
                )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_sheet_claiming_a_huge_size_is_read_without_padding_it():
    import time
    import tracemalloc

    content = _sparse_xlsx_claiming_the_whole_sheet()
    assert len(content) < 10_000
    tracemalloc.start()
    started = time.monotonic()
    book = read_upload(content, filename="figures.xlsx")
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sheet = book.sheets[0]
    assert sheet.headers == ["Quarter", "Code", "Value"]
    # The real row only: the lone cell a million rows down, beyond the columns
    # read, is never reached through a million padded empty rows.
    assert len(sheet.rows) == 1
    assert peak < 50 * 1024 * 1024, peak
    assert elapsed < 5


def test_a_csv_has_the_workbooks_row_limit(monkeypatch):
    monkeypatch.setattr("exchange.spreadsheets.MAX_ROWS", 3)
    assert (
        len(read_upload(csv_text([ROW] * 3).encode(), filename="x.csv").sheets[0].rows)
        == 3
    )
    with pytest.raises(SpreadsheetError, match="more than 3 rows; split it up"):
        read_upload(csv_text([ROW] * 4).encode(), filename="x.csv")


def test_a_csv_is_read_to_the_workbooks_column_limit():
    from exchange.spreadsheets import MAX_COLUMNS

    wide = ROW + ["x"] * (MAX_COLUMNS * 50)
    sheet = read_upload(csv_text([wide]).encode(), filename="x.csv").sheets[0]
    assert len(sheet.rows[0][1]) == MAX_COLUMNS
    assert sheet.rows[0][1][: len(ROW)] == ROW


def test_a_csv_cell_beyond_the_csv_modules_limit_is_explained():
    huge = ROW[:-1] + ["x" * 200_000]
    with pytest.raises(
        SpreadsheetError, match="The CSV could not be read: field larger"
    ):
        read_upload(csv_text([huge]).encode(), filename="x.csv")


def test_a_workbook_of_too_many_sheets_is_refused_unread():
    from exchange.spreadsheets import MAX_SHEETS

    sheets = [
        SheetSpec(f"S{n}", ["Quarter"], [["2024/25 Q1"]]) for n in range(MAX_SHEETS + 1)
    ]
    with pytest.raises(SpreadsheetError, match=f"has {MAX_SHEETS + 1} sheets"):
        read_upload(xlsx_bytes(sheets), filename="x.xlsx")
    assert (
        len(read_upload(xlsx_bytes(sheets[:MAX_SHEETS]), filename="x.xlsx").sheets)
        == MAX_SHEETS
    )
