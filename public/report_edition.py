"""The public edition of an annual report: its figures under disclosure control.

``PublicFigures`` is the guard reports.annual applies to every figure the
report shows (reports.editions). It protects each measure's year exactly as
the public page does (``snapshot.protected_year``, the same table, sums and
threshold), so that what the PDF shows is what the page and the open data
show, and nothing one withholds can be worked out with the other.
"""

from django.utils.translation import ngettext

from kpis.models import ValueType
from reports.editions import GuardedBreakdown, GuardedFigure, GuardedYear

from . import disclosure
from .disclosure import State
from .snapshot import Figure, display_figure, protected_year, threshold_note


class PublicFigures:
    def __init__(self, threshold: int):
        self.threshold = threshold

    def note(self) -> str:
        return threshold_note(self.threshold)

    def hidden_note(self, count: int) -> str:
        return ngettext(
            "%(count)s quarter's figure is not shown, to protect small numbers.",
            "%(count)s quarters' figures are not shown, to protect small numbers.",
            count,
        ) % {"count": count}

    def _shown(self, kind: str, figure: Figure) -> GuardedFigure:
        shown = figure.state == State.SHOWN
        return GuardedFigure(
            text=display_figure(kind, figure, self.threshold),
            value=figure.value if shown else None,
            shown=shown,
        )

    def year(self, measure, values, categories) -> GuardedYear | None:
        if not disclosure.counts_people(measure):
            return None
        kind = measure.value_type
        quarters, cells, totals, year = protected_year(
            measure, values, categories, self.threshold
        )
        breakdown = None
        if totals:
            breakdown = GuardedBreakdown(
                rows=[
                    (c.name, self._shown(ValueType.COUNT, totals[c.pk]))
                    for c in categories
                ],
                total=self._shown(kind, year),
                summed=True,
                quarters=sorted(quarters),
            )
        elif cells:
            latest = max(q for _c, q in cells)
            breakdown = GuardedBreakdown(
                rows=[
                    (c.name, self._shown(ValueType.COUNT, cells[(c.pk, latest)]))
                    for c in categories
                ],
                total=self._shown(kind, quarters[latest]),
                summed=False,
                quarter_label=values[latest].period.label,
            )
        return GuardedYear(
            year=self._shown(kind, year),
            quarters={q: self._shown(kind, f) for q, f in quarters.items()},
            breakdown=breakdown,
        )

    def baseline_shown(self, measure) -> bool:
        baseline = measure.baseline_value
        return not (
            disclosure.counts_people(measure)
            and measure.value_type == ValueType.COUNT
            and baseline is not None
            and disclosure.is_small(int(baseline), self.threshold)
        )
