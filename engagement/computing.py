"""Measures computed from the engagement log.

A computed measure's figure for a quarter counts, among the activities held
whose first day falls in the quarter and that match the measure's filters
(level, organisation, community): the activities, the participants, or the
share of the activities that met a standard (numerator and denominator, so
the year pools them). The figures are written by kpis.recording's
``computed_values_record`` alone, so their history, review and locks work as
every figure's do, and the history names them computed.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kpis.models import PerformanceMeasure, QuarterlyValue, ValueType
from kpis.periods import Quarter
from kpis.recording import ComputedFigure, computed_values_record
from kpis.services import period_get_or_create
from partnerships.models import Partnership, User

from .models import (
    Activity,
    ActivityStandard,
    ActivityStatus,
    ComputedKind,
    ComputedMeasure,
)

# Which kind of measure value each computation writes.
KIND_VALUE_TYPES = {
    ComputedKind.ACTIVITIES: (ValueType.COUNT,),
    ComputedKind.PARTICIPANTS: (ValueType.COUNT,),
    ComputedKind.STANDARD_MET: (ValueType.PERCENTAGE,),
}


def _matching(computation: ComputedMeasure) -> Q:
    condition = Q(status=ActivityStatus.HELD)
    if computation.level:
        condition &= Q(level=computation.level)
    if computation.organisation_id:
        condition &= Q(
            activityorganisation__organisation_id=computation.organisation_id
        )
    if computation.community_id:
        condition &= Q(activitycommunity__category_id=computation.community_id)
    return condition


def quarter_figures(
    computation: ComputedMeasure, activities: list[tuple[datetime.date, int, bool]]
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, numerator, denominator) for one quarter's matching activities,
    each given as (first day, participants, met the standard)."""
    if computation.kind == ComputedKind.ACTIVITIES:
        return Decimal(len(activities)), None, None
    if computation.kind == ComputedKind.PARTICIPANTS:
        return Decimal(sum(p for _day, p, _met in activities)), None, None
    if not activities:
        return None, None, None
    met = sum(1 for *_rest, m in activities if m)
    return None, Decimal(met), Decimal(len(activities))


def _quarters_to_compute(
    partnership: Partnership,
    days: list[datetime.date],
    stored: list[Quarter],
    today: datetime.date | None = None,
) -> list[Quarter]:
    """From the quarter of the first held activity to today's (and any quarter
    with a held activity or a stored figure outside that): quarters with no
    activity count 0; a figure stored for a quarter the log no longer
    reaches is put right too."""
    start_month = partnership.reporting_year_start_month
    quarters = set(stored) | {Quarter.containing(d, start_month) for d in days}
    if days:
        quarter = Quarter.containing(min(days), start_month)
        last = Quarter.containing(today or timezone.localdate(), start_month)
        while quarter <= last:
            quarters.add(quarter)
            quarter = quarter.next()
    return sorted(quarters)


def computed_figures_refresh(
    *,
    partnership: Partnership,
    actor: User,
    computations: list[ComputedMeasure] | None = None,
    story: str | None = None,
    today: datetime.date | None = None,
) -> int:
    """Recompute the computed measures' figures from the log as it now is.

    ``story`` becomes every figure's story behind the number (the demo labels
    its figures so); left out, each keeps its own. ``today`` ends the
    quarters counted (0 where no activity was held); the demo passes the day
    it is loaded as of.

    Called by every write to the log and to a computation, in its
    transaction. Queries: two per computed measure, whatever the size of
    the log. Returns how many figures changed.
    """
    if computations is None:
        computations = list(
            ComputedMeasure.objects.filter(
                partnership=partnership, measure__retired_at__isnull=True
            ).select_related("measure")
        )
    computations = [
        c
        for c in computations
        if c.measure.computed
        and c.measure.value_type in KIND_VALUE_TYPES[c.kind]
        and c.measure.retired_at is None
    ]
    if not computations:
        return 0
    start_month = partnership.reporting_year_start_month
    per_measure: dict[int, dict[Quarter, list]] = {}
    all_quarters: dict[int, list[Quarter]] = {}
    for computation in computations:
        rows = (
            Activity.objects.filter(partnership=partnership)
            .filter(_matching(computation))
            .distinct()
            .values_list("pk", "starts_on", "participants")
        )
        met: set[int] = set()
        if computation.standard_id:
            met = set(
                ActivityStandard.objects.filter(
                    partnership=partnership, standard_id=computation.standard_id
                ).values_list("activity_id", flat=True)
            )
        by_quarter: dict[Quarter, list] = defaultdict(list)
        days = []
        for pk, starts_on, participants in rows:
            days.append(starts_on)
            by_quarter[Quarter.containing(starts_on, start_month)].append(
                (starts_on, participants or 0, pk in met)
            )
        stored = [
            Quarter(year, quarter, start_month)
            for year, quarter in QuarterlyValue.objects.filter(
                partnership=partnership, measure=computation.measure
            ).values_list("period__year", "period__quarter")
        ]
        per_measure[computation.pk] = by_quarter
        all_quarters[computation.pk] = _quarters_to_compute(
            partnership, days, stored, today
        )
    periods = {}
    figures = []
    for computation in computations:
        measure: PerformanceMeasure = computation.measure
        for quarter in all_quarters[computation.pk]:
            if quarter not in periods:
                periods[quarter] = period_get_or_create(
                    partnership=partnership, quarter=quarter
                )
            value, numerator, denominator = quarter_figures(
                computation, per_measure[computation.pk].get(quarter, [])
            )
            figures.append(
                ComputedFigure(
                    measure=measure,
                    period=periods[quarter],
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    story=story,
                )
            )
    return computed_values_record(partnership=partnership, actor=actor, figures=figures)
