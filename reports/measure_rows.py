"""The measure page's repeated rows, written in Python.

The measure page shows four reporting years: a row a year, a row a quarter
in the chart's table, and a quarter's story, breakdown and history for every
figure (16 or more, each with its history's rows). Each of those took a
dozen template tags and lookups a row; these functions write the same markup
once a row, each fixed label translated once a language
(``partnerships.i18n.label_once``). tests/reports/test_measure_rows.py holds
them to the templates they replaced, in English and Welsh.
"""

from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kpis.templatetags.breakdown_labels import quarter_by
from partnerships.i18n import label_once

from .dashboard_rows import esc, year_notes_html

_LABELS = {
    "reported": gettext_lazy("Quarters reported"),
    "so_far": gettext_lazy("Year so far"),
    "pro_rata": gettext_lazy("Target (pro rata)"),
    "status": gettext_lazy("Status"),
    "not_reported": gettext_lazy("Not reported"),
    "locked": gettext_lazy("Locked"),
    "no_story": gettext_lazy("No story given."),
    "breakdown": gettext_lazy("Breakdown"),
    "all": gettext_lazy("All"),
    "breakdown_total": gettext_lazy("Breakdown total"),
    "history": gettext_lazy("History"),
    "when": gettext_lazy("When"),
    "who": gettext_lazy("Who"),
    "how": gettext_lazy("How"),
    "what": gettext_lazy("What changed"),
    "count": gettext_lazy("Count"),
}


def _label(key: str) -> str:
    """A fixed label in the active language, written as ``{% translate %}``
    writes it: a translation is not escaped."""
    return label_once(("measure-rows", key), _LABELS[key])


def _shown(value) -> str:
    """A value as ``{{ value }}`` writes it: localised, then escaped (a plain
    string or a whole number as it is)."""
    kind = type(value)
    if kind is str:
        return esc(value)
    if kind is int:
        return str(value)
    return conditional_escape(localize(template_localtime(value)))


def _month(month: int) -> str:
    """Django's "M" of a date: the month's three letters, title-cased."""
    return label_once(("month-3", month), MONTHS_3[month]).title()


def _when(value, *, seconds: bool = False) -> str:
    """``{{ value|date:"j M Y H:i" }}`` (``:s`` with ``seconds``), each
    month's name looked up once a language."""
    moment = template_localtime(value)
    text = (
        f"{moment.day} {_month(moment.month)} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}"
    )
    if seconds:
        text += f":{moment.second:02d}"
    return esc(text)


def year_rows_html(years) -> SafeString:
    """The "By year" table's rows, one a reporting year (``YearFigures``)."""
    reported_label, so_far_label = _label("reported"), _label("so_far")
    pro_rata_label, status_label = _label("pro_rata"), _label("status")
    rows = []
    for year in years:
        # What {% blocktranslate %} wrote: the numbers in the words.
        reported = _("%(reported)s of %(ended)s") % {
            "reported": len(year.reported),
            "ended": year.quarters_ended,
        }
        status = year.status
        rows.append(
            f'\n<tr><th scope="row">{esc(year.label)}</th>'
            f'<td data-label="{reported_label}">{reported}</td>'
            f'<td data-label="{so_far_label}">{esc(year.display)}</td>'
            f'<td data-label="{pro_rata_label}">{esc(year.pro_rata_display)}</td>'
            f'\n<td data-label="{status_label}"><span class="status '
            f'status--{esc(status)}">{esc(status.label)}</span>'
            f"{year_notes_html(year)}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


def series_rows_html(series) -> SafeString:
    """The chart's figures as a table's rows, one a quarter."""
    not_reported = _label("not_reported")
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<tr><th scope="row">{esc(point.label)}</th><td>'
            + (
                not_reported
                if point.value is None
                else str(floatformat(point.value, "-2"))
            )
            + "</td></tr>"
            for point in series
        )
    )


