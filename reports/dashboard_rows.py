"""The dashboard's per-measure markup, written in Python.

A 150-measure dashboard wrote each measure's item in its outcome's RBA column
and each headline measure's table row with a dozen template tags apiece.
These functions write the same markup once a measure, each fixed label
translated once a language (``partnerships.i18n.label_once``).
tests/reports/test_dashboard_rows.py holds them to the templates they
replaced, in English and Welsh.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships.i18n import label_once
from partnerships.templatetags.bilingual import bilingual

# Django's escape() is this on a str, less its lazy-string checks: what is
# escaped here are plain strings (figures, labels, notes, addresses).
esc = escape

_LABELS = {
    "kpi": gettext_lazy("KPI"),
    "latest": gettext_lazy("Latest quarter"),
    "target": gettext_lazy("Annual target"),
    "status": gettext_lazy("Status"),
    "trend": gettext_lazy("Last eight quarters"),
    "forecast": gettext_lazy("Against the forecast"),
    "none": gettext_lazy("None"),
    "loose": gettext_lazy("Measures for this priority"),
}


def _label(key: str) -> str:
    """A fixed label in the active language."""
    return label_once(("dashboard-rows", key), _LABELS[key])


def _breakdown_html(breakdown) -> str:
    """The latest breakdown's line: what ``{% blocktranslate %}`` wrote (the
    words translated, the names escaped), then the cells escaped."""
    words = _("By %(d)s, %(q)s:") % {
        "d": esc(breakdown.dimension),
        "q": esc(breakdown.label),
    }
    return f'<p class="breakdown-line small">{words} {esc(breakdown.text)}</p>'


def _notes_html(year) -> str:
    return "".join(
        f' <span class="status__missing small">{esc(note)}</span>'
        for note in (year.missing_note, year.due_note)
        if note
    )


def rba_item_html(summary) -> SafeString:
    """The measure's item in its outcome's RBA column on the dashboard."""
    year, measure = summary.year, summary.measure
    kpi = (
        f' <span class="tag tag--kpi">{esc(_label("kpi"))}</span>'
        if measure.is_headline
        else ""
    )
    target = (
        f' <span class="muted">/ {esc(year.target_display)}</span>'
        if year.target is not None
        else ""
    )
    breakdown = "\n" + _breakdown_html(summary.breakdown) if summary.breakdown else ""
    status = year.status
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<li>\n<a href="{esc(summary.url)}">{measure.name_html}</a>{kpi}'
        f'\n<div class="rba__figure"><span>{esc(year.display)}</span>{target}'
        f'\n<span class="status status--{esc(status)}">{esc(status.label)}</span>'
        f"{_notes_html(year)}</div>{breakdown}\n</li>"
    )


def measure_row_html(summary) -> SafeString:
    """The measure's row in a table of measures (the headline measures')."""
    year, measure = summary.year, summary.measure
    # What {% blocktranslate %} wrote: the words translated, the year escaped.
    so_far = _("%(year)s so far") % {"year": esc(year.label)}
    breakdown = _breakdown_html(summary.breakdown) if summary.breakdown else ""
    latest = summary.latest
    latest_html = (
        f'{esc(summary.latest_display)} <span class="muted small">'
        f"{esc(latest.label)}</span>"
        if latest
        else "—"
    )
    pro_rata = ""
    if year.pro_rata_target is not None and year.pro_rata_target != year.target:
        words = _("%(t)s pro rata") % {"t": esc(year.pro_rata_display)}
        pro_rata = f' <span class="muted small">({words})</span>'
    disagreement = summary.curve_disagreement
    why = (
        f'<p class="muted small curve__why">{esc(disagreement)}</p>'
        if disagreement
        else ""
    )
    status = year.status
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<tr>\n<th scope="row"><a href="{esc(summary.url)}">'
        f"{measure.name_html}</a>\n"
        f'<span class="muted small">{esc(measure.question_label)}</span>'
        f"{breakdown}</th>\n"
        f'<td data-label="{esc(_label("latest"))}">{latest_html}</td>\n'
        f'<td data-label="{so_far}">{esc(year.display)}</td>\n'
        f'<td data-label="{esc(_label("target"))}">{esc(year.target_display)}'
        f"{pro_rata}</td>\n"
        f'<td data-label="{esc(_label("status"))}"><span class="status status--'
        f'{esc(status)}">{esc(status.label)}</span>{_notes_html(year)}</td>\n'
        f'<td data-label="{esc(_label("trend"))}">{summary.sparkline}</td>\n'
        f'<td data-label="{esc(_label("forecast"))}"><span class="curve curve--'
        f'{esc(summary.curve)}">{esc(summary.curve_label)}</span>{why}</td>\n</tr>\n'
    )


def rba_group_html(group) -> SafeString:
    """An outcome's measures (or a priority's own) in RBA's three columns."""
    title = (
        bilingual(group.outcome, "statement", words=18)
        if group.outcome
        else _label("loose")
    )
    columns = []
    for heading, summaries in group.columns:
        if summaries:
            items = "".join(rba_item_html(s) for s in summaries)
            body = f'<ul class="rba__list">\n{items}\n</ul>'
        else:
            body = f'<p class="muted">{_label("none")}</p>'
        columns.append(
            f'<div class="rba__column">\n<h4>{esc(heading)}</h4>\n{body}\n</div>'
        )
    body = "\n".join(columns)
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<div class="rba">\n<h3 class="rba__title">{title}</h3>\n'
        f'<div class="rba__columns">\n{body}\n</div>\n</div>'
    )
