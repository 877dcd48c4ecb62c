import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partnerships.models import Membership, Partnership, Role

from .models import MeasureLead, PerformanceMeasure, Period, QuarterlyValue
from .periods import Quarter


def current_quarter(
    *, partnership: Partnership, today: datetime.date | None = None
) -> Quarter:
    today = today or timezone.localdate()
    return Quarter.containing(today, partnership.reporting_year_start_month)


def measure_list(*, partnership: Partnership) -> QuerySet[PerformanceMeasure]:
    return PerformanceMeasure.objects.filter(partnership=partnership).select_related(
        "priority", "outcome", "baseline_period"
    )


def measure_list_for_entry(*, membership: Membership) -> QuerySet[PerformanceMeasure]:
    """What a member may enter: admins every measure, leads their own, viewers none."""
    measures = measure_list(partnership=membership.partnership)
    if membership.role == Role.ADMIN:
        return measures
    if membership.role == Role.LEAD:
        return measures.filter(
            pk__in=MeasureLead.objects.filter(
                partnership=membership.partnership, user=membership.user_id
            ).values("measure")
        )
    return measures.none()


def period_list(*, partnership: Partnership) -> QuerySet[Period]:
    return Period.objects.filter(partnership=partnership)


def value_list(*, partnership: Partnership) -> QuerySet[QuarterlyValue]:
    return QuarterlyValue.objects.filter(partnership=partnership).select_related(
        "period", "entered_by"
    )


def measure_detail(*, partnership: Partnership, pk: int) -> PerformanceMeasure:
    """One measure with its values and leads; raises DoesNotExist when not ours."""
    return (
        measure_list(partnership=partnership)
        .prefetch_related(
            "leads",
            Prefetch(
                "values",
                queryset=QuarterlyValue.objects.filter(
                    partnership=partnership
                ).select_related("period", "entered_by"),
            ),
        )
        .get(pk=pk)
    )
