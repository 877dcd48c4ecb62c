"""Reading uploaded spreadsheets safely, and writing safe ones.

Reading turns an upload (XLSX or CSV) into plain sheets of rows, or a
``SpreadsheetError`` whose message says what is wrong with the file in words
a partnership admin understands. Nothing is trusted before it is checked:

* the size, against ``CIVIC_IMPORT_MAX_BYTES``, before anything else;
* an XLSX is a zip: its entry count, the uncompressed sizes its directory
  declares and each entry's compression ratio are checked before openpyxl
  opens it (a zip bomb is refused unread; zipfile never inflates an entry
  past its declared size, so the declared sizes bound the memory used);
  openpyxl then reads it in read-only mode, through defusedxml (installed,
  so openpyxl uses it) against XML entity bombs;
* a CSV's encoding is found from its byte-order mark, or as UTF-8, or else
  read as Windows-1252 (what Excel on Windows calls "CSV") with a note.

Writing neutralises text that a spreadsheet program would run as a formula
(OWASP's CSV injection advice): a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe. Numbers are
written as numbers and left alone. Reading takes such an apostrophe off
again, so an export imports back unchanged.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MARKED = frozenset(FORMULA_STARTS)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


# Why a file cannot be read at all, by code. A job stores the code and its
# parameters (``ImportJob.FAILURE_MESSAGES``), so that the reason is shown in
# the reader's language, not the worker's.
SPREADSHEET_ERRORS = {
    "empty": gettext_lazy("The file is empty."),
    "too_big": gettext_lazy(
        "The file is %(size)s; files up to %(limit)s can be imported."
    ),
    "xls": gettext_lazy(
        "This is an old-style Excel file (.xls). Save it as an Excel "
        "Workbook (.xlsx) or as CSV UTF-8, then upload that."
    ),
    "not_xlsx": gettext_lazy(
        "The file is not a real Excel workbook (.xlsx), though its name says "
        "so. Open it in your spreadsheet program and save it as Excel Workbook "
        "(.xlsx) or CSV UTF-8."
    ),
    "too_many_parts": gettext_lazy(
        "The workbook holds %(count)s parts, more than a spreadsheet "
        "ever needs (%(limit)s); it was not opened."
    ),
    "zip_bomb": gettext_lazy(
        "The workbook would unpack to %(size)s, far more than its %(packed)s "
        "suggest (it looks like a zip bomb); it was not opened. Files that "
        "unpack to at most %(limit)s can be imported."
    ),
    "unreadable_workbook": gettext_lazy(
        "The workbook could not be read (%(error)s). Open it in your "
        "spreadsheet program and save it again as Excel Workbook (.xlsx)."
    ),
    "too_many_rows": gettext_lazy(
        "The file has more than %(limit)s rows; split it up."
    ),
    "too_many_sheets": gettext_lazy(
        "The workbook has %(count)s sheets; Civic reads workbooks of "
        "at most %(limit)s. Copy the sheets you want to import into "
        "a new workbook."
    ),
    "damaged": gettext_lazy(
        "The workbook is damaged and could not be read (%(error)s)."
    ),
    "not_spreadsheet": gettext_lazy(
        "The file is not a spreadsheet: it is neither an Excel workbook "
        "(.xlsx) nor CSV text."
    ),
    "bad_text": gettext_lazy(
        "The file's text could not be read. Save it as “CSV UTF-8”."
    ),
    "bad_csv": gettext_lazy("The CSV could not be read: %(error)s."),
}


class SpreadsheetError(Exception):
    """The file cannot be read at all: ``code`` (``SPREADSHEET_ERRORS``) says why.

    ``params`` are plain values for the message; ``str()`` is the message in
    the active language.
    """

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return str(SPREADSHEET_ERRORS[self.code]) % self.params


@dataclass
class Sheet:
    name: str
    headers: list[str]
    # (row number as a spreadsheet program shows it, cells)
    rows: list[tuple[int, list]]


@dataclass
class Workbook:
    format: str  # "xlsx" | "csv"
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet | None:
        wanted = normalise_header(name)
        for sheet in self.sheets:
            if normalise_header(sheet.name) == wanted:
                return sheet
        return None


def normalise_header(text) -> str:
    """Headers match whatever their case, spacing and trailing asterisk."""
    text = "" if text is None else str(text)
    return " ".join(text.replace("*", " ").replace("_", " ").split()).casefold()


def neutralise(value):
    """A cell value that no spreadsheet program will run as a formula.

    A lazy text (a header or guide line) is written in the active language.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def cell_text(value) -> str:
    """A cell as text, as a person reads it: 12 not 12.0, no neutralising mark."""
    if value.__class__ is str:
        value = value.strip()
        return value[1:] if value[:1] == "'" and value[1:2] in _MARKED else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return unneutralise(str(value).strip())


