"""The published copy of a partnership's public page: built, stored, read.

Public requests have no tenant context, so row-level security shows them no
tenant row. The one way a public surface reaches a partnership's figures is
``snapshot_get``: it reads the partnership's ``Publication`` (readable only
while published), and when the stored copy is older than the data version
(or than today: quarters end, curves move) it builds a new one under the
tenant context of exactly that partnership, reading only what is published
and applying disclosure control before anything leaves the builder. Pages,
embeds and open data render from the copy's plain JSON, never from a model,
so nothing unpublished or unprotected can reach a template by mistake.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kpis import rules
from kpis.forecast import CurveVerdict, curve_verdict
from kpis.models import Aggregation, ValueType
from kpis.periods import year_label
from kpis.selectors import category_map, measure_list
from outcomes.selectors import mission_get, priority_list
from partnerships import tenancy
from partnerships.bilingual import text_for
from partnerships.models import Partnership
from reports.charts import (
    Point,
    describe,
    describe_milestone,
    line_chart,
    milestone_chart,
)
from reports.models import ReportStatus
from reports.selectors import (
    CURVE_LABELS,
    annual_report_list,
    forecast_bounds,
    measure_history_get,
)

from . import disclosure
from .disclosure import YEAR, State, Sum, category_total, cell, quarter_total
from .models import (
    EditionStatus,
    Publication,
    PublicSnapshot,
    PublishedMeasure,
    PublishedPriority,
    PublishedReport,
)

LANGUAGES = ("en-gb", "cy")
LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}


def publication_for_slug(slug: str) -> Publication | None:
    """The published partnership of this slug, or None: unpublished and
    unknown look the same."""
    return (
        Publication.objects.select_related("partnership")
        .filter(partnership__slug=slug, is_published=True)
        .first()
    )


def snapshot_get(publication: Publication) -> dict:
    """The partnership's published copy as of its data version and today."""
    today = timezone.localdate()
    stored = (
        PublicSnapshot.objects.filter(
            partnership_id=publication.partnership_id,
            data_version=publication.data_version,
            built_on=today,
        )
        .values_list("payload", flat=True)
        .first()
    )
    if stored is not None:
        return stored
    with tenancy.partnership_scope(publication.partnership_id):
        payload = snapshot_build(partnership=publication.partnership)
        PublicSnapshot.objects.update_or_create(
            partnership_id=publication.partnership_id,
            defaults={
                "data_version": publication.data_version,
                "built_on": today,
                "payload": payload,
            },
        )
    return payload


@dataclass
class Figure:
    value: Decimal | None
    state: State = State.SHOWN


def _text(obj, field: str) -> dict:
    """A text in the page's language, and the language it is in when it fell
    back to English (the page marks it ``lang``)."""
    text = text_for(obj, field)
    return {"text": text.text, "lang": text.fallback_language or ""}


def display_figure(value_type: str, figure: Figure, threshold: int) -> str:
    if figure.state == State.SMALL:
        return _("fewer than %(threshold)s") % {"threshold": threshold}
    if figure.state == State.WITHHELD:
        return _("withheld")
    return rules.format_figure(value_type, figure.value)


def _count(value) -> int | None:
    return None if value is None else int(value)


def _first_dimension_cells(breakdown: dict) -> dict[int, int]:
    cells: dict[int, int] = defaultdict(int)
    for key, amount in (breakdown or {}).items():
        cells[int(str(key).split(":")[0])] += int(amount or 0)
    return dict(cells)


