"""A worksheet whose body rows are written straight to the sheet's XML.

XlsxWriter stores every cell as a tuple in a dictionary of rows and, when
the workbook is closed, writes each one through a general path (address,
format lookup, type dispatch by class name, attribute escaping): about
five microseconds a cell, most of a year's export. The export's body rows
have no formats and only four kinds of cell (text, number, true/false,
none), so ``RowsWorksheet.rows_write`` turns each row into its
``<c>`` elements as it is written, registering texts in the workbook's
shared strings in the same order as ``write_string`` would, and the sheet
writes those rows between its header rows at close.

The XML is the same, byte for byte, as XlsxWriter's own ``write_string``,
``write_number`` and ``write_boolean`` of the same values
(tests/exchange/test_xlsx_rows.py compares every part of the two
workbooks). Everything else in the file (styles, shared strings, column
widths, frozen panes, the package) is XlsxWriter's. It reads XlsxWriter's
worksheet internals (``_write_sheet_data``, ``_write_row``, ``_write_cell``,
``str_table``, ``_check_dimensions``), so XlsxWriter stays pinned below 4.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from math import isfinite

from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .spreadsheets import FORMULA_STARTS, plain_cell

# Column letters by index, for the widest sheet the exports write and more.
_LETTERS = [xl_col_to_name(column) for column in range(64)]


def _kind_of(value) -> type:
    """Which of the four kinds ``plain_cell``'s value is written as."""
    for kind in (bool, int, float):
        if isinstance(value, kind):
            return kind
    return str


class RowsWorksheet(Worksheet):
    """A worksheet that also takes whole rows of plain values (``rows_write``).

    Cells written through the usual ``write_*`` methods (the header row,
    with its format) are written by XlsxWriter as usual; neither kind may
    share a row with the other. Row options and comments are not supported.
    """

    def __init__(self) -> None:
        super().__init__()
        # (row, first column, last column, the row's <c> elements)
        self._body_rows: list[tuple[int, int, int, str]] = []

    def rows_write(self, rows: Iterable[Sequence], *, start: int) -> None:
        """Rows of values from row ``start`` on (zero-based), as
        ``spreadsheets.write_plain_row`` would write each value: text
        neutralised (``spreadsheets.neutralise``) with its carriage returns
        as line feeds, a Decimal as an int or a float, nothing for None or
        an empty text, anything else through ``spreadsheets.plain_cell``."""
        string_index = self.str_table._get_shared_string_index
        body = self._body_rows
        letters = _LETTERS
        row_limit = self.xls_rowmax
        half_limit = self.xls_strmax // 2
        for number, row in enumerate(rows, start):
            if number >= row_limit:
                break  # XlsxWriter drops cells beyond the sheet's last row
            if len(row) > len(letters):
                letters.extend(
                    xl_col_to_name(column) for column in range(len(letters), len(row))
                )
            reference = str(number + 1)
            cells = []
            first = None
            last = 0
            for column, value in enumerate(row):
                kind = value.__class__
                if kind is str:
                    if not value:
                        continue
                    if value.startswith(FORMULA_STARTS):
                        value = "'" + value
                elif value is None:
                    continue
                elif kind is Decimal:
                    value = (
                        int(value)
                        if value == value.to_integral_value()
                        else float(value)
                    )
                    kind = value.__class__
                elif kind is not int and kind is not float:
                    value = plain_cell(value)
                    if value is None or value == "":
                        continue
                    kind = _kind_of(value)
                if kind is str:
                    if "\r" in value:
                        value = value.replace("\r\n", "\n").replace("\r", "\n")
                    if len(value) > half_limit and _utf16_len(value) > self.xls_strmax:
                        value = _utf16_truncate(value, self.xls_strmax)
                    cells.append(
                        f'<c r="{letters[column]}{reference}" t="s">'
                        f"<v>{string_index(value)}</v></c>"
                    )
                elif kind is bool:
                    cells.append(
                        f'<c r="{letters[column]}{reference}" t="b">'
                        f"<v>{1 if value else 0}</v></c>"
                    )
                else:
                    if kind is float and not isfinite(value):
                        raise TypeError(
                            "NAN/INF not supported in write_number() "
                            "without 'nan_inf_to_errors' Workbook() option"
                        )
                    cells.append(
                        f'<c r="{letters[column]}{reference}"><v>{value:.16G}</v></c>'
                    )
                if first is None:
                    first = column
                last = column
            if first is not None:
                body.append((number, first, last, "".join(cells)))
                self._check_dimensions(number, first)
                self._check_dimensions(number, last)

    def _write_sheet_data(self) -> None:
        if not self._body_rows:
            super()._write_sheet_data()
            return
        if self.row_info or self.comments:
            raise ValueError("RowsWorksheet supports neither set_row nor comments")
        rows: list[tuple[int, int, int, str | None]] = [
            (number, min(cells), max(cells), None)
            for number, cells in self.table.items()
            if cells
        ]
        rows.extend(self._body_rows)
        rows.sort(key=lambda row: row[0])
        # Each block of 16 rows carries the columns its cells span, as
        # XlsxWriter's _calculate_spans works them out.
        blocks: dict[int, list[int]] = {}
        for number, first, last, _cells in rows:
            block = blocks.get(number // 16)
            if block is None:
                blocks[number // 16] = [first, last]
            else:
                block[0] = min(block[0], first)
                block[1] = max(block[1], last)
        spans = {index: f"{lo + 1}:{hi + 1}" for index, (lo, hi) in blocks.items()}
        write = self.fh.write
        self._xml_start_tag("sheetData")
        for number, _first, _last, cells in rows:
            self._write_row(number, spans[number // 16])
            if cells is None:
                table_row = self.table[number]
                for column in sorted(table_row):
                    self._write_cell(number, column, table_row[column])
            else:
                write(cells)
            write("</row>")
        self._xml_end_tag("sheetData")
