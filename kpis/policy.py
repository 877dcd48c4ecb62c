"""Who may enter which measure, and whether a figure can still change.

The rules that depend on a measure or a figure, built on the role-only rules
of ``partnerships.policy``; entry pages, the API, the import and the
services all ask here, so a view's "editable" and a service's refusal
cannot disagree.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from partnerships import policy as roles
from partnerships.models import Membership

from .models import (
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    ReviewStatus,
)


def measures_led(membership: Membership | None) -> set[int] | None:
    """The ids of the measures this member may enter; None for every measure."""
    if roles.may_enter_every_measure(membership):
        return None
    if not roles.may_enter_figures(membership):
        return set()
    return set(
        MeasureLead.objects.filter(
            partnership=membership.partnership_id, user=membership.user_id
        ).values_list("measure_id", flat=True)
    )


def measures_to_enter(
    measures: QuerySet[PerformanceMeasure], membership: Membership | None
) -> QuerySet[PerformanceMeasure]:
    """``measures`` narrowed to those this member may enter (one query).

    A retired measure has left entry: nobody enters its figures."""
    measures = measures.filter(retired_at__isnull=True)
    if roles.may_enter_every_measure(membership):
        return measures
    if not roles.may_enter_figures(membership):
        return measures.none()
    return measures.filter(
        pk__in=MeasureLead.objects.filter(
            partnership=membership.partnership_id, user=membership.user_id
        ).values("measure")
    )


# Marks a measure read by ``measure_to_enter_get`` for a lead, with that
# membership's id: the read itself checked that they lead it, so
# ``may_enter`` need not ask again.
LED_BY = "_entry_led_by_membership"


def measure_to_enter_get(
    measures: QuerySet[PerformanceMeasure], membership: Membership | None, pk: int
) -> PerformanceMeasure | None:
    """The measure ``pk`` among ``measures`` if this member may enter it
    (one query), else None."""
    measure = measures_to_enter(measures, membership).filter(pk=pk).first()
    if measure is not None and membership is not None:
        setattr(measure, LED_BY, membership.pk)
    return measure


def may_enter(membership: Membership | None, measure: PerformanceMeasure) -> bool:
    if membership is None or membership.partnership_id != measure.partnership_id:
        return False
    if measure.retired_at is not None:
        return False
    if roles.may_enter_every_measure(membership):
        return True
    if membership.pk is not None and getattr(measure, LED_BY, None) == membership.pk:
        return roles.may_enter_figures(membership)
    return (
        roles.may_enter_figures(membership)
        and MeasureLead.objects.filter(
            partnership=measure.partnership_id,
            measure=measure,
            user=membership.user_id,
        ).exists()
    )


def locked_message(period: Period) -> str:
    return _(
        "%(quarter)s is locked, so its figures cannot change. An admin can "
        "reopen it, giving a reason."
    ) % {"quarter": period.label}


def figure_edit_refusal(
    membership: Membership,
    record: QuarterlyValue | None,
    period: Period,
    *,
    locked: bool,
) -> str | None:
    """Why this member cannot change this figure now, or None if they can.

    Nobody changes a locked quarter; leads do not change a figure that is
    submitted or approved (a reviewer returns it first).
    """
    if locked:
        return locked_message(period)
    if record is None or roles.may_review(membership):
        return None
    if record.status == ReviewStatus.SUBMITTED:
        return _(
            "This figure is submitted and waiting for review. An admin can "
            "return it if it needs to change."
        )
    if record.status == ReviewStatus.APPROVED:
        return _(
            "This figure is approved. An admin can return it if it needs to change."
        )
    return None


def figure_editable(
    membership: Membership,
    record: QuarterlyValue | None,
    period: Period | None,
    *,
    locked: bool,
) -> bool:
    return figure_edit_refusal(membership, record, period, locked=locked) is None