def protected_year(measure, values_by_quarter, categories, threshold: int):
    """One year of a measure: each quarter's figure, each category's cells and
    totals, and the year's figure, as Figures with disclosure control applied.

    ``values_by_quarter``: {quarter number: QuarterlyValue}. Returns
    (quarters {q: Figure}, cells {(category id, q): Figure},
    category totals {category id: Figure}, year Figure).
    """
    kind, aggregation = measure.value_type, measure.aggregation
    if not disclosure.counts_people(measure):
        # A count of events discloses no one: the same tables, all shown.
        threshold = 0
    entries = [rules.Entry.of(v) for _q, v in sorted(values_by_quarter.items())]
    true_year = rules.year_figure(kind, aggregation, entries)
    quarters = sorted(values_by_quarter)
    if kind == ValueType.COUNT:
        values = {
            quarter_total(q): _count(values_by_quarter[q].value) for q in quarters
        }
        ids = [c.pk for c in categories]
        by_quarter = {
            q: _first_dimension_cells(values_by_quarter[q].breakdown) for q in quarters
        }
        with_breakdown = [q for q in quarters if by_quarter[q]]
        for q in with_breakdown:
            for c in ids:
                values[cell(c, q)] = by_quarter[q].get(c, 0)
        adds_up = aggregation == Aggregation.SUM
        sums = [
            Sum(quarter_total(q), tuple(cell(c, q) for c in ids))
            for q in with_breakdown
            if ids
        ]
        if adds_up:
            values[YEAR] = _count(true_year)
            sums.append(Sum(YEAR, tuple(quarter_total(q) for q in quarters)))
            if ids and with_breakdown and with_breakdown == quarters:
                for c in ids:
                    values[category_total(c)] = sum(
                        by_quarter[q].get(c, 0) for q in quarters
                    )
                sums += [
                    Sum(category_total(c), tuple(cell(c, q) for q in quarters))
                    for c in ids
                ]
                sums.append(Sum(YEAR, tuple(category_total(c) for c in ids)))
        elif aggregation == Aggregation.LATEST and quarters:
            values[YEAR] = _count(true_year)
            latest = (
                next(
                    q
                    for q in reversed(quarters)
                    if values[quarter_total(q)] is not None
                )
                if any(values[quarter_total(q)] is not None for q in quarters)
                else None
            )
            if latest is not None:
                sums.append(Sum(YEAR, (quarter_total(latest),)))
        states = disclosure.protect(values, sums, threshold)
        quarter_figures = {
            q: Figure(values_by_quarter[q].value, states[quarter_total(q)])
            for q in quarters
        }
        cells = {
            (c, q): Figure(Decimal(values[cell(c, q)]), states[cell(c, q)])
            for q in with_breakdown
            for c in ids
        }
        totals = {
            c: Figure(Decimal(values[category_total(c)]), states[category_total(c)])
            for c in ids
            if category_total(c) in values
        }
        if YEAR in states:
            year = Figure(true_year, states[YEAR])
        else:
            hidden = any(f.state != State.SHOWN for f in quarter_figures.values())
            year = Figure(
                true_year,
                State.WITHHELD if hidden and true_year is not None else State.SHOWN,
            )
        return quarter_figures, cells, totals, year
    if kind in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE):
        quarter_figures = {}
        for q in quarters:
            entry = rules.Entry.of(values_by_quarter[q])
            figure = rules.quarter_figure(kind, entry)
            shown = figure is None or disclosure.percentage_shown(
                entry.denominator, threshold
            )
            quarter_figures[q] = Figure(
                figure, State.SHOWN if shown else State.WITHHELD
            )
        if aggregation == Aggregation.RATIO_OF_SUMS:
            denominators = [e.denominator for e in entries if e.denominator is not None]
            total = sum(denominators, Decimal(0)) if denominators else None
            shown = true_year is None or disclosure.percentage_shown(total, threshold)
        else:
            shown = all(f.state == State.SHOWN for f in quarter_figures.values())
        year = Figure(true_year, State.SHOWN if shown else State.WITHHELD)
        return quarter_figures, {}, {}, year
    # Scores and milestones count no one.
    quarter_figures = {
        q: Figure(rules.quarter_figure(kind, rules.Entry.of(values_by_quarter[q])))
        for q in quarters
    }
    return quarter_figures, {}, {}, Figure(true_year)


def snapshot_build(*, partnership: Partnership) -> dict:
    """Build the published copy (inside the partnership's tenant scope)."""
    publication = Publication.objects.get(partnership=partnership)
    threshold = publication.threshold
    measure_ids = set(
        PublishedMeasure.objects.filter(partnership=partnership).values_list(
            "measure_id", flat=True
        )
    )
    priority_ids = set(
        PublishedPriority.objects.filter(partnership=partnership).values_list(
            "priority_id", flat=True
        )
    )
    # A published report is listed once its public edition is made.
    editions = {
        row["report_id"]: row
        for row in PublishedReport.objects.filter(
            partnership=partnership, status=EditionStatus.READY
        ).values("report_id", "size_bytes", "page_count")
    }
    report_ids = set(editions)
    measures = [m for m in measure_list(partnership=partnership) if m.pk in measure_ids]
    histories = {
        m.pk: measure_history_get(partnership=partnership, pk=m.pk) for m in measures
    }
    categories = category_map(partnership=partnership)
    reports = [
        r
        for r in annual_report_list(partnership=partnership).filter(
            status=ReportStatus.READY
        )
        if r.pk in report_ids
    ]
    for report in reports:
        report.size_bytes = editions[report.pk]["size_bytes"]
        report.page_count = editions[report.pk]["page_count"]
    payload = {
        "slug": partnership.slug,
        "threshold": threshold,
        "data_version": publication.data_version,
        "built_on": timezone.localdate().isoformat(),
        "licence": LICENCE,
        "languages": {},
    }
    for language in LANGUAGES:
        with translation.override(language):
            payload["languages"][language] = _page(
                partnership,
                publication,
                measures,
                histories,
                categories,
                priority_ids,
                reports,
            )
    return payload


