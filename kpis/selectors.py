import datetime
import itertools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.postgres.aggregates import ArrayAgg, JSONBAgg
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from partnerships import policy as roles
from partnerships.bilingual import text_for
from partnerships.i18n import label_once
from partnerships.models import Membership, Partnership, User

from . import policy, rules
from .models import (
    Dimension,
    DimensionCategory,
    MeasureLead,
    MeasureTarget,
    PerformanceMeasure,
    Period,
    PeriodLockChange,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
)
from .periods import Quarter, year_label
from .year import YearFigures, year_figures_of


def current_quarter(
    *, partnership: Partnership, today: datetime.date | None = None
) -> Quarter:
    today = today or timezone.localdate()
    return Quarter.containing(today, partnership.reporting_year_start_month)


def periods_for_entry(*, partnership: Partnership, count: int = 5) -> list[Quarter]:
    """The current quarter and the ones before it that are still open for entry."""
    return list(reversed(current_quarter(partnership=partnership).back(count)))


def periods_open_for_figures(
    *, partnership: Partnership, count: int = 5
) -> list[Quarter]:
    """``periods_for_entry`` without the quarters before the first reporting
    quarter the admins set (they take no figures); the current one always."""
    quarters = periods_for_entry(partnership=partnership, count=count)
    first = first_reporting_quarter_set(partnership)
    if first is None:
        return quarters
    return [q for q in quarters if not q < first] or quarters[:1]


def with_targets(
    measures: QuerySet[PerformanceMeasure], partnership: Partnership
) -> QuerySet[PerformanceMeasure]:
    """Each measure annotated with its targets by year (``target_for`` reads
    them), read with the measures rather than in a query of their own."""
    own = MeasureTarget.objects.filter(
        partnership=partnership, measure=OuterRef("pk")
    ).values("measure")
    return measures.annotate(
        target_years=Subquery(
            own.annotate(a=ArrayAgg("year", order_by="year")).values("a")[:1]
        ),
        target_values=Subquery(
            own.annotate(a=ArrayAgg("target", order_by="year")).values("a")[:1]
        ),
    )


def measure_list(
    *, partnership: Partnership, include_retired: bool = True
) -> QuerySet[PerformanceMeasure]:
    """The partnership's measures, each with its targets by year."""
    measures = with_targets(
        PerformanceMeasure.objects.filter(partnership=partnership).select_related(
            "priority",
            "outcome",
            "baseline_period",
            "breakdown_first",
            "breakdown_second",
        ),
        partnership,
    )
    if not include_retired:
        measures = measures.filter(retired_at__isnull=True)
    return measures


def measure_list_names(*, partnership: Partnership) -> QuerySet[PerformanceMeasure]:
    """The partnership's measures with what a list of them shows and no more:
    their place in the strategy, code and name (no targets, no joined rows)."""
    return PerformanceMeasure.objects.filter(partnership=partnership).only(
        "partnership_id",
        "priority_id",
        "outcome_id",
        "position",
        "code",
        "name_en",
        "name_cy",
        "retired_at",
    )


def measure_list_current(*, partnership: Partnership) -> QuerySet[PerformanceMeasure]:
    """The measures still reported: retired ones have left dashboards and entry."""
    return measure_list(partnership=partnership, include_retired=False)


def measure_list_for_entry(*, membership: Membership) -> QuerySet[PerformanceMeasure]:
    """What a member may enter: admins every measure, leads their own, viewers none."""
    return policy.measures_to_enter(
        measure_list_current(partnership=membership.partnership), membership
    )


def measure_for_entry_get(
    *, membership: Membership, pk: int
) -> PerformanceMeasure | None:
    """The one measure a member saves a figure of, if they may enter it:
    with what its entry row shows (targets, breakdown dimensions) and no
    more. Its place in the strategy and baseline quarter are not joined:
    each join beside row-level security's filters costs the planner more
    than the row costs to read."""
    partnership = membership.partnership
    measure = policy.measure_to_enter_get(
        with_targets(
            PerformanceMeasure.objects.filter(partnership=partnership), partnership
        ),
        membership,
        pk,
    )
    if measure is not None and measure.breakdown_first_id:
        # Both dimensions in one query, only for a measure broken down.
        wanted = [measure.breakdown_first_id, measure.breakdown_second_id]
        found = {
            d.pk: d
            for d in Dimension.objects.filter(
                partnership=partnership, pk__in=[pk for pk in wanted if pk]
            )
        }
        measure.breakdown_first = found[measure.breakdown_first_id]
        if measure.breakdown_second_id:
            measure.breakdown_second = found[measure.breakdown_second_id]
    return measure


