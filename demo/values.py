"""Set-based writes of many figures at once, for the demo (and the benchmarks).

The demo writes some 800 figures and approves most of them; one row at a
time through ``kpis.services`` that took most of a load. These write the
same rows in one statement each. They are small on purpose: they trust
their caller (the demo's own generated figures, entered and reviewed by the
partnership's admin) for what the single-row services check about people
and rules, while the database still holds every value rule (the check
constraints), the locked-quarter guard, and the history: pghistory's
triggers fire for every row, so each figure's history shows it entered and
then approved, as the services would have written it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kpis.models import PerformanceMeasure, Period, QuarterlyValue, ReviewStatus
from partnerships.models import Membership, Partnership, Role, User

from .specs import Figures


@dataclass(frozen=True)
class NewFigure:
    measure: PerformanceMeasure
    period: Period
    figures: Figures
    # Breakdown cells as kpis.services keeps them: {"<category id>": count}.
    breakdown: dict[str, int] | None = None


@transaction.atomic
def quarterly_values_bulk_create(
    *, partnership: Partnership, actor: User, figures: Iterable[NewFigure]
) -> int:
    """Insert figures that are not stored yet, as drafts entered by ``actor``.

    One INSERT for them all (a figure already stored for its measure and
    quarter is refused by the unique constraint, as is one in a locked
    quarter by the guard). Returns how many were written.
    """
    figures = list(figures)
    if any(
        new.measure.partnership_id != partnership.pk
        or new.period.partnership_id != partnership.pk
        for new in figures
    ):
        raise PermissionDenied
    rows = [
        QuarterlyValue(
            partnership=partnership,
            measure=new.measure,
            period=new.period,
            value_type=new.measure.value_type,
            value=new.figures.value,
            numerator=new.figures.numerator,
            denominator=new.figures.denominator,
            story=new.figures.story.strip(),
            breakdown=new.breakdown or {},
            entered_by=actor,
        )
        for new in figures
    ]
    QuarterlyValue.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def quarterly_values_bulk_approve(
    *, partnership: Partnership, periods: Iterable[Period], actor: User
) -> int:
    """Approve every figure of these quarters that is not approved yet.

    Locked quarters are left alone (their figures cannot change), as
    ``kpis.review.value_approve`` refuses them. Returns how many changed.
    """
    if not Membership.objects.filter(
        partnership=partnership, user=actor, role=Role.ADMIN
    ).exists():
        raise PermissionDenied
    return (
        QuarterlyValue.objects.filter(
            partnership=partnership,
            period__in=[period.pk for period in periods],
            period__locked_at__isnull=True,
        )
        .exclude(status=ReviewStatus.APPROVED)
        .update(
            status=ReviewStatus.APPROVED,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
        )
    )