def _page(
    partnership, publication, measures, histories, categories, priority_ids, reports
):
    threshold = publication.threshold
    start = partnership.reporting_year_start_month
    mission = mission_get(partnership=partnership)
    priorities = [
        p for p in priority_list(partnership=partnership) if p.pk in priority_ids
    ]
    measure_pages = [
        _measure(
            m,
            histories[m.pk],
            categories.get(m.breakdown_first_id, []) if m.breakdown_first_id else [],
            threshold,
            start,
        )
        for m in measures
    ]
    by_priority: dict[int | None, list] = defaultdict(list)
    for page in measure_pages:
        key = page["priority_id"] if page["priority_id"] in priority_ids else None
        by_priority[key].append(page)
    return {
        "name": partnership.name,
        "mission": {
            "statement": _text(mission, "statement"),
            "description": _text(mission, "description"),
        },
        "priorities": [
            {
                "id": p.pk,
                "name": _text(p, "name"),
                "mission_statement": _text(p, "mission_statement"),
                "statuses": _status_counts(by_priority.get(p.pk, [])),
                "measures": [m["id"] for m in by_priority.get(p.pk, [])],
            }
            for p in priorities
        ],
        "other_measures": [m["id"] for m in by_priority.get(None, [])],
        "measures": {str(m["id"]): m for m in measure_pages},
        "reports": [
            {
                "id": r.pk,
                "year_label": r.year_label,
                "language": str(r.get_language_display()),
                "size_bytes": r.size_bytes,
                "page_count": r.page_count,
                "file_name": r.download_name,
            }
            for r in reports
        ],
        "threshold_note": threshold_note(threshold),
    }


def threshold_note(threshold: int) -> str:
    """What disclosure control does, for the page and the public report."""
    return _(
        "Counts below %(threshold)s are shown as “fewer than %(threshold)s”, "
        "and percentages of fewer than %(threshold)s people are withheld, so "
        "that no one can be identified. Some other figures are withheld too, "
        "so that those cannot be worked out from the totals."
    ) % {"threshold": threshold}


def _status_counts(measures: list[dict]) -> list[dict]:
    counts: dict[str, int] = defaultdict(int)
    for m in measures:
        if m["status"]:
            counts[m["status"]] += 1
    return [
        {"status": s.value, "label": s.label, "count": counts[s.value]}
        for s in rules.Status
        if counts[s.value]
    ]


def _measure(measure, history, categories, threshold, start) -> dict:
    kind = measure.value_type
    by_year: dict[int, dict[int, object]] = defaultdict(dict)
    for value in history.values:
        by_year[value.period.year][value.period.quarter] = value
    years, figures_by_quarter = [], {}
    for summary in history.years:
        y = summary.year
        quarters, cells, totals, year_figure = protected_year(
            measure, by_year.get(y, {}), categories, threshold
        )
        for q, figure in quarters.items():
            figures_by_quarter[(y, q)] = figure
        status = summary.status if year_figure.state == State.SHOWN else None
        stories = [
            {"quarter": by_year[y][q].period.label, "story": by_year[y][q].story}
            for q in sorted(by_year.get(y, {}))
            if by_year[y][q].story
        ]
        quarter_labels = {q: by_year[y][q].period.label for q in by_year.get(y, {})}
        breakdown = None
        if cells:
            shown_quarters = sorted({q for _c, q in cells})
            breakdown = {
                "dimension": _text(measure.breakdown_first, "name"),
                "quarters": [quarter_labels[q] for q in shown_quarters],
                "has_totals": bool(totals),
                "rows": [
                    {
                        "name": _text(c, "name"),
                        "cells": [
                            display_figure(ValueType.COUNT, cells[(c.pk, q)], threshold)
                            for q in shown_quarters
                        ],
                        "total": display_figure(
                            ValueType.COUNT, totals[c.pk], threshold
                        )
                        if c.pk in totals
                        else "",
                    }
                    for c in categories
                ],
                "quarter_totals": [
                    display_figure(kind, quarters[q], threshold) for q in shown_quarters
                ],
                "year_total": display_figure(kind, year_figure, threshold),
                "open": [
                    {
                        "category": c.name,
                        "category_id": c.pk,
                        "quarter": q,
                        "state": cells[(c.pk, q)].state.value,
                        "value": _open_value(cells[(c.pk, q)]),
                    }
                    for c in categories
                    for q in shown_quarters
                ]
                + [
                    {
                        "category": c.name,
                        "category_id": c.pk,
                        "quarter": None,
                        "state": totals[c.pk].state.value,
                        "value": _open_value(totals[c.pk]),
                    }
                    for c in categories
                    if c.pk in totals
                ],
            }
        years.append(
            {
                "year": y,
                "label": year_label(y, start),
                "figure": display_figure(kind, year_figure, threshold),
                "state": year_figure.state.value,
                "value": _open_value(year_figure),
                "target": rules.format_figure(kind, summary.target),
                "status": status.value if status else "",
                "status_label": status.label if status else _("Not shown"),
                "quarters": [
                    {
                        "quarter": q,
                        "label": quarter_labels[q],
                        "figure": display_figure(kind, quarters[q], threshold),
                        "state": quarters[q].state.value,
                        "value": _open_value(quarters[q]),
                    }
                    for q in sorted(quarters)
                ],
                "breakdown": breakdown,
                "stories": stories,
            }
        )
    series = [
        Point(
            q.label,
            figure.value
            if (figure := figures_by_quarter.get((q.year, q.quarter)))
            and figure.state == State.SHOWN
            else None,
        )
        for q in history.quarters
    ]
    hidden = sum(
        1
        for f in figures_by_quarter.values()
        if f.state != State.SHOWN and f.value is not None
    )
    chart, description = _chart(
        measure, series, hidden, history.quarters[-1].year, threshold
    )
    current = years[0] if years else None
    return {
        "id": measure.pk,
        "code": measure.code,
        "name": _text(measure, "name"),
        "unit": _text(measure, "unit"),
        "definition": _text(measure, "definition"),
        "data_source": _text(measure, "data_source"),
        "question": str(measure.get_question_display()),
        "value_type": kind,
        "priority_id": measure.priority_id,
        "chart": str(chart),
        "chart_description": description,
        "curve": _curve(measure, series),
        "status": current["status"] if current else "",
        "years": years,
    }