# A member's saved figures of one quarter not yet submitted, among the
# measures they enter (every current one for an admin, their own for a
# lead). Written out: after a save it is read on every save, and the query
# compiler's work on the subqueries cost more than the count.
_UNSUBMITTED = """
SELECT count(*) FROM kpis_quarterlyvalue value
JOIN kpis_performancemeasure measure
    ON measure.partnership_id = value.partnership_id
    AND measure.id = value.measure_id
WHERE value.partnership_id = %(partnership)s AND value.period_id = %(period)s
    AND value.status IN (%(draft)s, %(returned)s)
    AND measure.retired_at IS NULL
    AND (%(every)s OR EXISTS (
        SELECT 1 FROM kpis_measurelead lead
        WHERE lead.partnership_id = %(partnership)s
            AND lead.measure_id = value.measure_id
            AND lead.user_id = %(user)s))
"""


def figures_unsubmitted_count(*, membership: Membership, period: Period) -> int:
    """How many of the figures this member enters in ``period`` are saved
    but not submitted yet (draft or returned)."""
    if not roles.may_enter_figures(membership):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _UNSUBMITTED,
            {
                "partnership": membership.partnership_id,
                "period": period.pk,
                "draft": ReviewStatus.DRAFT.value,
                "returned": ReviewStatus.RETURNED.value,
                "every": roles.may_enter_every_measure(membership),
                "user": membership.user_id,
            },
        )
        (count,) = cursor.fetchone()
    return count


def period_list(*, partnership: Partnership) -> QuerySet[Period]:
    return Period.objects.filter(partnership=partnership)


def value_list(*, partnership: Partnership) -> QuerySet[QuarterlyValue]:
    return QuarterlyValue.objects.filter(partnership=partnership).select_related(
        "period", "entered_by", "reviewed_by"
    )


# What a figure's entry row shows (My measures, My quarter): its numbers,
# story and review state, its quarter, and the name of whoever returned it;
# no other user row, and no user's password hash or timestamps.
ENTRY_VALUE_FIELDS = (
    "partnership_id",
    "measure_id",
    "period",
    "value_type",
    "value",
    "numerator",
    "denominator",
    "story",
    "breakdown",
    "status",
    "return_reason",
    "version",
    "updated_at",
    "reviewed_by__full_name",
    "reviewed_by__email",
)


def value_list_for_entry(*, partnership: Partnership) -> QuerySet[QuarterlyValue]:
    """The partnership's figures as the entry pages read them (only
    ``ENTRY_VALUE_FIELDS``)."""
    return (
        QuarterlyValue.objects.filter(partnership=partnership)
        .select_related("period", "reviewed_by")
        .only(*ENTRY_VALUE_FIELDS)
    )


def _with_first_figure(
    measures: QuerySet[PerformanceMeasure], partnership: Partnership
) -> QuerySet[PerformanceMeasure]:
    """Each measure annotated with the partnership's earliest figure's year and
    quarter, for its first reporting quarter, read with the measures rather
    than in a query of its own.

    Found from the partnership's quarters in order (its ``period_unique``
    index), each asked whether it holds a figure: the first that does ends
    the search, so the cost does not grow with the figures held. Sorting
    the figures by their quarters instead read every one of them (6,000 for
    a 150-measure partnership of ten years) and every partnership's quarters.
    """
    first = Period.objects.filter(
        Exists(
            QuarterlyValue.objects.filter(
                partnership=partnership, period_id=OuterRef("pk")
            )
        ),
        partnership=partnership,
    ).order_by("year", "quarter")
    return measures.annotate(
        first_figure_year=Subquery(first.values("year")[:1]),
        first_figure_quarter=Subquery(first.values("quarter")[:1]),
    )


def earliest_figure_annotated(measure) -> tuple[int, int] | None:
    """The (year, quarter) ``_with_first_figure`` put on a measure."""
    if getattr(measure, "first_figure_year", None) is None:
        return None
    return measure.first_figure_year, measure.first_figure_quarter


# What a page that shows people's names never reads of their user rows.
USER_SECRETS = ("password", "last_login", "date_joined")