# --- Reading ----------------------------------------------------------------


def _limit_text(limit: int) -> str:
    return filesizeformat(limit)


def read_upload(
    data: bytes,
    *,
    filename: str,
    progress: Callable[[int], None] | None = None,
) -> Workbook:
    """The sheets of an uploaded XLSX or CSV, or ``SpreadsheetError``."""
    limit = settings.IMPORT_MAX_BYTES
    if not data:
        raise SpreadsheetError("empty")
    if len(data) > limit:
        raise SpreadsheetError(
            "too_big", size=filesizeformat(len(data)), limit=_limit_text(limit)
        )
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, progress=progress)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise SpreadsheetError("xls")
    return _read_csv(data)


def _check_zip(data: bytes) -> zipfile.ZipFile:
    not_xlsx = "not_xlsx"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise SpreadsheetError(not_xlsx) from error
    if len(entries) > settings.IMPORT_MAX_ZIP_ENTRIES:
        raise SpreadsheetError(
            "too_many_parts",
            count=len(entries),
            limit=settings.IMPORT_MAX_ZIP_ENTRIES,
        )
    total = sum(entry.file_size for entry in entries)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    bomb = "zip_bomb"
    details = {
        "size": filesizeformat(total),
        "packed": filesizeformat(len(data)),
        "limit": filesizeformat(limit),
    }
    if total > limit:
        raise SpreadsheetError(bomb, **details)
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > settings.IMPORT_MAX_ZIP_RATIO:
            raise SpreadsheetError(bomb, **details)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetError(not_xlsx)
    return archive


# The most rows and columns an uploaded workbook is read for.
MAX_ROWS = 200_000
MAX_COLUMNS = 100
# A run of this many empty rows ends a sheet.
MAX_EMPTY_RUN = 10_000
# The most sheets a workbook may hold (Civic's own workbooks have a handful).
MAX_SHEETS = 50


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError("too_many_rows", limit=f"{MAX_ROWS:,}")