def _open_value(figure: Figure):
    if figure.state != State.SHOWN or figure.value is None:
        return None
    return (
        format(figure.value.normalize(), "f")
        if isinstance(figure.value, Decimal)
        else figure.value
    )


def _curve(measure, series) -> str:
    if measure.value_type == ValueType.MILESTONE:
        return str(CURVE_LABELS[CurveVerdict.NOT_ENOUGH_HISTORY])
    lower, upper = forecast_bounds(measure.value_type)
    verdict = curve_verdict(
        [p.value for p in series[:-1]]
        if len(series) > 1
        else [p.value for p in series],
        direction=measure.direction,
        lower=lower,
        upper=upper,
        whole=measure.value_type == ValueType.COUNT,
    )
    return str(CURVE_LABELS[verdict])


def _chart(measure, series, hidden: int, year: int, threshold: int):
    def fmt(v):
        return rules.format_figure(measure.value_type, v)

    title = _("%(name)s by quarter") % {"name": measure.name}
    if measure.value_type == ValueType.MILESTONE:
        description = describe_milestone(series)
        return milestone_chart(
            series, title=title, description=description, id_prefix=f"m{measure.pk}"
        ), description
    target = measure.target_for(year)
    target_label = _("Annual target")
    if target is not None and measure.aggregation == Aggregation.SUM:
        target = target / 4
        target_label = _("Quarterly share of the annual target")
    description = describe(series, fmt, target=target, target_label=target_label)
    if hidden:
        description += " " + ngettext(
            "%(count)s quarter's figure is not shown, to protect small numbers.",
            "%(count)s quarters' figures are not shown, to protect small numbers.",
            hidden,
        ) % {"count": hidden}
    baseline = measure.baseline_value
    if (
        measure.value_type == ValueType.COUNT
        and disclosure.counts_people(measure)
        and disclosure.is_small(_count(baseline), threshold)
    ):
        baseline = None
    chart = line_chart(
        series,
        title=title,
        description=description,
        fmt=fmt,
        target=target,
        target_label=target_label,
        baseline=baseline,
        id_prefix=f"m{measure.pk}",
    )
    return chart, description


def snapshot_discard(*, partnership_id: int) -> None:
    """Drop the published copy (on unpublishing)."""
    with transaction.atomic():
        PublicSnapshot.objects.filter(partnership_id=partnership_id).delete()


def measure_copy(*, partnership: Partnership, measure_id: int, threshold: int) -> dict:
    """One measure as a public surface shows it (its figures by quarter and
    year, its chart, its curve and the stories behind its figures, disclosure
    control applied), by language: the learning networks' shared copies are
    made of it (networks/copies.py), inside the partnership's tenant scope."""
    measure = measure_list(partnership=partnership).get(pk=measure_id)
    history = measure_history_get(partnership=partnership, pk=measure_id)
    categories = (
        category_map(partnership=partnership).get(measure.breakdown_first_id, [])
        if measure.breakdown_first_id
        else []
    )
    start = partnership.reporting_year_start_month
    copies = {}
    for language in LANGUAGES:
        with translation.override(language):
            copies[language] = _measure(measure, history, categories, threshold, start)
    return copies
