"""The quarterly review cycle: submit, return, approve, lock and reopen.

A lead submits the quarter's figures (each needing its story where the
plausibility rules say so); an admin approves or returns each figure with a
reason, then locks the quarter, and can reopen it with a reason. The
figure's review state lives on the value itself; locks and reopenings are
kept as ``PeriodLockChange`` rows. Writing the figures themselves is
``kpis.recording``; the reminders before the deadline are
``kpis.reminders``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerships import policy as roles
from partnerships.models import Partnership, User

from . import notices, rules
from .models import (
    MeasureLead,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    ReviewStatus,
)
from .periods import Quarter
from .recording import (
    is_locked_now,
    locked_message,
    membership_get,
    periods_hold,
    values_for_update,
)
from .services import period_get_or_create, require_admin


@dataclass(frozen=True)
class QuarterReturn:
    """Something besides the figures that a lead returns each quarter.

    kpis knows no app above it, so those apps (delivery's action updates)
    register what they add to the cycle here, in their ``AppConfig.ready``:
    ``submit`` submits the actor's drafts of the quarter and says how many it
    submitted; ``submitted_message`` says so in words; ``waiting`` says why
    the quarter cannot be locked yet, or nothing.
    """

    name: str
    submit: Callable[..., int]
    submitted_message: Callable[[int], str]
    waiting: Callable[..., str | None]


_QUARTER_RETURNS: dict[str, QuarterReturn] = {}


def quarter_return_register(quarter_return: QuarterReturn) -> None:
    _QUARTER_RETURNS[quarter_return.name] = quarter_return


def quarter_returns() -> list[QuarterReturn]:
    return list(_QUARTER_RETURNS.values())


def _history_path() -> str:
    """The path the current history context names ("web", "demo", ...).

    pghistory puts its context in a transaction-local setting with the first
    write of the transaction; records kept outside the tracked tables read
    it here, so they name the same path as the triggers do.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
        raw = cursor.fetchone()[0]
    try:
        return str((json.loads(raw) if raw else {}).get("path") or "")
    except (ValueError, AttributeError):
        return ""


def recent_figures(
    *,
    partnership: Partnership,
    measures: list[PerformanceMeasure],
    quarter: Quarter,
) -> dict[int, list[Decimal | None]]:
    """Each measure's figures for the quarter and the three before it."""
    quarters = recent_quarters(quarter)
    return recent_series(
        measures, quarters, _entries(partnership, quarters, measures=measures)
    )


def recent_quarters(quarter: Quarter) -> list[Quarter]:
    """The quarters the plausibility checks look at: this one and the three
    before it, oldest first."""
    return quarter.back(rules.AGAINST_DIRECTION_RUN + 1)


def recent_series(
    measures: list[PerformanceMeasure],
    quarters: list[Quarter],
    stored: dict[tuple[int, int, int], rules.Entry],
) -> dict[int, list[Decimal | None]]:
    """Each measure's figures in ``quarters`` from the stored entries by
    (measure id, year, quarter), None where there is none."""
    figures = {}
    for measure in measures:
        series = []
        for q in quarters:
            entry = stored.get((measure.pk, q.year, q.quarter))
            series.append(
                rules.quarter_figure(measure.value_type, entry)
                if entry is not None
                else None
            )
        figures[measure.pk] = series
    return figures


def plausibility_flags_for(
    measure: PerformanceMeasure, figures: list[Decimal | None]
) -> list[rules.Flag]:
    return rules.plausibility_flags(
        value_type=measure.value_type,
        direction=measure.direction,
        threshold=measure.change_threshold,
        figures=figures,
    )


def quarter_review_with_flags(*, partnership: Partnership, quarter: Quarter):
    """The quarter's review (``selectors.quarter_review_get``), each figure
    with what the plausibility checks say about it: the Quarter page's and
    the API's."""
    from .selectors import quarter_review_get

    quarter_review = quarter_review_get(partnership=partnership, quarter=quarter)
    entered = [row for row in quarter_review.rows if row.value is not None]
    if not entered:
        return quarter_review
    quarters = recent_quarters(quarter)
    # The quarter's own figures are on the rows already: only the quarters
    # before it are read, as tuples.
    stored = _entries(partnership, quarters[:-1])
    for row in entered:
        stored[row.measure.pk, quarter.year, quarter.quarter] = row.value.entry
    figures = recent_series([row.measure for row in entered], quarters, stored)
    for row in entered:
        row.flags = plausibility_flags_for(row.measure, figures[row.measure.pk])
    return quarter_review


def _entries(
    partnership: Partnership,
    quarters: list[Quarter],
    *,
    measures: list[PerformanceMeasure] | None = None,
) -> dict[tuple[int, int, int], rules.Entry]:
    """The figures in ``quarters`` (of ``measures``, or every measure), as
    the plausibility checks read them, by (measure id, year, quarter)."""
    shown = Q()
    for q in quarters:
        shown |= Q(year=q.year, quarter=q.quarter)
    # Only these quarters' numbers, as tuples: no model instances, and the
    # partnership named beside row-level security for the planner.
    figures = QuarterlyValue.objects.filter(
        partnership=partnership,
        period__in=Period.objects.filter(shown, partnership=partnership),
    )
    if measures is not None:
        figures = figures.filter(measure__in=measures)
    rows = figures.order_by().values_list(
        "measure_id",
        "period__year",
        "period__quarter",
        "value",
        "numerator",
        "denominator",
    )
    return {
        (measure_id, year, number): rules.Entry(number, value, num, den)
        for measure_id, year, number, value, num, den in rows
    }


@dataclass
class SubmitResult:
    submitted: list[QuarterlyValue] = field(default_factory=list)
    # Measure id -> why its figure needs a note before it can be submitted.
    needs_note: dict[int, list[rules.Flag]] = field(default_factory=dict)
    missing: list[PerformanceMeasure] = field(default_factory=list)
    # The other returns' counts (``QuarterReturn.name`` -> how many submitted).
    others: dict[str, int] = field(default_factory=dict)

    def messages(self) -> list[str]:
        """What the other returns submitted, in words."""
        returns = {item.name: item for item in quarter_returns()}
        return [
            returns[name].submitted_message(count)
            for name, count in self.others.items()
            if count and name in returns
        ]


@transaction.atomic
def quarter_submit(
    *,
    partnership: Partnership,
    quarter: Quarter,
    actor: User,
    measure_ids: list[int] | None = None,
) -> SubmitResult:
    """Submit the actor's figures for the quarter for review (or the listed ones).

    Submits every figure of the actor's measures that is not yet submitted
    (or was returned), or none: when a figure that needs a note has none, the
    result says which and nothing is submitted. Measures without a figure
    are listed as missing and do not hold the others back. Without
    ``measure_ids``, the quarter's other returns (``QuarterReturn``: the
    actor's action updates) are submitted with the figures.
    """
    from .selectors import measure_list_for_entry

    membership = membership_get(partnership, actor)
    if not roles.may_enter_figures(membership):
        raise PermissionDenied(_("You cannot submit figures."))
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    if is_locked_now(period):
        raise ValidationError(locked_message(period))
    measures = measure_list_for_entry(membership=membership)
    if roles.may_enter_every_measure(membership):
        # An admin submits the measures they lead; other leads submit theirs.
        measures = measures.filter(
            pk__in=MeasureLead.objects.filter(
                partnership=partnership, user=actor
            ).values("measure")
        )
    if measure_ids is not None:
        measures = measures.filter(pk__in=measure_ids)
    measures = list(measures)
    values = {
        v.measure_id: v
        for v in values_for_update(
            QuarterlyValue.objects.filter(
                partnership=partnership, period=period, measure__in=measures
            )
        )
    }
    result = SubmitResult()
    to_submit = []
    figures = recent_figures(
        partnership=partnership, measures=measures, quarter=quarter
    )
    for measure in measures:
        record = values.get(measure.pk)
        if record is None:
            result.missing.append(measure)
            continue
        if record.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            continue
        flags = plausibility_flags_for(measure, figures[measure.pk])
        if flags and not record.story.strip():
            result.needs_note[measure.pk] = flags
            continue
        to_submit.append(record)
    if result.needs_note:
        return result
    if measure_ids is None:
        for quarter_return in quarter_returns():
            result.others[quarter_return.name] = quarter_return.submit(
                partnership=partnership, period=period, actor=actor
            )
    if not to_submit and not any(result.others.values()):
        raise ValidationError(_("There is nothing new to submit for this quarter."))
    now = timezone.now()
    for record in to_submit:
        record.status = ReviewStatus.SUBMITTED
        record.submitted_by = actor
        record.submitted_at = now
        # Not updated_at: it says when the figure itself last changed.
        record.save(update_fields=["status", "submitted_by", "submitted_at"])
    result.submitted = to_submit
    return result


def _value_for_review(partnership: Partnership, value_id: int) -> QuarterlyValue:
    figures = QuarterlyValue.objects.filter(partnership=partnership, pk=value_id)
    period = Period.objects.filter(
        partnership=partnership, pk__in=figures.values("period")
    ).first()
    if period is None:
        raise QuarterlyValue.DoesNotExist
    # The quarter first, then the figure: the order of every writer
    # (``values_for_update``).
    locked = is_locked_now(period)
    record = values_for_update(figures.select_related("period", "measure")).first()
    if record is None:
        raise QuarterlyValue.DoesNotExist
    if locked:
        raise ValidationError(locked_message(record.period))
    return record


@transaction.atomic
def value_approve(
    *, partnership: Partnership, value_id: int, actor: User
) -> QuarterlyValue:
    require_admin(partnership, actor)
    record = _value_for_review(partnership, value_id)
    if record.status == ReviewStatus.APPROVED:
        return record
    record.status = ReviewStatus.APPROVED
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return record


def _database_now():
    """The database's clock at the start of this transaction.

    Locks and reopenings are listed in a figure's history beside the events
    the history triggers stamp with the same ``now()``, so they take their time
    from the same clock (not the web server's, which may differ).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@dataclass
class ApproveResult:
    approved: int
    # Listed figures no longer submitted at the version the admin saw
    # (changed, returned or approved by someone else meanwhile): left alone.
    skipped: int


@transaction.atomic
def values_approve_submitted(
    *, partnership: Partnership, period: Period, actor: User, seen: dict[int, int]
) -> ApproveResult:
    """Approve the submitted figures the admin was shown, in one statement.

    ``seen`` maps each figure's id to the version on the confirmation the
    admin approved from: a figure changed since (or returned, or no longer
    submitted) is left for another look, never approved unseen.
    """
    require_admin(partnership, actor)
    if period.partnership_id != partnership.pk:
        raise PermissionDenied
    if is_locked_now(period):
        raise ValidationError(locked_message(period))
    waiting = QuarterlyValue.objects.filter(
        partnership=partnership,
        period=period,
        pk__in=list(seen),
        status=ReviewStatus.SUBMITTED,
    )
    ids = [
        pk
        for pk, version in values_for_update(waiting).values_list("pk", "version")
        if seen.get(pk) == version
    ]
    approved = QuarterlyValue.objects.filter(
        partnership=partnership, pk__in=ids
    ).update(
        status=ReviewStatus.APPROVED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    return ApproveResult(approved=approved, skipped=len(seen) - approved)


@transaction.atomic
def values_approve_all(
    *, partnership: Partnership, periods: list[Period], actor: User
) -> int:
    """Approve, in one statement, every figure of these quarters not approved yet.

    What ``value_approve`` does for one figure, for a whole quarter at once:
    admins only, and locked quarters are left alone (their figures cannot
    change). The history triggers record each figure's approval. Returns how
    many figures changed.
    """
    require_admin(partnership, actor)
    periods_hold(period_ids=[period.pk for period in periods])
    waiting = QuarterlyValue.objects.filter(
        partnership=partnership,
        period__in=[period.pk for period in periods],
        period__locked_at__isnull=True,
    ).exclude(status=ReviewStatus.APPROVED)
    # Locked first in the writers' order: a bare UPDATE would lock the rows
    # in whatever order its plan reads them (``values_for_update``).
    ids = list(values_for_update(waiting).values_list("pk", flat=True))
    return QuarterlyValue.objects.filter(partnership=partnership, pk__in=ids).update(
        status=ReviewStatus.APPROVED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def value_return(
    *, partnership: Partnership, value_id: int, actor: User, reason: str
) -> QuarterlyValue:
    """Send a figure back to its lead with the reason they will see beside it."""
    require_admin(partnership, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why you are returning it, so the lead can fix it.")}
        )
    record = _value_for_review(partnership, value_id)
    if record.status not in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        raise ValidationError(_("Only a submitted or approved figure can be returned."))
    record.status = ReviewStatus.RETURNED
    record.return_reason = reason
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    value_id, partnership_id = record.pk, partnership.pk
    transaction.on_commit(
        lambda: notices.value_return_queue(
            partnership_id=partnership_id, value_id=value_id
        )
    )
    return record


@transaction.atomic
def period_lock(*, partnership: Partnership, quarter: Quarter, actor: User) -> Period:
    """Lock a quarter whose figures are all approved."""
    require_admin(partnership, actor)
    period = period_get_or_create(partnership=partnership, quarter=quarter)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        return period
    waiting = (
        QuarterlyValue.objects.filter(partnership=partnership, period=period)
        .exclude(status=ReviewStatus.APPROVED)
        .count()
    )
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)s figure of %(quarter)s is not approved yet. Approve "
                "or return it before locking the quarter.",
                "%(count)s figures of %(quarter)s are not approved yet. Approve "
                "or return them before locking the quarter.",
                waiting,
            )
            % {"count": waiting, "quarter": period.label}
        )
    for quarter_return in quarter_returns():
        message = quarter_return.waiting(partnership=partnership, period=period)
        if message:
            raise ValidationError(message)
    period.locked_at = _database_now()
    period.locked_by = actor
    period.save(update_fields=["locked_at", "locked_by"])
    PeriodLockChange.objects.create(
        partnership=partnership,
        period=period,
        action=PeriodLockChange.Action.LOCKED,
        actor=actor,
        path=_history_path(),
        at=period.locked_at,
    )
    return period


@transaction.atomic
def period_reopen(
    *, partnership: Partnership, quarter: Quarter, actor: User, reason: str
) -> Period:
    """Unlock a quarter so its figures can be corrected; the reason is kept."""
    require_admin(partnership, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the quarter is being reopened.")})
    period = (
        Period.objects.select_for_update()
        .filter(partnership=partnership, year=quarter.year, quarter=quarter.quarter)
        .first()
    )
    if period is None or not period.is_locked:
        raise ValidationError(_("That quarter is not locked."))
    # The record first: the database lifts a lock only when this
    # transaction has recorded the reopening (kpis.models.PERIOD_LOCK_GUARD).
    PeriodLockChange.objects.create(
        partnership=partnership,
        period=period,
        action=PeriodLockChange.Action.REOPENED,
        reason=reason,
        actor=actor,
        path=_history_path(),
        at=_database_now(),
    )
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by"])
    return period


@transaction.atomic
def reporting_settings_update(
    *,
    partnership: Partnership,
    actor: User,
    quarter_deadline_days: int,
    reminder_days_before: int,
    remind_when_overdue: bool,
) -> Partnership:
    require_admin(partnership, actor)
    partnership.quarter_deadline_days = quarter_deadline_days
    partnership.reminder_days_before = reminder_days_before
    partnership.remind_when_overdue = remind_when_overdue
    partnership.full_clean()
    partnership.save(
        update_fields=[
            "quarter_deadline_days",
            "reminder_days_before",
            "remind_when_overdue",
        ]
    )
    return partnership
