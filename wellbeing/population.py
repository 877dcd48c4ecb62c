"""Population data: importing national indicator series from CSV files.

The layout, modelled on StatsWales downloads (one row per area and period):

    # Any lines before the header that start with "#" are notes: the source,
    # the licence. A note containing "SAMPLE DATA" marks made-up figures.
    Indicator,Area code,Area,Period,Value,Breakdown
    3,W06000006,Wrexham,2019-20,17.2,
    3,W92000004,Wales,2019-20,18.0,

* ``Indicator``: the national indicator's number in the framework the import
  is for (``--framework``);
* ``Area code`` and ``Area``: the official code (e.g. GSS W06000006) and name;
* ``Period``: ``2021`` (a calendar year, starting 1 January) or ``2019-20``
  (a financial year, starting 1 April, as StatsWales labels them); an
  optional ``Period start`` column (YYYY-MM-DD) overrides that reading;
* ``Value``: a number; ``..`` or empty (StatsWales for "not available") skips
  the row without error;
* ``Breakdown`` (optional column): empty for the whole population.

Every row is checked before anything is written; one bad row and nothing is
imported, and each bad row is reported by its line number in the file.
Importing the same file again changes nothing (rows are matched on series,
area and period start, and their values replaced).
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from partnerships import tenancy

from .models import (
    IndicatorObservation,
    IndicatorSeries,
    NationalFramework,
    NationalIndicator,
)

REQUIRED_COLUMNS = ("Indicator", "Area code", "Area", "Period", "Value")
NOT_AVAILABLE = {"", ".."}
SAMPLE_MARK = "SAMPLE DATA"

_CALENDAR_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")


@dataclass(frozen=True)
class ParsedRow:
    line: int
    indicator: NationalIndicator
    breakdown: str
    area_code: str
    area_name: str
    period_label: str
    period_start: datetime.date
    value: Decimal


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    series: int = 0


class IndicatorImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def period_start(label: str) -> datetime.date | None:
    """When a period labelled as StatsWales labels them starts."""
    label = label.strip()
    if match := _CALENDAR_YEAR.match(label):
        return datetime.date(int(match[1]), 1, 1)
    if match := _FINANCIAL_YEAR.match(label):
        first = int(match[1])
        second = int(match[2][-2:])
        if (first + 1) % 100 == second:
            return datetime.date(first, 4, 1)
    return None


def _split_notes(text: str) -> tuple[list[str], list[str], int]:
    lines = text.splitlines()
    notes = []
    offset = 0
    for line in lines:
        if line.startswith("#"):
            notes.append(line.lstrip("#").strip())
        elif line.strip():
            break
        offset += 1
    return notes, lines[offset:], offset


def parse(
    text: str, *, framework: NationalFramework
) -> tuple[list[ParsedRow], list[str], int, list[str]]:
    """(rows, notes, skipped, errors): every row checked, nothing written."""
    notes, lines, offset = _split_notes(text)
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return (
            [],
            notes,
            0,
            [
                f"Line {offset + 1}: the header lacks "
                + ", ".join(missing)
                + " (expected "
                + ",".join(REQUIRED_COLUMNS)
                + "[,Breakdown][,Period start])."
            ],
        )
    reader.fieldnames = header
    indicators = {
        i.number: i for i in NationalIndicator.objects.filter(framework=framework)
    }
    rows: list[ParsedRow] = []
    errors: list[str] = []
    skipped = 0
    seen: dict[tuple, int] = {}
    for index, raw in enumerate(reader):
        # The line in the file: notes, the header, then one line per row.
        line = offset + 2 + index
        raw = {k: (v or "").strip() for k, v in raw.items() if k}
        problems = []
        indicator = None
        number = raw.get("Indicator", "")
        if not (number.isdecimal() and len(number) <= 6):
            problems.append(f"Indicator {number!r} is not a number")
        elif int(number) not in indicators:
            problems.append(f"no indicator {number} in {framework.name}")
        else:
            indicator = indicators[int(number)]
        for column in ("Area code", "Area"):
            if not raw.get(column):
                problems.append(f"{column} is empty")
        label = raw.get("Period", "")
        start = None
        if raw.get("Period start"):
            try:
                start = datetime.date.fromisoformat(raw["Period start"])
            except ValueError:
                problems.append(f"Period start {raw['Period start']!r} is not a date")
        elif not label:
            problems.append("Period is empty")
        else:
            start = period_start(label)
            if start is None:
                problems.append(
                    f"Period {label!r} is neither a year (2021) nor a "
                    "financial year (2019-20); add a Period start column"
                )
        value_text = raw.get("Value", "")
        value = None
        if value_text in NOT_AVAILABLE:
            if not problems:
                skipped += 1
                continue
        else:
            try:
                value = Decimal(value_text.replace(",", ""))
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(f"Value {value_text!r} is not a number")
        if not problems:
            key = (indicator.pk, raw.get("Breakdown", ""), raw["Area code"], start)
            if key in seen:
                problems.append(f"repeats line {seen[key]} (same area and period)")
            else:
                seen[key] = line
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        rows.append(
            ParsedRow(
                line=line,
                indicator=indicator,
                breakdown=raw.get("Breakdown", ""),
                area_code=raw["Area code"],
                area_name=raw["Area"],
                period_label=label or start.isoformat(),
                period_start=start,
                value=value,
            )
        )
    return rows, notes, skipped, errors


def indicator_series_import(*, text: str, framework: NationalFramework) -> ImportResult:
    """Import a CSV file's series; raises IndicatorImportError, writing
    nothing, if any row is bad. Platform staff only: it runs in the platform
    context, the one in which the database accepts reference data writes."""
    with tenancy.platform_scope():
        rows, notes, skipped, errors = parse(text, framework=framework)
        if errors:
            raise IndicatorImportError(errors)
        if not rows:
            raise IndicatorImportError(["The file has no rows with values."])
        result = ImportResult(skipped=skipped)
        note = "\n".join(n for n in notes if n)
        with transaction.atomic():
            series_by_key: dict[tuple[int, str], IndicatorSeries] = {}
            for key in sorted({(r.indicator.pk, r.breakdown) for r in rows}):
                series, _ = IndicatorSeries.objects.update_or_create(
                    indicator_id=key[0],
                    breakdown=key[1],
                    defaults={
                        "source_note": note,
                        "is_sample": SAMPLE_MARK in note.upper(),
                        "imported_at": timezone.now(),
                    },
                )
                series_by_key[key] = series
            result.series = len(series_by_key)
            existing = {
                (o.series_id, o.area_code, o.period_start): o
                for o in IndicatorObservation.objects.filter(
                    series__in=series_by_key.values()
                )
            }
            for row in rows:
                series = series_by_key[(row.indicator.pk, row.breakdown)]
                found = existing.get((series.pk, row.area_code, row.period_start))
                if found is None:
                    IndicatorObservation.objects.create(
                        series=series,
                        area_code=row.area_code,
                        area_name=row.area_name,
                        period_label=row.period_label,
                        period_start=row.period_start,
                        value=row.value,
                    )
                    result.created += 1
                elif (found.value, found.area_name, found.period_label) != (
                    row.value,
                    row.area_name,
                    row.period_label,
                ):
                    found.value = row.value
                    found.area_name = row.area_name
                    found.period_label = row.period_label
                    found.save(update_fields=["value", "area_name", "period_label"])
                    result.updated += 1
                else:
                    result.unchanged += 1
        return result


def observation_lines(
    observations: Iterable[IndicatorObservation],
) -> dict[str, list[IndicatorObservation]]:
    """Observations grouped by area code, each area's in time order."""
    lines: dict[str, list[IndicatorObservation]] = {}
    for observation in sorted(
        observations, key=lambda o: (o.area_code, o.period_start)
    ):
        lines.setdefault(observation.area_code, []).append(observation)
    return lines
