"""Editions of the annual report other than the members' own.

The members' report shows the true figures. An app above reports (the
public pages, which withhold small numbers) can have the same report
rendered with its own rule applied to every figure it shows: it passes a
``FigureGuard`` to ``annual_report_document``. The guard sees each
measure's figures one reporting year at a time and says what may be shown
of them; the report prints only that (the year's figure and status, the
chart's quarters, the breakdown table, the baseline), and the guard's note
says what was done. reports knows no such rule itself.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from django.utils.translation import gettext_lazy

from kpis.models import PerformanceMeasure, QuarterlyValue


@dataclass(frozen=True)
class GuardedFigure:
    """One figure as an edition prints it: its text, and the figure itself
    only when it is shown (None otherwise, so no chart or sum can use it)."""

    text: str
    value: Decimal | None = None
    shown: bool = True


@dataclass
class GuardedBreakdown:
    """A measure's year breakdown by its first dimension, as shown.

    ``summed``: the rows add up the quarters ``quarters``; otherwise they
    are the breakdown of the quarter labelled ``quarter_label`` (the latest
    with one).
    """

    rows: list[tuple[str, GuardedFigure]]
    total: GuardedFigure
    summed: bool
    quarters: list[int] = field(default_factory=list)
    quarter_label: str = ""


@dataclass
class GuardedYear:
    """What an edition shows of one measure's reporting year."""

    year: GuardedFigure
    quarters: dict[int, GuardedFigure]
    breakdown: GuardedBreakdown | None = None


class FigureGuard(Protocol):
    """The rule an edition applies to the figures (see the module's doc)."""

    def note(self) -> str:
        """A line for "How to read this report": what the edition withholds."""
        ...

    def hidden_note(self, count: int) -> str:
        """A chart's text alternative's sentence for ``count`` hidden quarters."""
        ...

    def year(
        self,
        measure: PerformanceMeasure,
        values: dict[int, QuarterlyValue],
        categories: list,
    ) -> GuardedYear | None:
        """One year of a measure (``values``: its figures by quarter number;
        ``categories``: its first dimension's); None when the rule leaves
        this measure's figures as they are."""
        ...

    def baseline_shown(self, measure: PerformanceMeasure) -> bool: ...


class HiddenStatus(StrEnum):
    """The status of a year whose figure an edition withholds: judging it
    against the target would say what the figure is near."""

    NOT_SHOWN = "not_shown"

    @property
    def label(self) -> str:
        return str(gettext_lazy("Not shown"))


class GuardedYearSummary:
    """A ``kpis.selectors.YearSummary`` as an edition shows it: its figure,
    display and status from the guard, everything else (target, quarters
    reported and missing) as the members' report has it."""

    def __init__(self, true, figure: GuardedFigure):
        self._true = true
        self._figure = figure

    def __getattr__(self, name):
        return getattr(self._true, name)

    @property
    def figure(self) -> Decimal | None:
        return self._figure.value

    @property
    def display(self) -> str:
        return self._figure.text

    @property
    def status(self):
        return self._true.status if self._figure.shown else HiddenStatus.NOT_SHOWN