def measure_detail(
    *,
    partnership: Partnership,
    pk: int,
    years: Q | None = None,
    annotations: dict | None = None,
    figures: bool = True,
) -> PerformanceMeasure:
    """One measure with its values and leads; raises DoesNotExist when not ours.

    ``years``, a condition on the values' ``period__year``, reads only those
    years' figures (the measure page shows a window of years, so its cost
    does not grow with the measure's history); None reads every figure.
    ``annotations`` are read with the measure, in the same query.
    ``figures=False`` reads no values (the caller reads them its own way).
    """
    values = QuarterlyValue.objects.filter(partnership=partnership)
    if years is not None:
        values = values.filter(years)
    prefetches = [
        # The leads' and enterers' names are shown: never their password
        # hashes or sign-in times.
        Prefetch("leads", queryset=User.objects.defer(*USER_SECRETS)),
    ]
    if figures:
        prefetches.append(
            Prefetch(
                "values",
                queryset=values.select_related("period", "entered_by").defer(
                    *(f"entered_by__{name}" for name in USER_SECRETS)
                ),
            )
        )
    return (
        _with_first_figure(measure_list(partnership=partnership), partnership)
        .annotate(**(annotations or {}))
        .prefetch_related(*prefetches)
        .get(pk=pk)
    )


def year_summary(
    *,
    measure: PerformanceMeasure,
    year: int,
    label: str,
    entries: list[rules.Entry],
    ended: list[int] | None = None,
    done_earlier: bool = False,
    start_month: int | None = None,
) -> YearFigures:
    """A measure's year so far against its target, by the measure's own rule
    (``kpis.year``), judged today.

    ``ended``: the year's quarters that have ended, from the partnership's
    first reporting quarter on (``year_quarters_ended``): those without a
    figure are missing. ``done_earlier``: a milestone done in an earlier
    year. ``start_month``: the partnership's reporting year start (read from
    the measure's partnership when not given).
    """
    return year_figures_of(
        value_type=measure.value_type,
        aggregation=measure.aggregation,
        direction=measure.direction,
        target=measure.target_for(year),
        due_year=measure.due_year,
        due_quarter=measure.due_quarter,
        year=year,
        label=label,
        entries=entries,
        ended=ended or [],
        done_earlier=done_earlier,
        start_month=start_month or measure.partnership.reporting_year_start_month,
        today=timezone.localdate(),
    )


def first_reporting_quarter_get(
    *, partnership: Partnership, earliest_figure: tuple[int, int] | None
) -> Quarter:
    """The partnership's first reporting quarter, as its admins set it.

    Unset (a partnership made before the setting, by a path that does not
    set it), the earlier of its creation quarter and its first figure's.
    ``earliest_figure`` is the (year, quarter) of the partnership's earliest
    figure, read by the caller with a query it makes anyway
    (``period_list_with_figures``, ``measure_detail``'s annotations).
    """
    start = partnership.reporting_year_start_month
    stored = first_reporting_quarter_set(partnership)
    if stored is not None:
        return stored
    created = Quarter.containing(timezone.localdate(partnership.created_at), start)
    return rules.first_reporting_quarter(
        created, Quarter(*earliest_figure, start) if earliest_figure else None
    )


def first_reporting_quarter_set(partnership: Partnership) -> Quarter | None:
    """The first reporting quarter the partnership's admins set, if any."""
    if partnership.first_reporting_year is None:
        return None
    return Quarter(
        partnership.first_reporting_year,
        partnership.first_reporting_quarter,
        partnership.reporting_year_start_month,
    )


def first_reporting_quarter_read(*, partnership: Partnership) -> Quarter:
    """``first_reporting_quarter_get`` for a caller that has not read the
    partnership's earliest figure: one query when the setting is unset."""
    if partnership.first_reporting_year is not None:
        return first_reporting_quarter_get(
            partnership=partnership, earliest_figure=None
        )
    earliest = (
        QuarterlyValue.objects.filter(partnership=partnership)
        .order_by("period__year", "period__quarter")
        .values_list("period__year", "period__quarter")
        .first()
    )
    return first_reporting_quarter_get(
        partnership=partnership, earliest_figure=tuple(earliest) if earliest else None
    )


def period_list_with_figures(*, partnership: Partnership) -> QuerySet[Period]:
    """The partnership's quarters, each marked ``has_figures``."""
    return period_list(partnership=partnership).annotate(
        has_figures=Exists(
            QuarterlyValue.objects.filter(
                partnership=partnership, period=OuterRef("pk")
            )
        )
    )


