"""Turning sheet rows into checked values, with problems placed by cell.

Every problem names its sheet, row and column, so the preview can list
them the way a person finds them in their spreadsheet.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .spreadsheets import Sheet, cell_text, normalise_header


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def in_every_language(text) -> list[str]:
    """A (lazy) text as each of the site's languages writes it.

    A spreadsheet made from the Welsh template has Welsh headers and sheet
    names, one made from the English template English ones; an import takes
    either, whatever the language of the person or the worker reading it.
    """
    names = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            name = str(text)
        if name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class Column:
    """A sheet's column: ``header`` (lazy) is written in the person's language."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Every header an import accepts for the column, in any language."""
        return [*in_every_language(self.header), self.key, *self.aliases]


def headers(columns) -> list[str]:
    """The columns' headers in the active language, for a template or export."""
    return [str(column.header) for column in columns]


class Problems(list):
    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.append(Problem(sheet, row, column, message))


def map_headers(
    sheet: Sheet, columns: tuple[Column, ...], problems: Problems
) -> dict[str, int] | None:
    """Column key -> index in the row, or None when the headers are wrong."""
    known = {}
    for column in columns:
        for name in column.names:
            known[normalise_header(name)] = column
    found: dict[str, int] = {}
    ok = True
    if not any(h.strip() for h in sheet.headers):
        problems.add(
            sheet.name,
            None,
            "",
            _("The sheet has no header row; the first row must name the columns: %s.")
            % ", ".join(headers(columns)),
        )
        return None
    for index, header in enumerate(sheet.headers):
        if not header.strip():
            continue
        column = known.get(normalise_header(header))
        if column is None:
            problems.add(
                sheet.name,
                1,
                header,
                _("Unknown column “%(header)s”. The columns are: %(columns)s.")
                % {"header": header, "columns": ", ".join(headers(columns))},
            )
            ok = False
        elif column.key in found:
            problems.add(
                sheet.name,
                1,
                header,
                _("The column “%(header)s” appears twice.") % {"header": header},
            )
            ok = False
        else:
            found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            problems.add(
                sheet.name,
                1,
                str(column.header),
                _("The column “%(header)s” is missing.")
                % {"header": str(column.header)},
            )
            ok = False
    return found if ok else None


class Row:
    """One data row, read by column key; problems go to the shared list."""

    def __init__(
        self,
        sheet: str,
        number: int,
        cells: list,
        index: dict[str, int],
        columns: tuple[Column, ...],
        problems: Problems,
    ):
        self.sheet = sheet
        self.line = number
        self.cells = cells
        self.index = index
        self.headers = {c.key: str(c.header) for c in columns}
        self.problems = problems
        self.ok = True

    def raw(self, key: str):
        position = self.index.get(key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def problem(self, key: str, message: str) -> None:
        self.ok = False
        self.problems.add(self.sheet, self.line, self.headers.get(key, key), message)

    def text(self, key: str, *, max_length: int | None = None, required=False) -> str:
        text = cell_text(self.raw(key))
        if required and not text:
            self.problem(key, _("This cell is empty; it needs a value."))
        elif max_length and len(text) > max_length:
            self.problem(
                key,
                _("Keep this to %(limit)s characters or fewer (it has %(length)s).")
                % {"limit": f"{max_length:,}", "length": f"{len(text):,}"},
            )
        return text

    def number(self, key: str) -> Decimal | None:
        raw = self.raw(key)
        if raw is None:
            return None
        if isinstance(raw, bool):
            self.problem(key, _("This needs a number, not TRUE or FALSE."))
            return None
        if isinstance(raw, int | float | Decimal):
            return _finite(self, key, Decimal(str(raw)))
        text = cell_text(raw)
        if not text:
            return None
        cleaned = text.replace("\u00a0", "").replace(" ", "").rstrip("%")
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
            cleaned = cleaned.replace(",", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            self.problem(key, _("“%(text)s” is not a number.") % {"text": text[:40]})
            return None
        return _finite(self, key, value)

    def choice(self, key: str, choices: "Choices", *, default: str | None = None):
        text = self.text(key)
        if not text:
            if default is None:
                self.problem(key, _("This cell is empty; it needs a value."))
            return default
        value = choices.lookup.get(choice_key(text))
        if value is None:
            self.problem(
                key,
                _("“%(text)s” is not one of: %(choices)s.")
                % {"text": text[:40], "choices": "; ".join(choices.labels.values())},
            )
        return value

    def flag(self, key: str) -> bool:
        raw = self.text(key).strip()
        if raw in ("", "-"):
            return False
        if raw == "✓" or choice_key(raw) in YES_WORDS:
            return True
        if choice_key(raw) in NO_WORDS:
            return False
        self.problem(key, _("Write yes or no."))
        return False


def yes_no(flag: bool) -> str:
    """A yes/no cell as exports and templates write it, in the active language."""
    # Translators: a yes/no cell of a spreadsheet (Headline).
    return (
        pgettext("spreadsheet cell", "yes")
        if flag
        else pgettext("spreadsheet cell", "no")
    )


# Welsh answers "ie"/"na", and also "oes"/"nac oes" (is there?) or
# "do"/"naddo" (did it?); the English ones are read whatever the language.
YES_WORDS = frozenset({"yes", "y", "true", "1", "x", "kpi", "ie", "oes", "do"})
NO_WORDS = frozenset({"no", "n", "false", "0", "na", "nac oes", "naddo", "nage"})


def _finite(row: Row, key: str, value: Decimal) -> Decimal | None:
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        row.problem(key, _("This number is too large."))
        return None
    if value != value.quantize(Decimal("0.01"), rounding="ROUND_HALF_EVEN"):
        row.problem(key, _("Use at most two decimal places."))
        return None
    return value


def choice_key(text: str) -> str:
    """A label as compared: lower case, without accents ("sgôr" is "sgor"),
    punctuation and spacing."""
    plain = "".join(
        c
        for c in unicodedata.normalize("NFKD", text.casefold())
        if not unicodedata.combining(c)
    )
    return " ".join(re.sub(r"[^\w%/]+", " ", plain).split())


class Choices:
    """A choice's stored values, each with its labels and aliases.

    The first label of each (translated) is the one exports write and
    messages list, in the active language; an import accepts it in every
    language, and the stored value itself and the other aliases too,
    whatever their case, accents and punctuation.
    """

    def __init__(self, options: dict[str, tuple[str, ...]]):
        self.options = options

    @property
    def labels(self) -> dict[str, str]:
        """Each stored value's label in the active language."""
        return {value: str(labels[0]) for value, labels in self.options.items()}

    @cached_property
    def lookup(self) -> dict[str, str]:
        # Built on first use: translations are not ready at import time.
        lookup = {}
        for value, labels in self.options.items():
            for label in (*labels, value):
                for text in in_every_language(label):
                    lookup[choice_key(text)] = value
        return lookup
