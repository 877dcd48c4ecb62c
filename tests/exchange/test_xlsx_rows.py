"""The workbook's body rows written as XML (exchange.xlsx_rows) against
XlsxWriter's own cell writers: the same file, part by part."""

import datetime
import io
import re
import zipfile
from decimal import Decimal as D

import pytest
import xlsxwriter
from openpyxl import load_workbook

from exchange.spreadsheets import (
    SheetSpec,
    neutralise,
    plain_cell,
    write_plain_row,
    xlsx_bytes,
)


def reference_xlsx(sheets) -> bytes:
    """What xlsx_bytes wrote before its rows went straight to XML: every
    cell through XlsxWriter's public writers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    for spec in sheets:
        sheet = book.add_worksheet(str(spec.name)[:31].strip("'"))
        write_plain_row(sheet, 0, [neutralise(h) for h in spec.headers], bold)
        for number, row in enumerate(spec.rows, 1):
            write_plain_row(sheet, number, [plain_cell(value) for value in row])
        sheet.freeze_panes(1, 0)
        for index, width in enumerate(spec.widths):
            sheet.set_column(index, index, width)
    book.close()
    return out.getvalue()


def parts(content: bytes) -> dict[str, bytes]:
    """The package's parts; the creation time (written at close) left out."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    found["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^>]*>[^<]*<", b"<", found["docProps/core.xml"]
    )
    return found


ROWS = [
    # Every kind a row may hold: text (formula starts, carriage returns,
    # XML's specials, control characters, Welsh), numbers of each type,
    # none, an empty text, true/false, a date, and a gap between columns.
    ["2026/27 Q1", "CU1", "Ysgolion â ŵ", "Count", D(5), None, None, "=1+1", "Yn"],
    ["2026/27 Q1", "CU2", "A & B <c>", "Percentage", D("12.5"), D(1), D(8), "", "x"],
    ["\tx", "\rz", "line\r\none", "-3", -2, 1.5, 10**12, "\x07bell", True],
    ["@a", "+b", None, "", False, 0, D("0.1"), D("1E+3"), datetime.date(2026, 4, 1)],
    [None, None, None, None, None, None, None, None, "last column only"],
    [],
    ["'quoted", "  spaces  ", "x" * 300, "Approved", 3.0, D("-7.25"), 2**40, "é", 1],
]


def sheets(rows):
    return [
        SheetSpec("Values", ["Quarter", "Code", "=Name", "", "Value"], rows, (12, 10)),
        SheetSpec("Year summary", ["Year", "Code"], [row[:2] for row in rows], (10,)),
        SheetSpec("Empty", ["Only", "headers"], []),
    ]


@pytest.mark.parametrize("copies", [1, 3])
def test_the_rows_written_as_xml_are_xlsxwriters_own_file(copies):
    # Three copies make 21 rows: spans over more than one block of 16.
    rows = ROWS * copies
    assert parts(xlsx_bytes(sheets(rows))) == parts(reference_xlsx(sheets(rows)))


def test_the_workbook_reads_back_cell_for_cell():
    ours = load_workbook(io.BytesIO(xlsx_bytes(sheets(ROWS))))
    theirs = load_workbook(io.BytesIO(reference_xlsx(sheets(ROWS))))
    assert ours.sheetnames == theirs.sheetnames == ["Values", "Year summary", "Empty"]
    for name in ours.sheetnames:
        mine, reference = ours[name], theirs[name]
        assert [[(c.value, c.data_type, c.font.b) for c in row] for row in mine] == [
            [(c.value, c.data_type, c.font.b) for c in row] for row in reference
        ]
        assert mine.freeze_panes == reference.freeze_panes == "A2"
    values = ours["Values"]
    assert [c.value for c in values[2]][:5] == [
        "2026/27 Q1",
        "CU1",
        "Ysgolion â ŵ",
        "Count",
        5,
    ]
    assert values["H2"].value == "'=1+1" and values["C4"].value == "line\none"
    assert values["C1"].value == "'=Name" and values["D1"].value is None
    assert values["I5"].value == "2026-04-01" and values["I4"].value is True
    assert values.column_dimensions["A"].width > values.column_dimensions["B"].width


def test_a_number_that_is_not_finite_is_refused_as_xlsxwriter_refuses_it():
    for value in (float("nan"), float("inf"), D("NaN")):
        with pytest.raises(TypeError):
            xlsx_bytes([SheetSpec("S", ["A"], [[value]])])
        with pytest.raises(TypeError):
            reference_xlsx([SheetSpec("S", ["A"], [[value]])])
