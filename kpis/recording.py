"""Every write of quarterly figures, and the rules they all follow.

Three paths record figures: the entry form one at a time
(``quarterly_value_record``), the API a quarter at a time
(``quarterly_values_record``) and the spreadsheet import many quarters at a
time (``exchange.values``, through ``figures_write``). They share the rules
here: who may enter a measure, each kind of value's rules, breakdowns, the
review states that stop a lead, locked quarters and the version check. The
two many-row paths check every row against a handful of set-based queries and
write with one statement (``figures_write``), so their cost does not grow by
queries per row.

Locks are taken in one order everywhere (``values_for_update``): the quarter
``FOR SHARE`` first (a lock being taken on it waits for the writers, and they
for it), then, for a writer that may add figures, the quarter's claim
(``figures_claim``), then the stored figures' rows alone ``FOR UPDATE`` in
(measure, period) order, so writers of one quarter, single saves, bulk
records, imports and review steps alike, cannot deadlock each other.
"""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory import runtime as pghistory_runtime

from partnerships import policy as roles
from partnerships.models import Membership, Partnership, User
from partnerships.text_limits import limit_of

from . import policy, rules
from .models import (
    LOCKED_QUARTER_SQLSTATE,
    DimensionCategory,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
)
from .periods import Quarter
from .policy import locked_message


def membership_get(partnership: Partnership, actor: User) -> Membership | None:
    return Membership.objects.filter(partnership=partnership, user=actor).first()


# The value columns are numeric(14, 2): PostgreSQL rounds to two places, half
# away from zero, and overflows at 10**12.
STORED_PLACES = Decimal("0.01")
STORED_LIMIT = Decimal(10) ** 12


def _stored(number: Decimal) -> Decimal:
    """The number as the value columns will hold it."""
    return number.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def _too_large(number: Decimal | None) -> bool:
    if number is None:
        return False
    if not number.is_finite() or number.adjusted() >= 12:
        return True
    return abs(_stored(number)) >= STORED_LIMIT