def milestone_done_before(*, partnership: Partnership, year: int) -> Case:
    """For annotating measures: a milestone marked done before ``year``.

    Looked for on milestones only (PostgreSQL evaluates CASE lazily): on
    every other measure the search would read all of its earlier figures,
    a cost that grew with the partnership's history on every dashboard.
    """
    return Case(
        When(
            value_type=ValueType.MILESTONE,
            then=Exists(
                QuarterlyValue.objects.filter(
                    partnership=partnership,
                    measure=OuterRef("pk"),
                    value_type=ValueType.MILESTONE,
                    value__gte=1,
                    # The quarters' own tenant predicate, beside row-level
                    # security's: the planner then reads this partnership's
                    # quarters by index, not every partnership's.
                    period__partnership=partnership,
                    period__year__lt=year,
                )
            ),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def earliest_figure_of(periods) -> tuple[int, int] | None:
    """The (year, quarter) of the earliest of ``periods`` that holds a figure."""
    return min(((p.year, p.quarter) for p in periods if p.has_figures), default=None)


def year_quarters_ended(
    *, partnership: Partnership, year: int, first: Quarter
) -> list[int]:
    """The year's quarters that have ended, none before ``first``."""
    return rules.quarters_ended(
        year,
        partnership.reporting_year_start_month,
        first=first,
        today=timezone.localdate(),
    )


# How the history names the path a change came by (pghistory context "path").
PATH_LABELS = {
    "web": gettext_lazy("Web"),
    "admin": gettext_lazy("Admin site"),
    "api": gettext_lazy("API"),
    "import": gettext_lazy("Import"),
    "demo": gettext_lazy("Demo data"),
    "computed": gettext_lazy("Computed from the engagement log"),
    "command": gettext_lazy("Command"),
}
DATABASE_PATH = gettext_lazy("Directly in the database")


@dataclass
class HistoryEntry:
    at: datetime.datetime
    who: str
    path: str
    changes: list[str]


def _who_and_path(context: dict | None, users: dict[int, User]) -> tuple[str, str]:
    if not context:
        return "—", str(DATABASE_PATH)
    user = users.get(context.get("user"))
    path = context.get("path")
    return (
        str(user) if user else "—",
        str(PATH_LABELS.get(path, path or _("Application"))),
    )


def _users_named(events) -> dict[int, User]:
    ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    return {u.pk: u for u in User.objects.filter(pk__in=ids).defer(*USER_SECRETS)}


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}"


def _value_changes(previous, event, measure: PerformanceMeasure) -> list[str]:
    """What one event of a value changed, in words."""
    if event.pgh_label == "delete":
        return [_("Deleted")]
    changes = []
    if previous is None:
        changes.append(
            _("Entered %(figure)s") % {"figure": _figure_text(measure, event)}
        )
    else:
        before, after = _figure_text(measure, previous), _figure_text(measure, event)
        if before != after:
            changes.append(
                _("Figure %(before)s → %(after)s") % {"before": before, "after": after}
            )
        if previous.story != event.story:
            changes.append(_("Story changed") if event.story else _("Story removed"))
        if previous.breakdown != event.breakdown:
            changes.append(_("Breakdown changed"))
    if previous is not None and previous.status == event.status:
        return changes
    if event.status == ReviewStatus.SUBMITTED and (
        previous is not None and previous.status == ReviewStatus.APPROVED
    ):
        # The approval lapsed (kpis.models.APPROVAL_LAPSES_ON_CHANGE).
        changes.append(_("Changed after approval: to be approved again"))
    elif event.status == ReviewStatus.SUBMITTED:
        changes.append(_("Submitted for review"))
    elif event.status == ReviewStatus.APPROVED:
        changes.append(_("Approved"))
    elif event.status == ReviewStatus.RETURNED:
        changes.append(_("Returned: %(reason)s") % {"reason": event.return_reason})
    elif previous is not None:
        changes.append(_("Back to not submitted"))
    return changes


def _figure_text(measure: PerformanceMeasure, row) -> str:
    if row.numerator is not None:
        return f"{_number(row.numerator)} / {_number(row.denominator)}"
    if measure.value_type == ValueType.MILESTONE and row.value is not None:
        return rules.format_figure(measure.value_type, row.value)
    return _number(row.value)


def value_history(
    *,
    partnership: Partnership,
    measure: PerformanceMeasure,
    period_ids: Collection[int] | None = None,
) -> dict[int, list[HistoryEntry]]:
    """Every recorded change of the measure's quarterly values, oldest first.

    Keyed by period id. Built from the trigger-written events, so it includes
    changes made by bulk updates and in the admin site, and the quarter's
    locks and reopenings. ``period_ids`` reads those quarters' changes only
    (the ones a page shows).
    """
    event_model = apps.get_model("kpis", "QuarterlyValueEvent")
    events = event_model.objects.filter(partnership=partnership, measure_id=measure.pk)
    if period_ids is not None:
        events = events.filter(period_id__in=list(period_ids))
    events = list(events.order_by("pgh_created_at", "pgh_id"))
    locks = list(
        PeriodLockChange.objects.filter(
            partnership=partnership,
            period_id__in={e.period_id for e in events},
        )
        .select_related("actor")
        .defer(*(f"actor__{name}" for name in USER_SECRETS))
    )
    users = _users_named(events)
    history: dict[int, list[HistoryEntry]] = defaultdict(list)
    last_of: dict[int, object] = {}
    for event in events:
        previous = last_of.get(event.pgh_obj_id)
        changes = _value_changes(previous, event, measure)
        last_of[event.pgh_obj_id] = None if event.pgh_label == "delete" else event
        if not changes:
            continue
        who, path = _who_and_path(event.pgh_context, users)
        history[event.period_id].append(
            HistoryEntry(event.pgh_created_at, who, path, changes)
        )
    for change in locks:
        text = (
            _("Quarter locked")
            if change.action == PeriodLockChange.Action.LOCKED
            else _("Quarter reopened: %(reason)s") % {"reason": change.reason}
        )
        _who, path = _who_and_path({"path": change.path}, {})
        history[change.period_id].append(
            HistoryEntry(change.at, str(change.actor or "—"), path, [text])
        )
    for entries in history.values():
        entries.sort(key=lambda entry: entry.at)
    return dict(history)


MEASURE_FIELDS = (
    "name",
    "question",
    "value_type",
    "unit",
    "direction",
    "is_headline",
    "aggregation",
    "annual_target",
    "baseline_value",
    "definition",
    "data_source",
    "change_threshold",
    "baseline_period_id",
    "breakdown_first_id",
    "breakdown_second_id",
    "outcome_id",
    "priority_id",
)


# The texts held in English and Welsh (kpis/translation.py).
TRANSLATED_MEASURE_FIELDS = ("name", "unit", "definition", "data_source")


def _english(event, name: str):
    """The event's English text: its ``_en`` column, or, in events recorded
    before the texts had languages, the field itself (which was English)."""
    if name in TRANSLATED_MEASURE_FIELDS:
        english = getattr(event, f"{name}_en")
        return english if english is not None else (getattr(event, name) or None)
    return getattr(event, name)


def measure_history(
    *, partnership: Partnership, measure: PerformanceMeasure
) -> list[HistoryEntry]:
    """Changes to the measure's definition and targets, newest first."""
    event_model = apps.get_model("kpis", "MeasureEvent")
    events = list(
        event_model.objects.filter(partnership=partnership, pgh_obj_id=measure.pk)
        .annotate(target_events=_target_events_json(partnership, measure))
        .order_by("pgh_created_at", "pgh_id")
    )
    target_events = _target_events_of(events)
    users = _users_named([*events, *target_events])
    entries = []
    previous = None
    for event in events:
        if previous is None:
            changes = [_("Measure created")]
        else:
            changes = []
            if previous.retired_at != event.retired_at:
                changes.append(
                    pgettext("a measure's history", "Retired")
                    if event.retired_at
                    else _("Brought back from retirement")
                )
            for name in MEASURE_FIELDS:
                before, after = _english(previous, name), _english(event, name)
                if before == after:
                    continue
                field = PerformanceMeasure._meta.get_field(name.removesuffix("_id"))
                label = field.verbose_name
                if name.endswith("_id") or name in (
                    "definition",
                    "data_source",
                    "name",
                ):
                    changes.append(_("%(field)s changed") % {"field": capfirst(label)})
                else:
                    changes.append(
                        _("%(field)s: %(before)s → %(after)s")
                        % {
                            "field": capfirst(label),
                            "before": _field_text(before),
                            "after": _field_text(after),
                        }
                    )
            for name in TRANSLATED_MEASURE_FIELDS:
                if getattr(previous, f"{name}_cy") != getattr(event, f"{name}_cy"):
                    label = PerformanceMeasure._meta.get_field(name).verbose_name
                    changes.append(
                        _("%(field)s in Welsh changed") % {"field": capfirst(label)}
                    )
        previous = event
        if changes:
            who, path = _who_and_path(event.pgh_context, users)
            entries.append(HistoryEntry(event.pgh_created_at, who, path, changes))
    entries.extend(_target_history(partnership, events, target_events, users))
    entries.sort(key=lambda entry: entry.at)
    entries.reverse()
    return entries


def _default_at(measure_events: list, at) -> Decimal | None:
    """The measure's default target at ``at`` (the migration's copies)."""
    earlier = [e for e in measure_events if e.pgh_created_at <= at]
    return earlier[-1].annual_target if earlier else None


def _target_events_json(partnership: Partnership, measure: PerformanceMeasure):
    """The measure's target events as one JSON list, read with its own events
    so the measure page's history costs no query more."""
    event_model = apps.get_model("kpis", "MeasureTargetEvent")
    rows = (
        event_model.objects.filter(partnership=partnership, measure_id=measure.pk)
        .values("measure_id")
        .annotate(
            all=JSONBAgg(
                JSONObject(
                    id="pgh_id",
                    at="pgh_created_at",
                    label="pgh_label",
                    obj="pgh_obj_id",
                    context="pgh_context",
                    context_id="pgh_context_id",
                    year="year",
                    target="target",
                ),
                order_by=("pgh_created_at", "pgh_id"),
            )
        )
        .values("all")
    )
    return Subquery(rows[:1])


@dataclass
class TargetEvent:
    pgh_created_at: datetime.datetime
    pgh_label: str
    pgh_obj_id: int
    pgh_context: dict | None
    pgh_context_id: str | None
    year: int
    target: Decimal


def _target_events_of(events) -> list[TargetEvent]:
    raw = (events[0].target_events if events else None) or []
    return [
        TargetEvent(
            pgh_created_at=datetime.datetime.fromisoformat(row["at"]),
            pgh_label=row["label"],
            pgh_obj_id=row["obj"],
            pgh_context=row["context"],
            pgh_context_id=row["context_id"],
            year=row["year"],
            target=Decimal(str(row["target"])),
        )
        for row in raw
    ]


def _target_history(
    partnership: Partnership,
    measure_events: list,
    events: list[TargetEvent],
    users: dict[int, User],
) -> list[HistoryEntry]:
    """Each change of a year's target, as the measure's history shows it.

    A year given its own target equal to the default it followed (the copy
    made before the default changes) changed nothing, and is not shown."""

    # (time, context, old default) of each change of the default target: the
    # years given the old default just before it are copies, not changes.
    default_changes = {
        (
            event.pgh_created_at,
            str(event.pgh_context_id) if event.pgh_context_id else None,
            earlier.annual_target,
        )
        for earlier, event in itertools.pairwise(measure_events)
        if earlier.annual_target != event.annual_target
    }
    start = partnership.reporting_year_start_month
    last: dict[int, Decimal | None] = {}
    entries = []
    for event in events:
        year = year_label(event.year, start)
        before = last.get(event.pgh_obj_id)
        after = None if event.pgh_label == "delete" else event.target
        last[event.pgh_obj_id] = after
        if event.pgh_label == "insert" and (
            (event.pgh_created_at, event.pgh_context_id, event.target)
            in default_changes
            or (
                event.pgh_context is None
                and event.target == _default_at(measure_events, event.pgh_created_at)
            )
        ):
            continue
        text = _("Target for %(year)s: %(before)s → %(after)s") % {
            "year": year,
            "before": _field_text(before),
            "after": _field_text(after),
        }
        who, path = _who_and_path(event.pgh_context, users)
        entries.append(HistoryEntry(event.pgh_created_at, who, path, [text]))
    return entries


def _field_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Decimal):
        return _number(value)
    return str(value)


