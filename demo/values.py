"""Many figures at once, for the demo (and the benchmarks).

The demo writes some 800 figures and approves most of them; one row at a time
through the single-row services that took most of a load. These go through
kpis' own set-based paths instead: ``kpis.recording.figures_write`` (the
writer the API's bulk record and the spreadsheet import use) and
``kpis.review.values_approve_all``. They trust their caller (the demo's own
generated figures, entered and reviewed by the partnership's admin) for what
the single-row services check about the figures themselves, while the
database still holds every value rule (the check constraints), the
locked-quarter guard, and the history: pghistory's triggers fire for every
row, so each figure's history shows it entered and then approved.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kpis import policy
from kpis.models import PerformanceMeasure, Period
from kpis.recording import FigureWrite, figures_write, membership_get
from kpis.review import values_approve_all
from partnerships.models import Partnership, User

from .specs import Figures


@dataclass(frozen=True)
class NewFigure:
    measure: PerformanceMeasure
    period: Period
    figures: Figures
    # Breakdown cells as kpis keeps them: {"<category id>": count}.
    breakdown: dict[str, int] | None = None


@transaction.atomic
def quarterly_values_bulk_create(
    *, partnership: Partnership, actor: User, figures: Iterable[NewFigure]
) -> int:
    """Write figures that are not stored yet, as drafts entered by ``actor``.

    One statement for them all; a figure already stored for its measure and
    quarter is left as it is, and one in a locked quarter is refused by the
    guard. Returns how many were written.
    """
    figures = list(figures)
    membership = membership_get(partnership, actor)
    if any(
        new.measure.partnership_id != partnership.pk
        or new.period.partnership_id != partnership.pk
        or not policy.may_enter(membership, new.measure)
        for new in figures
    ):
        raise PermissionDenied
    written = figures_write(
        partnership=partnership,
        actor=actor,
        rows=[
            FigureWrite(
                measure=new.measure,
                period=new.period,
                value=new.figures.value,
                numerator=new.figures.numerator,
                denominator=new.figures.denominator,
                story=new.figures.story.strip(),
                breakdown=new.breakdown or {},
            )
            for new in figures
        ],
    )
    return len(written)


def quarterly_values_bulk_approve(
    *, partnership: Partnership, periods: Iterable[Period], actor: User
) -> int:
    """Approve every figure of these quarters that is not approved yet.

    Locked quarters are left alone (their figures cannot change), as
    ``kpis.review.value_approve`` refuses them. Returns how many changed.
    """
    return values_approve_all(
        partnership=partnership, periods=list(periods), actor=actor
    )