def _read_xlsx(data: bytes, *, progress) -> Workbook:
    _check_zip(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SpreadsheetError(
            "unreadable_workbook", error=type(error).__name__
        ) from error
    sheets = []
    read = 0
    try:
        if len(book.worksheets) > MAX_SHEETS:
            raise SpreadsheetError(
                "too_many_sheets", count=len(book.worksheets), limit=MAX_SHEETS
            )
        for worksheet in book.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            rows = []
            headers: list[str] | None = None
            # A sheet may claim any size in its <dimension> tag, and openpyxl
            # would pad every row to it: a tiny file could ask for billions of
            # empty cells. Ignore the claim, read at most MAX_COLUMNS columns,
            # and keep only rows that hold something.
            worksheet.reset_dimensions()
            cells = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            last = 0
            for number, values in enumerate(cells, 1):
                if all(v is None or str(v).strip() == "" for v in values):
                    if number - last > MAX_EMPTY_RUN:
                        break  # nothing more to read, however far it claims
                    continue
                last = number
                values = list(values)
                while values and (values[-1] is None or str(values[-1]).strip() == ""):
                    values.pop()
                if headers is None:
                    headers = [cell_text(v) for v in values]
                    continue
                rows.append((number, values))
                read += 1
                if read > MAX_ROWS:
                    raise SpreadsheetError("too_many_rows", limit=f"{MAX_ROWS:,}")
                if progress and read % 5000 == 0:
                    progress(read)
            if headers is not None:
                sheets.append(Sheet(worksheet.title, headers, _trim(rows)))
            else:
                sheets.append(Sheet(worksheet.title, [], []))
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError("damaged", error=type(error).__name__) from error
    finally:
        book.close()
    return Workbook("xlsx", sheets)


def _trim(rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    """Leave out wholly empty rows (spreadsheets keep formatted blank rows)."""
    return [
        (number, cells)
        for number, cells in rows
        if any(c is not None and str(c).strip() != "" for c in cells)
    ]


def _decode(data: bytes) -> tuple[str, str | None]:
    """The text of a CSV, and a note when it was not plain UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), _(
            "The file is UTF-16 text (Excel's “Unicode text”); it was read as such."
        )
    head = data[:4000]
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: every other byte of ASCII is 0.
        odd, even = head[1::2], head[0::2]
        if odd.count(0) > len(odd) * 0.4:
            return data.decode("utf-16-le", errors="strict"), _(
                "The file is UTF-16 text; it was read as such."
            )
        if even.count(0) > len(even) * 0.4:
            return data.decode("utf-16-be", errors="strict"), _(
                "The file is UTF-16 text; it was read as such."
            )
        raise SpreadsheetError("not_spreadsheet")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, _(
        "The file is not UTF-8, so it was read as Western European text "
        "(Windows-1252 / Latin-1), the way Excel on Windows saves “CSV”. "
        "Check that accented letters look right below; if not, save it as "
        "“CSV UTF-8” and upload it again."
    )


def _read_csv(data: bytes) -> Workbook:
    try:
        text, note = _decode(data)
    except UnicodeDecodeError as error:
        raise SpreadsheetError("bad_text") from error
    if "\x00" in text:
        raise SpreadsheetError("not_spreadsheet")
    if not text.strip():
        raise SpreadsheetError("empty")
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    # The same limits as a workbook's: at most MAX_COLUMNS columns are read
    # and at most MAX_ROWS rows, counted as they are read.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows = []
    try:
        for number, record in enumerate(records, 1):
            record = record[:MAX_COLUMNS]
            if headers is None:
                if not any(cell.strip() for cell in record):
                    continue
                headers = [cell_text(cell) for cell in record]
                continue
            rows.append((number, record))
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
    except csv.Error as error:
        raise SpreadsheetError("bad_csv", error=str(error)) from error
    notes = [note] if note else []
    return Workbook("csv", [Sheet("CSV", headers or [], _trim(rows))], notes)


# --- Writing ----------------------------------------------------------------


def plain_cell(value):
    """What a spreadsheet cell holds: numbers as numbers, text neutralised."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return neutralise(str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read accents right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value):
    value = plain_cell(value)
    if isinstance(value, float):
        return repr(value)
    return value


@dataclass
class SheetSpec:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()


def xlsx_bytes(sheets: Sequence[SheetSpec], *, guide: Sequence[str] = ()) -> bytes:
    """A workbook with a bold, frozen header row on each sheet.

    Written with XlsxWriter: openpyxl (still the reader) built a cell object
    for each one and took about three times as long on a year's figures.
    The body rows go straight to the sheet's XML
    (``xlsx_rows.RowsWorksheet``): the same XML as XlsxWriter's own cell
    writers, at a fifth of their time. Every text is written as text (never
    read as a formula or a link), after ``neutralise``.
    """
    import xlsxwriter

    from .xlsx_rows import RowsWorksheet

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
        # Excel's limit (openpyxl only warned, and Excel then repaired the
        # file); a name may not end with an apostrophe.
        sheet = book.add_worksheet(
            str(spec.name)[:31].strip("'"), worksheet_class=RowsWorksheet
        )
        write_plain_row(sheet, 0, [neutralise(h) for h in spec.headers], bold)
        sheet.rows_write(spec.rows, start=1)
        sheet.freeze_panes(1, 0)
        for index, width in enumerate(spec.widths):
            sheet.set_column(index, index, width)
    if guide:
        sheet = book.add_worksheet(pgettext("spreadsheet sheet", "Guide"))
        sheet.set_column(0, 0, 110)
        wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        title = book.add_format(
            {"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"}
        )
        for number, line in enumerate(guide):
            write_plain_row(
                sheet, number, [neutralise(line)], title if not number else wrapped
            )
    book.close()
    return out.getvalue()


def write_plain_row(sheet, number: int, cells: Sequence, style=None) -> None:
    """One row of plain cells (``plain_cell``'s kinds), each by its own type,
    through XlsxWriter's own writers."""
    for column, value in enumerate(cells):
        if value is None or value == "":
            # An empty text is no cell at all, as openpyxl wrote it.
            if style is not None:
                sheet.write_blank(number, column, None, style)
        elif isinstance(value, bool):
            sheet.write_boolean(number, column, value, style)
        elif isinstance(value, int | float):
            sheet.write_number(number, column, value, style)
        else:
            # XML reads a carriage return as a line feed, which is what
            # openpyxl's files held; XlsxWriter would escape it as _x000D_,
            # which only Excel reads back.
            text = value.replace("\r\n", "\n").replace("\r", "\n")
            sheet.write_string(number, column, text, style)