MISSING = "missing"
STATE_LABELS = {
    MISSING: gettext_lazy("Missing"),
    **{status.value: status.label for status in ReviewStatus},
}
STATES = [MISSING, *ReviewStatus.values]


def state_labels() -> dict[str, str]:
    """Each state's name in the active language, translated once a language
    (the Quarter page's counts name every state in every row)."""
    return {
        state: label_once(("review state", state), STATE_LABELS[state])
        for state in STATES
    }


@dataclass(slots=True)
class ReviewPerson:
    """A lead or submitter as the Quarter page names them: read as columns,
    never a user row (no password hash, no timestamps)."""

    pk: int
    full_name: str
    email: str

    def __str__(self) -> str:
        # What User.__str__ says.
        return self.full_name or self.email


@dataclass(slots=True)
class ReviewMeasure:
    """A measure as the Quarter page shows and checks it, read as a tuple.

    A 150-measure partnership's page built some 750 model instances; these
    records carry only the columns shown and checked.
    """

    pk: int
    code: str
    name_en: str
    name_cy: str | None
    value_type: str
    direction: str
    change_threshold: Decimal | None

    @property
    def name(self) -> str:
        """The name in the active language, Welsh falling back to English
        (what django-modeltranslation's ``name`` gives on a measure)."""
        return text_for(self, "name").text


