"""Reads of the national frameworks and of a partnership's place in one."""

from django.db.models import Prefetch, Q, QuerySet

from partnerships.models import Partnership

from .models import (
    Contribution,
    IndicatorSetMembership,
    NationalFramework,
    NationalIndicator,
    WayOfWorking,
    WellbeingGoal,
)


def framework_list() -> QuerySet[NationalFramework]:
    """Every framework a partnership may choose (shared reference data)."""
    return NationalFramework.objects.all()


def framework_for(*, partnership: Partnership) -> NationalFramework | None:
    """The framework the partnership has adopted, or None."""
    return NationalFramework.objects.filter(adoptions__partnership=partnership).first()


def framework_id_for(*, partnership: Partnership) -> int | None:
    """The adopted framework's id, or None, without loading the framework."""
    return (
        NationalFramework.objects.filter(adoptions__partnership=partnership)
        .values_list("pk", flat=True)
        .first()
    )


def goal_list(*, framework: NationalFramework) -> QuerySet[WellbeingGoal]:
    return WellbeingGoal.objects.filter(framework=framework)


def way_of_working_list(*, framework: NationalFramework) -> QuerySet[WayOfWorking]:
    return WayOfWorking.objects.filter(framework=framework)


def indicator_list(*, framework: NationalFramework) -> QuerySet[NationalIndicator]:
    """The framework's indicators, each with the sets it belongs to."""
    return NationalIndicator.objects.filter(framework=framework).prefetch_related(
        Prefetch(
            "memberships",
            queryset=IndicatorSetMembership.objects.select_related("indicator_set"),
        )
    )


def contribution_list(*, partnership: Partnership) -> QuerySet[Contribution]:
    """The partnership's links to the framework it has now adopted.

    Links to a framework it adopted before are kept but not returned.
    """
    adopted = NationalFramework.objects.filter(
        adoptions__partnership=partnership
    ).values("pk")
    return (
        Contribution.objects.filter(partnership=partnership)
        .filter(
            Q(goal__framework_id__in=adopted)
            | Q(way_of_working__framework_id__in=adopted)
            | Q(indicator__framework_id__in=adopted)
        )
        .select_related("goal", "way_of_working", "indicator")
    )
