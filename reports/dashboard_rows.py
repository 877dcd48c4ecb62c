"""The dashboard's per-measure markup, written in Python.

A 150-measure dashboard wrote each measure's item in its outcome's RBA column
and each headline measure's table row with a dozen template tags apiece.
These functions write the same markup once a measure, each fixed label
translated once a language (``partnerships.i18n.label_once``).
tests/reports/test_dashboard_rows.py holds them to the templates they
replaced, in English and Welsh.
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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


def year_notes_html(year) -> str:
    """The year's notes beside its figure (what is missing, what is due),
    escaped: the dashboard's rows and the measure page's show them alike."""
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
        f"{year_notes_html(year)}</div>{breakdown}\n</li>"
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
        f'{esc(status)}">{esc(status.label)}</span>{year_notes_html(year)}</td>\n'
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


_BODY_LABELS = {
    "our_mission": gettext_lazy("Our mission"),
    "reporting_year": gettext_lazy("Reporting year"),
    "show": gettext_lazy("Show"),
    "mission_wide": gettext_lazy("Mission-wide measures"),
    "status": gettext_lazy("status"),
    "outcomes": gettext_lazy("Outcomes"),
    "headline": gettext_lazy("Headline measures"),
    "measures": gettext_lazy("Measures"),
    "no_measures": gettext_lazy("No measures yet."),
    "no_headline": gettext_lazy("No headline measures yet."),
    "actions": gettext_lazy("The action plan: each priority's actions by status"),
    "mission": gettext_lazy("Mission"),
    "what_it_looks_like": gettext_lazy("What this will look like:"),
    "measure": gettext_lazy("Measure"),
    "latest": gettext_lazy("Latest quarter"),
    "target": gettext_lazy("Annual target"),
    "status_heading": gettext_lazy("Status"),
    "trend": gettext_lazy("Last eight quarters"),
    "forecast": gettext_lazy("Against the forecast"),
    "status_explained": gettext_lazy(
        "Status compares the year so far with the target pro rata to the "
        "quarters reported: a summed measure with two quarters reported is "
        "compared with half its annual target. A quarter with no figure is "
        "named beside the status, never counted as zero."
    ),
}


def _text(key: str) -> str:
    """A fixed text of the page's body in the active language, as
    ``{% translate "..." %}`` and ``{% blocktranslate %}`` wrote it: a
    template's literal is safe, so its translation is not escaped."""
    return label_once(("dashboard-body", key), _BODY_LABELS[key])


def _status_items(counts) -> str:
    return "".join(
        f'<li class="status status--{esc(status)}"><span class="status__count">'
        f"{count}</span> {esc(status.label)}</li>"
        for status, count in counts
    )


def _compact_counts(label: str, counts) -> str:
    """A section's status counts, as the glance list and the section show them."""
    return (
        '<ul class="status-summary status-summary--compact" aria-label="'
        f'{label}: {_text("status")}">\n{_status_items(counts)}\n</ul>'
    )


def measure_table_html(dashboard, summaries, caption: str) -> str:
    """A table of measures (``reports/includes/measure_table.html`` as was)."""
    # What {% blocktranslate %} wrote: the words translated, the year escaped.
    so_far = _("%(year)s so far") % {"year": esc(dashboard.year_label)}
    rows = "".join(s.table_row for s in summaries)
    return (
        '<div class="table-wrap table-wrap--stack">\n<table class="measures">\n'
        f'<caption class="visually-hidden">{caption}</caption>\n'
        "<thead>\n<tr>\n"
        f'<th scope="col">{_text("measure")}</th>\n'
        f'<th scope="col">{_text("latest")}</th>\n'
        f'<th scope="col">{so_far}</th>\n'
        f'<th scope="col">{_text("target")}</th>\n'
        f'<th scope="col">{_text("status_heading")}</th>\n'
        f'<th scope="col">{_text("trend")}</th>\n'
        f'<th scope="col">{_text("forecast")}</th>\n'
        "</tr>\n</thead>\n<tbody>\n"
        f"{rows}\n</tbody>\n</table>\n</div>"
    )


def _head_html(dashboard) -> str:
    mission = dashboard.mission
    mission_html = ""
    if mission:
        by = ""
        if mission.target_year_unsaid:
            words = _("by %(year)s") % {"year": esc(str(mission.target_year))}
            by = f' <span class="muted">({words})</span>'
        mission_html = (
            f'\n<p class="mission"><span class="mission__label">'
            f"{_text('our_mission')}</span>\n"
            f"{bilingual(mission, 'statement')}{by}</p>"
        )
    options = "".join(
        f'<option value="{esc(str(value))}" '
        f"{'selected' if value == dashboard.year else ''}>{esc(label)}</option>"
        for value, label in dashboard.years
    )
    return (
        f'<div class="page-head">\n<div>\n<h1>{esc(str(dashboard.partnership.name))}'
        f"</h1>{mission_html}\n</div>\n"
        '<form method="get" class="year-picker">\n'
        f'<label for="year">{_text("reporting_year")}</label>\n'
        f'<select id="year" name="year">\n{options}\n</select>\n'
        '<button type="submit" class="button button--secondary">'
        f"{_text('show')}</button>\n</form>\n</div>"
    )


def _section_counts_label(section) -> str:
    return _text("headline") if section.headline else _text("measures")