@dataclass(slots=True)
class ReviewFigure:
    """A measure's figure for the quarter under review, read as a tuple."""

    pk: int
    version: int
    status: str
    story: str
    return_reason: str
    submitted_by: ReviewPerson | None
    # The quarter's numbers, as the plausibility checks and the display read them.
    entry: rules.Entry


@dataclass
class ReviewRow:
    measure: ReviewMeasure
    value: ReviewFigure | None
    leads: list[ReviewPerson]
    organisations: list[str]
    # The plausibility checks' findings on the figure (rules.plausibility_flags).
    flags: list = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.value.status if self.value else MISSING

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def figure_display(self) -> str:
        if self.value is None:
            return "—"
        return rules.entry_display(self.measure.value_type, self.value.entry)


@dataclass
class StateCounts:
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in STATES]

    @property
    def labelled(self) -> list[tuple[str, str, int]]:
        labels = state_labels()
        return [(state, labels[state], self.counts.get(state, 0)) for state in STATES]

    @property
    def outstanding(self) -> int:
        return sum(
            self.counts.get(s, 0) for s in (MISSING, ReviewStatus.DRAFT, "returned")
        )


@dataclass
class QuarterReview:
    partnership: Partnership
    quarter: Quarter
    period: Period | None
    rows: list[ReviewRow]
    lock_changes: list[PeriodLockChange]
    # Before the partnership's first reporting quarter: nothing was due.
    before_first_reporting: bool = False

    @property
    def deadline(self) -> datetime.date:
        return self.partnership.deadline_for(self.quarter)

    @property
    def days_to_deadline(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        if self.before_first_reporting:
            return 0
        return max(0, -self.days_to_deadline)

    @property
    def is_locked(self) -> bool:
        return bool(self.period and self.period.is_locked)

    @property
    def totals(self) -> StateCounts:
        return _count(_("All measures"), self.rows)

    # Each measure counts once, under its leads (or bodies) together: a
    # measure two people lead is in the row "A, B", so the rows add up to
    # the totals above them.
    @property
    def by_lead(self) -> list[StateCounts]:
        groups: dict[str, list[ReviewRow]] = defaultdict(list)
        nobody = _("No lead assigned")
        for row in self.rows:
            name = ", ".join(str(u) for u in row.leads) or nobody
            groups[name].append(row)
        return [_count(name, rows) for name, rows in sorted(groups.items())]

    @property
    def by_organisation(self) -> list[StateCounts]:
        groups: dict[str, list[ReviewRow]] = defaultdict(list)
        none = _("No organisation")
        for row in self.rows:
            name = ", ".join(row.organisations) or none
            groups[name].append(row)
        return [_count(name, rows) for name, rows in sorted(groups.items())]

    @property
    def submitted(self) -> list[ReviewRow]:
        return [row for row in self.rows if row.state == ReviewStatus.SUBMITTED]

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.state == MISSING)

    @property
    def can_lock(self) -> bool:
        """Every figure entered is approved, and there is at least one: a
        quarter with no figures has nothing to lock."""
        return (
            not self.is_locked
            and any(row.state == ReviewStatus.APPROVED for row in self.rows)
            and all(row.state in (MISSING, ReviewStatus.APPROVED) for row in self.rows)
        )