def _validate_numbers(
    measure: PerformanceMeasure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The rules for each kind of value, with a message beside the right field."""
    if measure.computed:
        raise ValidationError({"value": computed_message()})
    oversized = {
        name: _("This number is too large: enter less than 1,000,000,000,000.")
        for name, number in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        )
        if _too_large(number)
    }
    if oversized:
        raise ValidationError(oversized)
    errors: dict[str, str] = {}
    kind = measure.value_type
    if kind in (ValueType.COUNT, ValueType.SCORE, ValueType.MILESTONE):
        numerator = denominator = None
        if value is None:
            errors["value"] = {
                ValueType.COUNT: _("Enter the count for this quarter."),
                ValueType.SCORE: _("Enter the score for this quarter."),
                ValueType.MILESTONE: _("Say whether the milestone is done."),
            }[kind]
        elif kind == ValueType.COUNT and (
            value < 0 or value != value.to_integral_value()
        ):
            errors["value"] = _("A count is a whole number, 0 or more.")
        elif kind == ValueType.MILESTONE and value not in (0, 1):
            errors["value"] = _("Choose done or not done.")
    else:
        direct = kind == ValueType.PERCENTAGE and value is not None
        if direct and (numerator is not None or denominator is not None):
            errors["value"] = _("Give either the numbers or the percentage, not both.")
        elif direct and rules.rate_only_refused(
            kind, measure.aggregation, rules.Entry(0, value)
        ):
            errors["value"] = rate_only_message(measure)
        elif direct:
            if not 0 <= value <= 100:
                errors["value"] = _("A percentage is between 0 and 100.")
        else:
            value = None
            if numerator is None:
                errors["numerator"] = _("Enter the number.")
            elif numerator < 0:
                errors["numerator"] = _("The number cannot be negative.")
            if denominator is None:
                errors["denominator"] = _("Enter the number it is out of.")
            elif denominator <= 0:
                errors["denominator"] = _(
                    "The number it is out of must be more than 0."
                )
            elif _stored(denominator) <= 0:
                # Figures are kept to two decimal places: 0.004 would be 0.
                errors["denominator"] = _(
                    "The number it is out of must be at least 0.01."
                )
            if (
                not errors
                and numerator is not None
                and denominator is not None
                and numerator > denominator
            ):
                errors["numerator"] = _(
                    "The number cannot be more than the number it is out of (%(d)s)."
                ) % {"d": f"{denominator.normalize():f}"}
    if errors:
        raise ValidationError(errors)
    return value, numerator, denominator


# The longest story behind a number, on every path (form, API, import).
STORY_MAX_LENGTH = limit_of(QuarterlyValue, "story")


def story_check(story: str) -> str:
    """The story as stored (trimmed); too long a story is refused beside its field."""
    story = story.strip()
    if len(story) > STORY_MAX_LENGTH:
        raise ValidationError(
            {
                "story": _(
                    "The story is %(length)s characters long: keep it to "
                    "%(limit)s or fewer."
                )
                % {"length": f"{len(story):,}", "limit": f"{STORY_MAX_LENGTH:,}"}
            }
        )
    return story


def computed_message() -> str:
    return _(
        "This measure is computed from the engagement log, so its figures "
        "cannot be entered: log the activity instead."
    )


def rate_only_message(measure: PerformanceMeasure) -> str:
    """What to enter instead of a rate, for a measure whose year pools counts."""
    return _(
        "Enter the number of %(what)s and the total it is out of: this "
        "measure's year adds them up."
    ) % {"what": measure.unit or _("people or cases it counts")}


class ValueConflict(Exception):
    """Someone else saved the value after the editor loaded it."""

    def __init__(self, current: QuarterlyValue):
        super().__init__("The value changed since it was loaded.")
        self.current = current


def is_locked_quarter_error(error: Exception) -> bool:
    """True for the database guard's refusal to change a locked quarter."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == LOCKED_QUARTER_SQLSTATE


def is_locked_now(period: Period) -> bool:
    """Whether the quarter is locked, holding it so that it stays as read.

    FOR SHARE lets any number of saves into the quarter run together, while
    ``period_lock`` (FOR UPDATE) waits for them to finish, and they for it: a
    figure cannot slip into a quarter as it is being locked.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT locked_at IS NOT NULL FROM kpis_period WHERE id = %s FOR SHARE",
            [period.pk],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def values_for_update(values: QuerySet) -> QuerySet:
    """Lock these figures' rows, and only them, in the one order all writers use.

    Every path that writes figures (a single save, the API's bulk record, the
    spreadsheet import, the review steps) first holds the quarters FOR SHARE
    (``is_locked_now``, ``periods_hold``), then, if it may add figures,
    claims them (``figures_claim``), then locks the figures' rows in
    (measure, period) order, and ``figures_write`` writes them in that order
    too: two writers of overlapping figures queue behind each other instead of
    each holding a row the other waits for (a deadlock). ``of=("self",)``
    leaves the quarter's row alone: without it the joins of the default
    ordering lock ``kpis_period`` FOR UPDATE as well, which waits for every
    writer's FOR SHARE hold on it, and they for it.
    """
    return values.select_for_update(of=("self",)).order_by("measure_id", "period_id")


# The first of the claim's 64-bit advisory lock keys (``figures_claim``):
# (1 << 62) | partnership id << 20 | year << 3 | quarter.
_CLAIM_SPACE = 1 << 62


def figures_claim(
    *, partnership: Partnership, quarters: Iterable[Quarter | Period]
) -> None:
    """Claim the right to add figures to these quarters, until the transaction ends.

    Locking the stored rows first cannot order a figure that does not exist
    yet: a writer that locked the stored rows of its set and then inserts
    the missing ones could meet, half-way, a row another writer has just
    inserted, and wait for that writer while it waits for a row this one
    holds (a deadlock: seen with 30 concurrent bulk records and saves). So
    every writer that may insert takes this claim on each quarter first
    (an advisory lock, one per quarter, in one order; a handful even for an
    import of many years), before locking any figure's row. Then no figure
    of those quarters can appear under a writer's feet between its row
    locks and its write, and its waits all follow the one order. Writers
    that only change stored figures (an update, a review step) do not need
    it. Quarters are named, not their rows, so an import can claim quarters
    it is about to create.
    """
    keys = sorted(
        {
            _CLAIM_SPACE | partnership.pk << 20 | q.year << 3 | q.quarter
            for q in quarters
        }
    )
    if not keys:
        return
    with connection.cursor() as cursor:
        for key in keys:  # one at a time: in this order, whatever the planner
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def periods_hold(*, period_ids: list[int]) -> set[int]:
    """Hold many quarters FOR SHARE, as a single save holds its one; the ids
    of those locked, as held (``is_locked_now`` for many).

    For writers of many figures or activities at once (the spreadsheet
    imports): a lock being taken on one of these quarters waits for them,
    and they for it.
    """
    if not period_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, locked_at IS NOT NULL FROM kpis_period WHERE id = ANY(%s) "
            "ORDER BY id FOR SHARE",
            [sorted(period_ids)],
        )
        return {pk for pk, locked in cursor.fetchall() if locked}


def _validate_breakdown(
    measure: PerformanceMeasure,
    total: Decimal | None,
    breakdown: dict | None,
    categories: dict[int, set[int]] | None = None,
) -> dict[str, int]:
    """Cells keyed "<category id>" or "<first id>:<second id>", as whole counts.

    Empty cells are left out. Where every dimension of the measure is
    exhaustive, the cells must add up to the total; no cell can exceed it.
    """
    dimensions = measure.dimensions
    if not breakdown:
        return {}
    if not dimensions:
        raise ValidationError({"breakdown": _("This measure is not broken down.")})
    if categories is None:
        categories = _categories_of(dimensions)
    known_categories = [categories.get(d.pk, set()) for d in dimensions]
    cells: dict[str, int] = {}
    for key, amount in breakdown.items():
        if amount is None or amount == "":
            continue
        parts = str(key).split(":")
        if len(parts) != len(dimensions) or not all(
            part.isdecimal() and len(part) <= 18 and int(part) in known
            for part, known in zip(parts, known_categories, strict=False)
        ):
            raise ValidationError(
                {"breakdown": _("The breakdown names a category it does not have.")}
            )
        key = ":".join(str(int(part)) for part in parts)
        if key in cells:
            raise ValidationError(
                {"breakdown": _("The breakdown gives the same cell twice.")}
            )
        amount = Decimal(amount)
        if amount < 0 or amount != amount.to_integral_value():
            raise ValidationError(
                {"breakdown": _("Each cell is a whole number, 0 or more.")}
            )
        cells[key] = int(amount)
    if not cells:
        return {}
    added = sum(cells.values())
    if total is not None and max(cells.values()) > total:
        raise ValidationError(
            {
                "breakdown": _("No cell can be more than the total (%(total)s).")
                % {"total": rules.format_figure("count", total)}
            }
        )
    exhaustive = all(d.is_exhaustive for d in dimensions)
    if total is not None and exhaustive and added != total:
        raise ValidationError(
            {
                "breakdown": _(
                    "The cells add up to %(added)s, but the total is "
                    "%(total)s. Everyone counts in exactly one cell."
                )
                % {
                    "added": rules.format_figure("count", Decimal(added)),
                    "total": rules.format_figure("count", total),
                }
            }
        )
    return cells


def _categories_of(dimensions: Iterable) -> dict[int, set[int]]:
    """Each dimension's category ids, in one query."""
    categories: dict[int, set[int]] = {d.pk: set() for d in dimensions}
    if categories:
        for dimension_id, pk in DimensionCategory.objects.filter(
            dimension__in=list(categories)
        ).values_list("dimension_id", "pk"):
            categories[dimension_id].add(pk)
    return categories


def quarter_open_check(*, partnership: Partnership, quarter: Quarter) -> None:
    """Figures only for quarters from the first reporting quarter up to the
    current one: raises ValidationError (keyed "quarter") for any other.

    The lower bound is the first reporting quarter an admin set (Settings);
    a partnership without one set takes figures for any quarter that has
    started, as before the setting existed.
    """
    from .selectors import first_reporting_quarter_set

    if quarter.starts_on > timezone.localdate():
        raise ValidationError({"quarter": _("That quarter has not started yet.")})
    first = first_reporting_quarter_set(partnership)
    if first is not None and quarter < first:
        raise ValidationError({"quarter": before_first_message(quarter, first)})


def before_first_message(quarter: Quarter, first: Quarter) -> str:
    return _(
        "%(quarter)s is before %(first)s, the partnership's first reporting "
        "quarter, so it takes no figures. An admin can change the first "
        "reporting quarter in the settings."
    ) % {"quarter": quarter.label, "first": first.label}


def _check_editable(
    record: QuarterlyValue | None,
    membership: Membership,
    period: Period,
    *,
    locked: bool,
) -> None:
    refusal = policy.figure_edit_refusal(membership, record, period, locked=locked)
    if refusal is not None:
        raise ValidationError(refusal)


@transaction.atomic
def quarterly_value_record(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    period: Period,
    actor: User,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    story: str = "",
    breakdown: dict | None = None,
    expected_version: int | None = None,
    membership: Membership | None = None,
) -> QuarterlyValue:
    """Record (or correct) one measure's figure for one quarter.

    ``expected_version`` is the version the editor saw (0 for "nothing was
    stored"); when the stored value has moved on since, ``ValueConflict``
    says so rather than overwrite someone else's save. Leads change only
    figures that are not submitted or approved; nobody changes a locked
    quarter (and the database refuses it whatever the path).

    ``membership`` is the actor's, when the caller has read it already (a
    view's ``request.membership``); it is used only if it is the actor's in
    this partnership, else read again.
    """
    if (
        measure.partnership_id != partnership.pk
        or period.partnership_id != partnership.pk
    ):
        raise PermissionDenied
    if (
        membership is None
        or membership.partnership_id != partnership.pk
        or membership.user_id != actor.pk
    ):
        membership = membership_get(partnership, actor)
    if not policy.may_enter(membership, measure):
        raise PermissionDenied(_("You cannot enter values for this measure."))
    quarter_open_check(partnership=partnership, quarter=period.as_quarter)
    value, numerator, denominator = _validate_numbers(
        measure, value, numerator, denominator
    )
    cells = _validate_breakdown(measure, value, breakdown)
    story = story_check(story)
    locked = is_locked_now(period)
    if expected_version and not locked:
        record = _change_in_place(
            partnership=partnership,
            measure=measure,
            period=period,
            actor=actor,
            membership=membership,
            expected_version=expected_version,
            numbers=(value, numerator, denominator),
            story=story,
            cells=cells,
        )
        if record is not None:
            return record
    figure = QuarterlyValue.objects.filter(
        partnership=partnership, measure=measure, period=period
    )
    # Twice at most: a figure another writer created between the read and
    # the insert (no row to lock yet) is then locked and checked as stored.
    for first_try in (True, False):
        record = values_for_update(figure).first()
        if record is None and first_try:
            # About to add it: claim the quarter (holding no figure's row
            # yet), then look again under the claim.
            figures_claim(partnership=partnership, quarters=[period])
            record = values_for_update(figure).first()
        if expected_version is not None and expected_version != (
            record.version if record else 0
        ):
            if record is None:
                raise ValidationError(_("This figure was deleted while you edited it."))
            raise ValueConflict(record)
        _check_editable(record, membership, period, locked=locked)
        if record is None:
            record = QuarterlyValue(
                partnership=partnership, measure=measure, period=period
            )
        else:
            record.version += 1
        before = _content(record)
        record.value_type = measure.value_type
        record.value = value
        record.numerator = numerator
        record.denominator = denominator
        record.story = story
        record.breakdown = cells
        record.entered_by = actor
        if record.status == ReviewStatus.APPROVED and _content(record) != before:
            # What the database's trigger does on every path (kpis.models,
            # APPROVAL_LAPSES_ON_CHANGE), here too so the caller sees it.
            record.status = ReviewStatus.SUBMITTED
            record.submitted_by = actor
            record.submitted_at = timezone.now()
        adding = record._state.adding
        try:
            if adding:
                with transaction.atomic():  # a savepoint, to read on after a refusal
                    record.save()
            else:
                # An update of the row locked above cannot meet a duplicate,
                # so it is not tried again: a refusal ends the service (whose
                # own savepoint rolls back), without a savepoint of its own.
                record.save()
        except IntegrityError as error:
            if is_locked_quarter_error(error):
                raise ValidationError(locked_message(period)) from error
            if first_try and adding and _is_duplicate_figure_error(error):
                continue
            raise
        return record
    raise AssertionError("unreachable")  # pragma: no cover


# The stored figure changed in one statement, only if it is still at the
# version the editor saw and in a state this editor may change without more
# ado (``_IN_PLACE_STATES``); else no row, and the full path says why.
_CHANGE_IN_PLACE = """
UPDATE kpis_quarterlyvalue SET
    value_type = %s, value = %s, numerator = %s, denominator = %s, story = %s,
    breakdown = %s::jsonb, entered_by_id = %s, version = version + 1,
    updated_at = %s
WHERE partnership_id = %s AND measure_id = %s AND period_id = %s
    AND version = %s AND status = ANY(%s)
RETURNING {columns}
"""


def _in_place_states(membership: Membership) -> list[str]:
    """The review states in which this editor's change is a plain update: an
    approved figure's approval lapses on a change (the full path says so to
    the caller), and a lead leaves a submitted one alone
    (``policy.figure_edit_refusal``)."""
    states = [ReviewStatus.DRAFT, ReviewStatus.RETURNED]
    if roles.may_review(membership):
        states.append(ReviewStatus.SUBMITTED)
    return [str(state) for state in states]


def _change_in_place(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    period: Period,
    actor: User,
    membership: Membership,
    expected_version: int,
    numbers: tuple[Decimal | None, Decimal | None, Decimal | None],
    story: str,
    cells: dict,
) -> QuarterlyValue | None:
    """The common save, a stored figure corrected by someone who may change
    it, in one statement: the version check, the update and the row as now
    stored (the quarter is held FOR SHARE already, and the UPDATE locks the
    row, in the order every writer follows). None when the figure is not at
    ``expected_version`` or not in a state changed in place: the caller's
    full path then locks it, and refuses or records the change as before.
    The same triggers fire (history, locked quarters, the data version)."""
    value, numerator, denominator = numbers
    fields = QuarterlyValue._meta.concrete_fields
    sql = _CHANGE_IN_PLACE.format(
        columns=", ".join(connection.ops.quote_name(f.column) for f in fields)
    )
    params = [
        measure.value_type,
        value,
        numerator,
        denominator,
        story,
        json.dumps(cells),
        actor.pk,
        timezone.now(),
        partnership.pk,
        measure.pk,
        period.pk,
        expected_version,
        _in_place_states(membership),
    ]
    try:
        # A raw query set: the row as stored, through the fields' converters.
        found = list(QuarterlyValue.objects.raw(sql, params))
    except IntegrityError as error:
        if is_locked_quarter_error(error):
            raise ValidationError(locked_message(period)) from error
        raise
    if not found:
        return None
    record = found[0]
    record.partnership = partnership
    record.measure = measure
    record.period = period
    record.entered_by = actor
    return record


def _content(record: QuarterlyValue) -> tuple:
    """What an approval covers: the numbers, the story and the breakdown."""
    return (
        None if record.value is None else Decimal(record.value),
        None if record.numerator is None else Decimal(record.numerator),
        None if record.denominator is None else Decimal(record.denominator),
        record.story,
        record.breakdown,
    )


def _is_duplicate_figure_error(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == "value_one_per_measure_per_quarter"


@dataclass
class ValueInput:
    """One row of a quarter's values as a client sends it (by measure code)."""

    measure: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    story: str = ""
    breakdown: dict | None = None
    version: int | None = None


class BulkRecordError(Exception):
    """Some rows of a bulk record failed; nothing was recorded.

    ``errors`` maps a row's index to ``{field: [messages]}`` ("__all__" for a
    message about the whole row). ``denied`` lists rows the actor may not
    record; ``conflicts`` maps rows whose ``version`` was stale to the value
    now stored.
    """

    def __init__(
        self,
        errors: dict[int, dict[str, list[str]]],
        *,
        denied: set[int],
        conflicts: dict[int, QuarterlyValue],
    ):
        super().__init__("Some rows could not be recorded.")
        self.errors = errors
        self.denied = denied
        self.conflicts = conflicts


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


@transaction.atomic
def quarterly_values_record(
    *,
    partnership: Partnership,
    year: int,
    quarter: int,
    rows: list[ValueInput],
    actor: User,
) -> list[QuarterlyValue]:
    """Record many measures' figures for one quarter: every row, or none.

    The roles, the rules for each kind of value, the review states and the
    version check are those of ``quarterly_value_record``, checked for every
    row against a handful of queries, so that one answer lists every
    problem; if any row fails nothing is recorded and ``BulkRecordError``
    says which rows failed and why. The rows are then written in one
    statement (``figures_write``).
    """
    from .selectors import measure_list
    from .services import period_get_or_create

    membership = membership_get(partnership, actor)
    if not roles.may_enter_figures(membership):
        raise PermissionDenied(_("You cannot enter values."))
    wanted = Quarter(year, quarter, partnership.reporting_year_start_month)
    quarter_open_check(partnership=partnership, quarter=wanted)
    period = period_get_or_create(partnership=partnership, quarter=wanted)
    if is_locked_now(period):
        raise ValidationError({"quarter": locked_message(period)})
    figures_claim(partnership=partnership, quarters=[wanted])
    measures = {
        m.code: m
        for m in measure_list(partnership=partnership).filter(
            code__in={row.measure for row in rows}
        )
    }
    led = policy.measures_led(membership)
    allowed = [
        m
        for m in measures.values()
        if (led is None or m.pk in led) and m.retired_at is None
    ]
    categories = _categories_of({d for m in allowed for d in m.dimensions})
    # In the order every writer takes them (``values_for_update``).
    stored = _stored_for_update(partnership, period, allowed)

    errors: dict[int, dict[str, list[str]]] = {}
    denied: set[int] = set()
    conflicts: dict[int, QuarterlyValue] = {}
    writes: dict[int, FigureWrite] = {}
    seen: set[str] = set()
    # Rows are checked in measure order, whatever order they came in (the
    # first of a measure given twice is the one kept, as when they were
    # written one by one); the answer keeps the rows' own order.
    order = sorted(
        range(len(rows)),
        key=lambda i: (getattr(measures.get(rows[i].measure), "pk", 0), i),
    )
    for index in order:
        row = rows[index]
        measure = measures.get(row.measure)
        if row.measure in seen:
            errors[index] = {"measure": [_("This measure is given more than once.")]}
            continue
        seen.add(row.measure)
        if measure is None:
            errors[index] = {
                "measure": [
                    _("No measure has the code “%(code)s”.") % {"code": row.measure}
                ]
            }
            continue
        if measure.retired_at is not None:
            errors[index] = {
                "measure": [_("This measure is retired: it takes no more figures.")]
            }
            continue
        if led is not None and measure.pk not in led:
            denied.add(index)
            errors[index] = {
                "measure": [_("You cannot enter values for this measure.")]
            }
            continue
        record = stored.get(measure.pk)
        try:
            value, numerator, denominator = _validate_numbers(
                measure, row.value, row.numerator, row.denominator
            )
            cells = _validate_breakdown(measure, value, row.breakdown, categories)
            story = story_check(row.story)
            _check_version(record, row.version)
            _check_editable(record, membership, period, locked=False)
        except ValueConflict as conflict:
            conflicts[index] = conflict.current
            errors[index] = {"version": [_conflict_message(conflict.current)]}
            continue
        except ValidationError as error:
            errors[index] = _messages(error)
            continue
        writes[index] = FigureWrite(
            measure=measure,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            story=story,
            breakdown=cells,
            version=record.version if record else 0,
        )
    if errors:
        raise BulkRecordError(errors, denied=denied, conflicts=conflicts)
    try:
        written = figures_write(
            partnership=partnership, actor=actor, rows=list(writes.values())
        )
    except IntegrityError as error:
        if is_locked_quarter_error(error):
            raise ValidationError({"quarter": locked_message(period)}) from error
        raise
    ids = [w.measure.pk for w in writes.values()]
    recorded = {
        v.measure_id: v
        for v in QuarterlyValue.objects.filter(
            partnership=partnership, period=period, measure__in=ids
        ).select_related("measure", "period", "entered_by")
    }
    if len(written) != len(writes):
        # Saved by someone else between the check and the write (a figure
        # that was not stored yet, so had no row to lock): not overwritten.
        done = {measure_id for measure_id, _period_id in written}
        conflicts = {
            index: recorded[w.measure.pk]
            for index, w in writes.items()
            if w.measure.pk not in done
        }
        raise BulkRecordError(
            {
                index: {"version": [_conflict_message(current)]}
                for index, current in conflicts.items()
            },
            denied=set(),
            conflicts=conflicts,
        )
    return [recorded[writes[index].measure.pk] for index in sorted(writes)]


def _stored_for_update(
    partnership: Partnership, period: Period, measures: list[PerformanceMeasure]
) -> dict[int, QuarterlyValue]:
    return {
        v.measure_id: v
        for v in values_for_update(
            QuarterlyValue.objects.filter(
                partnership=partnership, period=period, measure__in=measures
            ).select_related("measure", "period", "entered_by")
        )
    }


def _check_version(record: QuarterlyValue | None, expected: int | None) -> None:
    """``expected`` is the version the editor saw (0: none stored; None: any)."""
    if expected is None or expected == (record.version if record else 0):
        return
    if record is None:
        raise ValidationError(_("This figure was deleted while you edited it."))
    raise ValueConflict(record)


def _conflict_message(current: QuarterlyValue) -> str:
    return _(
        "The value was changed by someone else: it is now at "
        "version %(version)s. Check it, then send that version "
        "to replace it."
    ) % {"version": current.version}


@dataclass
class FigureWrite:
    """One checked figure for ``figures_write``."""

    measure: PerformanceMeasure
    period: Period
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    story: str
    # The cells as ``_validate_breakdown`` returns them.
    breakdown: dict[str, int]
    # The stored figure's version when it was checked (0: none stored).
    version: int = 0


_STAGE = """
CREATE TEMPORARY TABLE IF NOT EXISTS kpis_figure_writes (
    measure_id bigint NOT NULL,
    period_id bigint NOT NULL,
    value_type varchar(10) NOT NULL,
    value numeric(14, 2),
    numerator numeric(14, 2),
    denominator numeric(14, 2),
    story text NOT NULL,
    breakdown jsonb NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (measure_id, period_id)
) ON COMMIT DROP
"""

# Each staged row carries the version it will have (the version checked, plus
# one), so a stored figure is replaced only while it is still at the version
# that was checked. ``%(breakdown)s`` keeps the stored breakdown (the import,
# which refuses a new total for a broken-down figure) or replaces it.
_UPSERT = """
INSERT INTO kpis_quarterlyvalue AS stored (
    partnership_id, measure_id, period_id, value_type, value, numerator,
    denominator, story, breakdown, status, return_reason, version,
    entered_by_id, entered_at, updated_at
)
SELECT %(partnership)s, measure_id, period_id, value_type, value, numerator,
       denominator, story, breakdown, 'draft', '', version, %(actor)s,
       %(now)s, %(now)s
FROM kpis_figure_writes
ORDER BY measure_id, period_id
ON CONFLICT (partnership_id, measure_id, period_id) DO UPDATE SET
    value_type = EXCLUDED.value_type,
    value = EXCLUDED.value,
    numerator = EXCLUDED.numerator,
    denominator = EXCLUDED.denominator,
    story = EXCLUDED.story,
    breakdown = {breakdown},
    version = EXCLUDED.version,
    entered_by_id = EXCLUDED.entered_by_id,
    updated_at = EXCLUDED.updated_at
WHERE stored.version = EXCLUDED.version - 1
RETURNING stored.measure_id, stored.period_id
"""


def figures_write(
    *,
    partnership: Partnership,
    actor: User,
    rows: list[FigureWrite],
    keep_breakdowns: bool = False,
) -> list[tuple[int, int]]:
    """Write checked figures in one statement; the caller holds the transaction.

    Returns the (measure id, period id) of each figure written: a figure
    saved by someone else since it was checked (``FigureWrite.version`` no
    longer stored) is left as it is, and the caller says what that means.
    A caller that may add figures holds their quarters' claim
    (``figures_claim``), taken before it locked any stored figure.
    Must run inside the partnership's tenant scope: row-level security admits
    only its rows, and the triggers (locked quarters, history) run for each
    one, so history records the context the caller set (path "api",
    "import", ...).
    """
    if not rows:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_STAGE)
        cursor.execute("TRUNCATE kpis_figure_writes")
        # COPY into the temporary table: no triggers, no policies, fast.
        with cursor.cursor.copy(
            "COPY kpis_figure_writes (measure_id, period_id, value_type, value, "
            "numerator, denominator, story, breakdown, version) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row(
                    (
                        r.measure.pk,
                        r.period.pk,
                        r.measure.value_type,
                        r.value,
                        r.numerator,
                        r.denominator,
                        r.story,
                        json.dumps(r.breakdown),
                        r.version + 1,
                    )
                )
        # The composite foreign keys are DEFERRABLE INITIALLY DEFERRED. Left
        # deferred, each row's checks wait in PostgreSQL's after-trigger
        # queue while the history trigger's own insert runs for every row,
        # which grows quadratically with the rows in one statement (20,000
        # rows: 24 s instead of 2 s). Checked as each row goes in, the same
        # constraints cost a linear time; they are deferred again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            _UPSERT.format(
                breakdown="stored.breakdown"
                if keep_breakdowns
                else "EXCLUDED.breakdown"
            ),
            {"partnership": partnership.pk, "actor": actor.pk, "now": timezone.now()},
        )
        written = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return written


