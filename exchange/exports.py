"""The export's other tables: each measure's year figures, and breakdowns.

An XLSX export holds three sheets: the figures (``values.SHEET``, the one
an import reads back), "Year summary" (one row per measure and reporting
year, the figures the dashboard, measure page and report show, from
``reports.year_figures.year_summary_list``: the dashboard's figures without the
rest of its read model) and "Breakdowns" (long format: one row per quarter,
measure and category, because measures have different breakdowns and a
column per category would leave most cells empty). A CSV holds one table,
the one asked for.
"""

from django.utils.translation import gettext_lazy as _

from kpis.models import DimensionCategory, QuarterlyValue
from kpis.periods import Quarter
from kpis.rules import Status
from partnerships.models import Partnership
from reports.selectors import CURVE_LABELS
from reports.year_figures import year_summary_list

from . import values
from .selectors import export_figure_rows
from .spreadsheets import SheetSpec

SUMMARY_SHEET = _("Year summary")
SUMMARY_HEADERS = [
    _("Year"),
    _("Code"),
    _("Name"),
    _("Figure"),
    _("Target"),
    _("Target for the quarters reported"),
    _("Status"),
    _("Quarters reported"),
    _("Quarters ended"),
    _("Missing"),
    _("Turning the curve"),
]
SUMMARY_WIDTHS = (10, 10, 50, 16, 12, 16, 14, 12, 12, 30, 20)


def summary_headers() -> list[str]:
    """The year summary's headers, in the request's language."""
    return [str(header) for header in SUMMARY_HEADERS]


BREAKDOWN_SHEET = _("Breakdowns")
BREAKDOWN_HEADERS = [
    _("Quarter"),
    _("Code"),
    _("Name"),
    _("Breakdown"),
    _("Category"),
    _("Count"),
]
BREAKDOWN_WIDTHS = (12, 10, 50, 30, 30, 10)


def breakdown_headers() -> list[str]:
    """The breakdowns' headers, in the request's language."""
    return [str(header) for header in BREAKDOWN_HEADERS]


def _years(partnership: Partnership, year: int | None) -> list[int]:
    if year is not None:
        return [year]
    # The distinct years from the database: a few rows, not one per figure.
    return list(
        QuarterlyValue.objects.filter(partnership_id=partnership.pk)
        .values_list("period__year", flat=True)
        .order_by("period__year")
        .distinct()
    )


def year_summary_rows(*, partnership: Partnership, year: int | None) -> list[list]:
    """One row per measure and reporting year (every year with figures)."""
    rows = []
    # Each label translated once, not per row.
    statuses = {status: str(status.label) for status in Status}
    curves = {verdict: str(label) for verdict, label in CURVE_LABELS.items()}
    for shown in _years(partnership, year):
        for summary in year_summary_list(partnership=partnership, year=shown):
            figures = summary.year
            rows.append(
                [
                    figures.label,
                    summary.measure.code,
                    summary.measure.name,
                    figures.figure,
                    figures.target,
                    figures.pro_rata_target,
                    statuses[figures.status],
                    len(figures.reported),
                    figures.quarters_ended,
                    figures.missing_note,
                    curves[summary.curve],
                ]
            )
    return rows


def breakdown_rows(
    *, partnership: Partnership, year: int | None, figures: list[tuple] | None = None
) -> list[list]:
    """One row per figure's breakdown cell, in quarter and measure order,
    from ``figures`` (``selectors.export_figure_rows``: the Values sheet's
    read; read here, broken-down figures only, when not given)."""
    if figures is None:
        figures = export_figure_rows(
            partnership=partnership, year=year, broken_down_only=True
        )
    broken_down = [figure for figure in figures if figure[-1]]
    if not broken_down:
        return []
    categories = {
        pk: (position, name)
        for pk, position, name in DimensionCategory.objects.filter(
            partnership=partnership
        ).values_list("pk", "position", "name")
    }
    unknown = (0, "?")
    start = partnership.reporting_year_start_month
    quarters: dict[tuple[int, int], str] = {}
    rows = []
    for (
        shown,
        quarter,
        code,
        measure_name,
        *_figures,
        first,
        second,
        breakdown,
    ) in broken_down:
        dimensions = " × ".join(d for d in (first, second) if d)
        label = quarters.get((shown, quarter))
        if label is None:
            label = quarters[shown, quarter] = Quarter(shown, quarter, start).label
        cells = [
            ([categories.get(int(part), unknown) for part in key.split(":")], count)
            for key, count in breakdown.items()
        ]
        # In the categories' own order, as the entry grid shows them.
        for parts, count in sorted(cells, key=lambda cell: cell[0]):
            category = " × ".join(part for _position, part in parts)
            rows.append([label, code, measure_name, dimensions, category, count])
    return rows


def figures_workbook(*, partnership: Partnership, year: int | None) -> bytes:
    """The XLSX export of the figures (one year, or all): the Values sheet,
    the year summary and the breakdowns, the first and the last from one
    read of the figures. Headers and sheet names in the active language."""
    figures = export_figure_rows(partnership=partnership, year=year)
    return values.values_file(
        values.values_export_rows(partnership=partnership, year=year, figures=figures),
        file_format="xlsx",
        guide=False,
        more=[
            SheetSpec(
                str(SUMMARY_SHEET),
                summary_headers(),
                year_summary_rows(partnership=partnership, year=year),
                SUMMARY_WIDTHS,
            ),
            SheetSpec(
                str(BREAKDOWN_SHEET),
                breakdown_headers(),
                breakdown_rows(partnership=partnership, year=year, figures=figures),
                BREAKDOWN_WIDTHS,
            ),
        ],
    )