def _count(name: str, rows: list[ReviewRow]) -> StateCounts:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    return StateCounts(name, dict(counts))


def quarter_review_get(*, partnership: Partnership, quarter: Quarter) -> QuarterReview:
    """Every measure's state for one quarter, with its leads and their bodies.

    Measures, figures and leads are read as tuples into lean records
    (``ReviewMeasure``, ``ReviewFigure``, ``ReviewPerson``): only the columns
    the page shows or checks, no model instances, and the partnership named
    beside row-level security.
    """
    period = (
        period_list(partnership=partnership)
        .filter(year=quarter.year, quarter=quarter.quarter)
        .first()
    )
    measures = []
    earliest_figure = None
    # Each measure's name, code and kind are shown, and its direction and
    # threshold checked: no other column is read, no target, priority,
    # outcome or breakdown.
    for *columns, first_year, first_quarter in _with_first_figure(
        measure_list_names(partnership=partnership), partnership
    ).values_list(
        "pk",
        "code",
        "name_en",
        "name_cy",
        "value_type",
        "direction",
        "change_threshold",
        "first_figure_year",
        "first_figure_quarter",
    ):
        measures.append(ReviewMeasure(*columns))
        if first_year is not None:
            earliest_figure = (first_year, first_quarter)
    first = first_reporting_quarter_get(
        partnership=partnership, earliest_figure=earliest_figure
    )
    values = {}
    if period:
        # Nobody's name is read but the submitter's (the approval page shows
        # it), nor the times of entry, nor the breakdown.
        for (
            measure_id,
            pk,
            version,
            status,
            value,
            numerator,
            denominator,
            story,
            return_reason,
            submitter_id,
            submitter_name,
            submitter_email,
        ) in (
            QuarterlyValue.objects.filter(partnership=partnership, period=period)
            # One quarter's figures, keyed by measure: not sorted by quarter,
            # so the quarters' table is not joined.
            .order_by()
            .values_list(
                "measure_id",
                "pk",
                "version",
                "status",
                "value",
                "numerator",
                "denominator",
                "story",
                "return_reason",
                "submitted_by_id",
                "submitted_by__full_name",
                "submitted_by__email",
            )
        ):
            values[measure_id] = ReviewFigure(
                pk,
                version,
                status,
                story,
                return_reason,
                ReviewPerson(submitter_id, submitter_name, submitter_email)
                if submitter_id is not None
                else None,
                rules.Entry(quarter.quarter, value, numerator, denominator),
            )
    leads: dict[int, list[ReviewPerson]] = defaultdict(list)
    # The leads' names and addresses only: no password hashes or timestamps.
    for measure_id, user_id, full_name, email in MeasureLead.objects.filter(
        partnership=partnership
    ).values_list("measure_id", "user_id", "user__full_name", "user__email"):
        leads[measure_id].append(ReviewPerson(user_id, full_name, email))
    organisation_of = dict(
        Membership.objects.filter(
            partnership=partnership, organisation__isnull=False
        ).values_list("user_id", "organisation__name")
    )
    rows = []
    for measure in measures:
        people = sorted(leads.get(measure.pk, ()), key=str)
        organisations = sorted(
            {organisation_of[u.pk] for u in people if u.pk in organisation_of}
        )
        rows.append(ReviewRow(measure, values.get(measure.pk), people, organisations))
    lock_changes = (
        list(
            PeriodLockChange.objects.filter(partnership=partnership, period=period)
            .select_related("actor")
            .defer(*(f"actor__{name}" for name in USER_SECRETS))
        )
        if period
        else []
    )
    return QuarterReview(
        partnership,
        quarter,
        period,
        rows,
        lock_changes,
        before_first_reporting=quarter < first,
    )