def _glance_html(dashboard) -> str:
    items = []
    if dashboard.mission_measures:
        items.append(
            '<li class="glance__item">\n<a class="glance__name" '
            f'href="#mission-measures">{_text("mission_wide")}</a>\n'
            f"{_compact_counts(_text('mission_wide'), dashboard.mission_status_counts)}"
            "\n</li>"
        )
    for number, section in enumerate(dashboard.priorities, 1):
        name = (
            esc(str(section.priority.name)) if section.priority else _text("outcomes")
        )
        counts = section.status_counts
        if counts:
            standing = _compact_counts(_section_counts_label(section), counts)
        else:
            standing = f'<span class="muted small">{_text("no_measures")}</span>'
        items.append(
            '<li class="glance__item">\n<a class="glance__name" '
            f'href="#priority-{number}">{name}</a>\n{standing}\n</li>'
        )
    heading = _("Priorities in %(year)s") % {"year": esc(dashboard.year_label)}
    body = "\n".join(items)
    return (
        '<section aria-labelledby="glance-heading" class="summary glance-section">\n'
        f'<h2 id="glance-heading">{heading}</h2>\n'
        f'<ul class="glance" aria-labelledby="glance-heading">\n{body}\n</ul>\n'
        "</section>"
    )


def _summary_html(dashboard) -> str:
    counts = dashboard.headline_status_counts
    if counts:
        items = "\n".join(
            f'<li class="status status--{esc(status)}"><span class="status__count">'
            f"{count}</span> {esc(status.label)}</li>"
            for status, count in counts
        )
    else:
        items = f"<li>{_text('no_headline')}</li>"
    heading = _("Headline measures in %(year)s") % {"year": esc(dashboard.year_label)}
    return (
        '<section aria-labelledby="summary-heading" class="summary">\n'
        f'<h2 id="summary-heading">{heading}</h2>\n'
        f'<ul class="status-summary">\n{items}\n</ul>\n'
        f'<p class="muted">{_text("status_explained")}</p>\n</section>'
    )


def _outcomes_html(outcomes) -> str:
    items = []
    for outcome in outcomes:
        looks = ""
        if outcome.what_it_looks_like:
            looks = (
                f'\n<p class="muted">{_text("what_it_looks_like")} '
                f"{bilingual(outcome, 'what_it_looks_like')}</p>"
            )
        items.append(
            f'<li><span class="tag">{esc(str(outcome.get_horizon_display()))}</span> '
            f"{bilingual(outcome, 'statement')}{looks}\n</li>"
        )
    count = len(outcomes)
    summary = ngettext("%(counter)s outcome", "%(counter)s outcomes", count) % {
        "counter": count
    }
    body = "\n".join(items)
    return (
        f'<details class="outcomes">\n<summary>{summary}</summary>\n'
        f'<ol class="outcome-list">\n{body}\n</ol>\n</details>'
    )


def _priority_html(dashboard, number: int, section) -> str:
    priority = section.priority
    parts = [
        f'<section class="priority" aria-labelledby="priority-{number}">',
        f'<h2 id="priority-{number}">'
        f"{bilingual(priority, 'name') if priority else _text('outcomes')}</h2>",
    ]
    counts = section.status_counts
    if counts:
        parts.append(_compact_counts(_section_counts_label(section), counts))
    if priority and priority.mission_statement:
        parts.append(
            '<p class="priority__mission"><span class="mission__label">'
            f"{_text('mission')}</span> "
            f"{bilingual(priority, 'mission_statement')}</p>"
        )
    if section.headline:
        parts.append(f"<h3>{_text('headline')}</h3>")
        parts.append(measure_table_html(dashboard, section.headline, _text("headline")))
    if section.outcomes:
        parts.append(_outcomes_html(section.outcomes))
    parts.extend(group.rba_html for group in section.sections if group.measures)
    parts.append("</section>")
    return "\n".join(parts)


def dashboard_body_html(dashboard) -> SafeString:
    """The dashboard's content (``reports/includes/dashboard_body.html`` as
    was): the heading and year picker, the priorities at a glance, the
    headline measures' standing, and each priority's tables and columns.
    Written without the request, so nothing of the person is in it."""
    slug = dashboard.partnership.slug
    actions = esc(reverse("delivery:actions_by_status", args=[slug]))
    parts = [_head_html(dashboard)]
    if dashboard.priorities:
        parts.append(_glance_html(dashboard))
    parts.append(
        f'<p id="actions-by-status"><a href="{actions}" hx-get="{actions}" '
        'hx-trigger="load" hx-target="#actions-by-status" hx-swap="outerHTML">'
        f"{_text('actions')}</a></p>"
    )
    parts.append(_summary_html(dashboard))
    if dashboard.mission_measures:
        parts.append(
            '<section class="priority" aria-labelledby="mission-measures">\n'
            f'<h2 id="mission-measures">{_text("mission_wide")}</h2>\n'
            + measure_table_html(
                dashboard, dashboard.mission_measures, _text("mission_wide")
            )
            + "\n</section>"
        )
    parts.extend(
        _priority_html(dashboard, number, section)
        for number, section in enumerate(dashboard.priorities, 1)
    )
    return mark_safe("\n".join(parts) + "\n")  # noqa: S308 (every value escaped)