# The web form's rules, for paths that check many figures before writing
# them in one statement (the spreadsheet import): the same checks and the
# same messages as ``quarterly_value_record``.
def value_numbers_check(
    *,
    measure: PerformanceMeasure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The kind's rules; raises ValidationError keyed by field."""
    return _validate_numbers(measure, value, numerator, denominator)


def value_editable_check(
    *, record: QuarterlyValue | None, membership: Membership, period: Period
) -> None:
    """Locked quarters for everyone; submitted and approved figures for leads.

    Takes the lock state from ``period`` as read by the caller, which checks
    many rows at once; the database's guard refuses a quarter locked since.
    """
    _check_editable(record, membership, period, locked=period.is_locked)


@dataclass
class ComputedFigure:
    """One computed measure's figure for one quarter, as its source gives it.

    A count has ``value``; a share has ``numerator`` and ``denominator``. A
    figure with no numbers (a share of no activities) removes a stored one.
    """

    measure: PerformanceMeasure
    period: Period
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # The story behind the number, when the source gives one (the demo's
    # label); None keeps the stored one.
    story: str | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.denominator is None


@contextmanager
def _computed_path(actor: User) -> Iterator[None]:
    """Name the writes in the block "computed" in the history, then hand the
    history back the path it had (a nested pghistory context would otherwise
    leave its path on every later write of the request)."""
    tracker = getattr(pghistory_runtime._tracker, "value", None)
    if tracker is None:
        with pghistory.context(user=actor.pk, path="computed"):
            yield
        return
    before = dict(tracker.metadata)
    tracker.metadata["path"] = "computed"
    try:
        yield
    finally:
        tracker.metadata.clear()
        tracker.metadata.update(before)


@transaction.atomic
def computed_values_record(
    *, partnership: Partnership, actor: User, figures: list[ComputedFigure]
) -> int:
    """Store computed measures' figures, as the log they come from now gives them.

    The only writer of a computed measure's figures. A locked quarter's are
    left as they were locked (the database would refuse them anyway); an
    unchanged figure is not written again, so its version, review state and
    history stay; a changed approved figure goes back for approval (the
    database's trigger). Returns how many figures changed.
    """
    figures = [f for f in figures if f.measure.computed]
    if not figures:
        return 0
    if any(
        f.measure.partnership_id != partnership.pk
        or f.period.partnership_id != partnership.pk
        for f in figures
    ):
        raise PermissionDenied
    periods = sorted({f.period for f in figures}, key=lambda p: p.pk)
    periods_hold(period_ids=[p.pk for p in periods])
    locked = set(
        Period.objects.filter(
            pk__in=[p.pk for p in periods], locked_at__isnull=False
        ).values_list("pk", flat=True)
    )
    figures = [f for f in figures if f.period.pk not in locked]
    periods = [p for p in periods if p.pk not in locked]
    if not figures:
        return 0
    figures_claim(partnership=partnership, quarters=periods)
    stored = {
        (v.measure_id, v.period_id): v
        for v in values_for_update(
            QuarterlyValue.objects.filter(
                partnership=partnership,
                measure__in={f.measure.pk for f in figures},
                period__in=[p.pk for p in periods],
            )
        )
    }
    changed = 0
    with _computed_path(actor):
        for figure in sorted(figures, key=lambda f: (f.measure.pk, f.period.pk)):
            record = stored.get((figure.measure.pk, figure.period.pk))
            if figure.empty:
                if record is not None:
                    record.delete()
                    changed += 1
                continue
            if record is None:
                record = QuarterlyValue(
                    partnership=partnership,
                    measure=figure.measure,
                    period=figure.period,
                    value_type=figure.measure.value_type,
                    version=0,
                )
            before = _content(record) if record.pk else None
            record.value = figure.value
            record.numerator = figure.numerator
            record.denominator = figure.denominator
            if figure.story is not None:
                record.story = story_check(figure.story)
            if before is not None and _content(record) == before:
                continue
            record.version += 1
            record.entered_by = actor
            record.save()
            changed += 1
    return changed