@dataclass
class BreakdownTable:
    """A value's breakdown as rows (first dimension) by columns (second)."""

    first: str
    second: str | None
    columns: list[str]
    rows: list[tuple[str, list[int | None], int]]
    column_totals: list[int]
    total: int


def breakdown_table(
    measure: PerformanceMeasure,
    breakdown: dict,
    categories: dict[int, list],
) -> BreakdownTable | None:
    dimensions = measure.dimensions
    if not dimensions or not breakdown:
        return None
    firsts = categories.get(dimensions[0].pk, [])
    seconds = categories.get(dimensions[1].pk, []) if len(dimensions) > 1 else []
    rows = []
    column_totals = [0] * max(len(seconds), 1)
    for first in firsts:
        cells = []
        for index, second in enumerate(seconds or [None]):
            key = f"{first.pk}:{second.pk}" if second else str(first.pk)
            amount = breakdown.get(key)
            cells.append(amount)
            column_totals[index] += amount or 0
        rows.append((first.name, cells, sum(c or 0 for c in cells)))
    return BreakdownTable(
        first=dimensions[0].name,
        second=dimensions[1].name if seconds else None,
        columns=[c.name for c in seconds],
        rows=rows,
        column_totals=column_totals,
        total=sum(total for _name, _cells, total in rows),
    )


def category_map(*, partnership: Partnership) -> dict[int, list]:
    """The partnership's breakdown categories by dimension id, in order."""
    grouped: dict[int, list] = defaultdict(list)
    for category in DimensionCategory.objects.filter(partnership=partnership):
        grouped[category.dimension_id].append(category)
    return dict(grouped)


@dataclass
class BreakdownLine:
    """A value's breakdown by its first dimension, for one line of text."""

    dimension: str
    label: str
    cells: list[tuple[str, int]]

    @property
    def text(self) -> str:
        return " · ".join(f"{name} {amount}" for name, amount in self.cells)


def breakdown_line(
    measure: PerformanceMeasure, value: QuarterlyValue | None, categories, label: str
) -> BreakdownLine | None:
    table = breakdown_table(measure, value.breakdown if value else {}, categories)
    if table is None:
        return None
    return BreakdownLine(
        table.first, label, [(name, total) for name, _cells, total in table.rows]
    )