def history_rows_html(entries) -> SafeString:
    """A history table's rows: when, who, how (the path) and what changed."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"<tr><td>{_when(entry.at, seconds=True)}</td><td>{_shown(entry.who)}"
            f"</td><td>{_shown(entry.path)}</td><td>"
            + "; ".join(_shown(change) for change in entry.changes)
            + "</td></tr>"
            for entry in entries
        )
    )


def _breakdown_html(table, quarter_label: str, unit: str) -> str:
    if table.columns:
        head = "".join(f'<th scope="col">{_shown(c)}</th>' for c in table.columns)
        head += f'<th scope="col">{_label("all")}</th>'
    else:
        head = f'<th scope="col">{_shown(capfirst(unit)) if unit else _label("count")}</th>'
    body = []
    for name, cells, total in table.rows:
        shown = (
            "".join(
                f"<td>{'—' if cell is None else _shown(cell)}</td>" for cell in cells
            )
            if table.columns
            else ""
        )
        body.append(
            f'<tr><th scope="row">{_shown(name)}</th>{shown}<td>{_shown(total)}</td></tr>'
        )
    totals = (
        "".join(f"<td>{_shown(total)}</td>" for total in table.column_totals)
        if table.columns
        else ""
    )
    caption = esc(quarter_by(quarter_label, table.first, table.second))
    return (
        f'\n<div class="table-wrap" role="region" aria-label="'
        f'{_label("breakdown")}" tabindex="0">'
        f'\n<table class="measures breakdown-table">\n<caption>{caption}</caption>'
        f'\n<thead><tr><th scope="col">{_shown(table.first)}</th>{head}</tr></thead>'
        f"\n<tbody>\n{''.join(body)}\n</tbody>"
        f'\n<tfoot><tr><th scope="row">{_label("breakdown_total")}</th>'
        f"{totals}<td>{_shown(table.total)}</td></tr></tfoot>\n</table>\n</div>"
    )


def _history_html(history, quarter_label: str) -> str:
    summary = ngettext(
        "History of %(q)s (%(counter)s change)",
        "History of %(q)s (%(counter)s changes)",
        len(history),
    ) % {"q": esc(quarter_label), "counter": len(history)}
    return (
        f'\n<details class="history-details">\n<summary>{summary}</summary>'
        f'\n<div class="table-wrap" role="region" aria-label="'
        f'{_label("history")}" tabindex="0">\n<table class="measures history">'
        f'\n<thead><tr><th scope="col">{_label("when")}</th><th scope="col">'
        f'{_label("who")}</th><th scope="col">{_label("how")}</th>'
        f'<th scope="col">{_label("what")}</th></tr></thead>'
        f"\n<tbody>{history_rows_html(history)}</tbody>\n</table>\n</div>\n</details>"
    )


def story_html(row, unit: str) -> SafeString:
    """One quarter's story, breakdown and history (a ``ValueRow`` of a
    ``reports.selectors.MeasureFigure``), in the
    measure page's list; ``unit`` is the measure's, in the page's language."""
    value = row.value
    period = value.period
    quarter_label = period.label
    locked = (
        f'<span class="review review--locked">{_label("locked")}</span>'
        if period.is_locked
        else ""
    )
    story = (
        f"<p>{linebreaksbr(value.story, autoescape=True)}</p>"
        if value.story
        else f'<p class="muted">{_label("no_story")}</p>'
    )
    returned = (
        '\n<p class="notice notice--returned">'
        + _("Returned: %(reason)s") % {"reason": _shown(value.return_reason)}
        + "</p>"
        if value.status == "returned"
        else ""
    )
    when = _when(value.updated_at)
    if value.entered_by:
        saved = _("Figure last saved by %(who)s, %(when)s") % {
            "who": _shown(value.entered_by),
            "when": when,
        }
    else:
        saved = _("Figure last saved %(when)s") % {"when": when}
    breakdown = (
        _breakdown_html(row.breakdown, quarter_label, unit) if row.breakdown else ""
    )
    history = _history_html(row.history, quarter_label) if row.history else ""
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n<li id="quarter-{esc(period.as_quarter.key)}">'
        f'\n<h3 class="stories__quarter">{esc(quarter_label)}'
        f'\n<span class="review review--{esc(value.status)}">'
        f"{esc(value.get_status_display())}</span>\n{locked}</h3>"
        f"\n{story}{returned}\n"
        f'<p class="muted small">{saved}</p>{breakdown}{history}\n</li>'
    )
