"""The demo: three partnerships built from their real strategy documents.

* "Wrexham University Civic Mission Partnership" from the Wrexham University
  Civic Mission Partnership Strategy 2023–2028 (seed 000,
  ``data/civic_mission.toml``): the mission, its three priorities with their
  own mission statements, the short-term and intermediate outcomes of
  Appendix A, and the KPIs of Appendix B with their annual targets; and its
  contribution map to the Welsh national framework: each objective's
  national indicators from Appendix B's last column, and the ways of working
  the strategy sets in bold. The strategy links no priority to a particular
  well-being goal, so the demo links each to all seven.
* "Wrexham Community Cohesion" from Wrexham County Borough Council's
  Community Cohesion Strategy 2011–14 strategic action plan (seed 001,
  ``data/community_cohesion.toml``): six outcomes with no priorities, the
  "how we will achieve this" actions as projects, and every performance
  measure of its three RBA columns. It predates the 2015 Act and uses no
  national framework.
* "Wakefield Together" from the Wakefield Together Partnership Community
  Engagement Strategy (seed 003, ``data/wakefield_together.toml``): an English
  partnership (financial year from April, no national framework), four
  priorities from the strategy's sections, the vision's outcomes, a few
  measures of the demo's drawn from what its action plan counts.

The framework follows the documents; anything the documents do not say (a
few feedback measures, some definitions, the cohesion targets) says so in
its definition. The quarterly figures are invented, labelled as demo data in
every story, and drawn from random generators seeded by measure code and
quarter (``demo.figures``) so they are the same on every load.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import pghistory
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models.functions import Lower

from kpis import review as kpi_review
from kpis import services as kpi_services
from kpis.models import (
    DimensionCategory,
    MeasureLead,
    PerformanceMeasure,
    QuarterlyValue,
    ValueType,
)
from kpis.periods import Quarter
from kpis.selectors import first_reporting_quarter_set, measure_list
from outcomes.models import Outcome, Priority, Project
from outcomes.selectors import priority_list
from partnerships import tenancy
from partnerships.models import Membership, Partnership, User
from public.disclosure import DEFAULT_THRESHOLD
from public.services import publication_update

from . import national
from .actions import actions_load, measure_curve_stories_load
from .builder import Member, framework_build
from .engagement import engagement_load
from .figures import demo_breakdown, demo_series
from .networks import network_load
from .specs import (
    DATA_DIR,
    Figures,
    MeasureSpec,
    PartnershipSpec,
    UserSpec,
    partnership_spec_load,
    stories_spec_load,
    users_spec_load,
)
from .values import (
    NewFigure,
    quarterly_values_bulk_approve,
    quarterly_values_bulk_create,
)

PARTNERSHIP_FILES = (
    "civic_mission.toml",
    "community_cohesion.toml",
    "wakefield_together.toml",
)


@cache
def partnership_specs() -> tuple[PartnershipSpec, ...]:
    return tuple(partnership_spec_load(DATA_DIR / name) for name in PARTNERSHIP_FILES)


def partnership_spec(slug: str) -> PartnershipSpec:
    return next(spec for spec in partnership_specs() if spec.slug == slug)


USERS = users_spec_load()
STORIES = stories_spec_load()
PASSWORD = USERS.password
DEMO_LABEL = STORIES.label
QUARTERS_OF_HISTORY = STORIES.quarters_of_history
ADMIN_EMAIL = USERS.admin
LEAD_EMAIL = USERS.lead
STEERING_EMAIL = USERS.steering
DEMO_EMAILS = frozenset(user.email for user in USERS.users)

# The seven well-being goals of the Well-being of Future Generations Act
# (Wales) 2015, by their codes in wellbeing/reference/wales/wellbeing_goals.csv.
# Seed 000, line 31: "All of our work is focused on enabling partners to bring
# the Well-being of Future Generations Act (Wales) 2015 to life and drive
# change and action around the 7 well-being goals and embody the 5 ways of
# working", so data/civic_mission.toml links every priority to each of them.
WALES_GOALS = (
    "prosperous",
    "resilient",
    "healthier",
    "more_equal",
    "cohesive_communities",
    "vibrant_culture_welsh_language",
    "globally_responsible",
)


class DemoLoadRefused(CommandError):
    """The database holds data that is not the demo's."""


@dataclass
class PartnershipSummary:
    name: str
    slug: str
    priorities: int
    outcomes: int
    projects: int
    measures: int
    headline_measures: int
    values: int


@dataclass
class DemoResult:
    partnerships: list[PartnershipSummary] = field(default_factory=list)
    values_created: int = 0
    action_updates_created: int = 0
    activities_created: int = 0
    logins: tuple[UserSpec, ...] = USERS.users
    password: str = PASSWORD


def demo_load(*, today: datetime.date, beside_others: bool = False) -> DemoResult:
    """Load (or top up) the demo partnerships as of ``today``.

    Refuses on a database that holds anything but the demo, unless
    ``beside_others`` and the demo is there already: then the database is the
    demo's (``make demo``'s), people have added partnerships and accounts
    beside it, and the demo partnerships are refreshed while everything else
    is left alone. A database that holds other data but not the demo (a real
    one) is refused either way.
    """
    result = DemoResult()
    with tenancy.platform_scope(), pghistory.context(path="demo"):
        demo_there = Partnership.objects.filter(is_demo=True).exists()
        if not (beside_others and demo_there):
            _refuse_unless_demo_database()
        users = {spec.email: _user_get_or_create(spec) for spec in USERS.users}
        admin = users[ADMIN_EMAIL]
        pghistory.context(user=admin.pk)
        national.load_frameworks()
        for spec in partnership_specs():
            partnership = _load_partnership(spec, users=users)
            national.contributions_load(spec, partnership=partnership, actor=admin)
            national.population_load(
                spec, partnership=partnership, actor=admin, today=today
            )
            _first_reporting_quarter_set(partnership, admin=admin, today=today)
            _milestones_due_set(spec, partnership=partnership, admin=admin, today=today)
            result.values_created += _load_values(
                spec, partnership=partnership, actor=admin, today=today
            )
            history, current = demo_quarters(partnership, today)
            result.action_updates_created += actions_load(
                spec,
                partnership=partnership,
                admin=admin,
                walk_through_lead=users.get(USERS.actions_lead)
                if USERS.actions_partnership == spec.slug
                else None,
                quarters=[*history, current],
            )
            measure_curve_stories_load(
                spec, partnership=partnership, admin=admin, today=today
            )
            # Before the history is approved and locked: the computed
            # figures go through the review cycle as the others do.
            result.activities_created += engagement_load(
                partnership=partnership, admin=admin, today=today, label=DEMO_LABEL
            )
            _review_history(partnership, admin=admin, today=today)
            if spec.slug in PUBLISHED:
                _publish(partnership, admin=admin)
            result.partnerships.append(_summary(partnership))
        # Once every partnership's figures are in: the shared copies are made
        # of them.
        network_load(admin=admin)
    return result


def _first_reporting_quarter_set(
    partnership: Partnership, *, admin: User, today: datetime.date
) -> None:
    """The demo reports from the start of its first year of history (or an
    earlier load's). The strategies were running before the demo's figures
    begin (seed 000's baseline is September 2023), so a quarter of that year
    before the history is missing, never outside reporting: the demo shows
    how a missing quarter is disclosed (issue 13's "Q1 not reported")."""
    history, _current = demo_quarters(partnership, today)
    first = Quarter(history[0].year, 1, partnership.reporting_year_start_month)
    stored = first_reporting_quarter_set(partnership)
    if stored is not None and stored < first:
        first = stored
    kpi_services.partnership_settings_update(
        partnership=partnership,
        actor=admin,
        name=partnership.name,
        reporting_year_start_month=partnership.reporting_year_start_month,
        area_code=partnership.area_code,
        comparator_area_code=partnership.comparator_area_code,
        first_reporting_quarter=first.key,
    )


def _milestones_due_set(
    spec: PartnershipSpec, *, partnership: Partnership, admin: User, today
) -> None:
    """Each milestone's due quarter, counted from the first quarter of demo
    history as its spec says (``MeasureSpec.due_quarter``)."""
    history, _current = demo_quarters(partnership, today)
    due_specs = {
        code: s.due_quarter
        for code, s in measure_specs(spec).items()
        if s.value_type == "milestone" and s.due_quarter is not None
    }
    for measure in PerformanceMeasure.objects.filter(
        partnership=partnership, code__in=due_specs
    ):
        due = history[0]
        for _step in range(due_specs[measure.code]):
            due = due.next()
        if (measure.due_year, measure.due_quarter) != (due.year, due.quarter):
            kpi_services.measure_update(
                partnership=partnership,
                actor=admin,
                measure=measure,
                changes={"due_year": due.year, "due_quarter": due.quarter},
            )


# The civic mission publishes its public page (its strategy is a public
# document); Community Cohesion's stays unpublished.
PUBLISHED = ("wrexham-civic-mission",)


def _publish(partnership: Partnership, *, admin: User) -> None:
    """Publish every priority and measure (disclosure control applies)."""
    publication_update(
        partnership=partnership,
        membership=Membership.objects.get(partnership=partnership, user=admin),
        is_published=True,
        threshold=DEFAULT_THRESHOLD,
        priority_ids=priority_list(partnership=partnership).values_list(
            "pk", flat=True
        ),
        measure_ids=measure_list(partnership=partnership).values_list("pk", flat=True),
    )


def _review_history(partnership: Partnership, *, admin: User, today) -> None:
    """Where the demo's reporting cycle stands.

    The complete quarters are approved and all but the last are locked, so
    the admin can lock that one; the admin's figures for the current quarter
    are submitted and wait for review, beside the lead's, which the lead
    enters in the walk-through.
    """
    history, current = demo_quarters(partnership, today)
    periods = [
        kpi_services.period_get_or_create(partnership=partnership, quarter=quarter)
        for quarter in history
    ]
    quarterly_values_bulk_approve(partnership=partnership, periods=periods, actor=admin)
    for quarter in history[:-1]:
        kpi_review.period_lock(partnership=partnership, quarter=quarter, actor=admin)
    with contextlib.suppress(ValidationError):
        kpi_review.quarter_submit(
            partnership=partnership,
            quarter=current,
            actor=admin,
            measure_ids=list(
                MeasureLead.objects.filter(
                    partnership=partnership, user=admin
                ).values_list("measure_id", flat=True)
            ),
        )


def _refuse_unless_demo_database() -> None:
    foreign = Partnership.objects.filter(is_demo=False).order_by("name").first()
    if foreign is not None:
        raise DemoLoadRefused(
            f"Refusing to load demo data: the database holds a partnership that "
            f"is not demo data ({foreign.name!r}). demo_load only runs on an "
            f"empty database or one that holds nothing but the demo (or, with "
            f"--beside-others, one where the demo is loaded already)."
        )
    stranger = (
        User.objects.annotate(email_lower=Lower("email"))
        .exclude(email_lower__in=DEMO_EMAILS)
        .order_by("email")
        .first()
    )
    if stranger is not None:
        raise DemoLoadRefused(
            f"Refusing to load demo data: the database holds a user who is not "
            f"a demo user ({stranger.email}). demo_load only runs on an empty "
            f"database or one that holds nothing but the demo (or, with "
            f"--beside-others, one where the demo is loaded already)."
        )


def _user_get_or_create(spec: UserSpec) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        return User.objects.create_user(spec.email, PASSWORD, full_name=spec.full_name)
    # Someone may have changed a demo password while trying the demo; the
    # printed logins must work.
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def _is_lead_measure(partnership_slug: str, spec: MeasureSpec) -> bool:
    """The walk-through's lead reports these measures (the Children's
    University's); they enter this quarter's figures themselves."""
    return (partnership_slug, spec.project) == (
        USERS.lead_partnership,
        USERS.lead_project,
    )


def _load_partnership(spec: PartnershipSpec, *, users: dict[str, User]) -> Partnership:
    members = [
        Member(
            user=users[user_spec.email],
            role=user_spec.roles[spec.slug],
            organisation=user_spec.organisation,
        )
        for user_spec in USERS.users
        if user_spec.roles.get(spec.slug)
    ]
    admin, lead = users[ADMIN_EMAIL], users[LEAD_EMAIL]
    built = framework_build(
        spec,
        is_demo=True,
        members=members,
        measure_lead=lambda measure: (
            lead if _is_lead_measure(spec.slug, measure) else admin
        ),
    )
    return built.partnership


def measure_specs(spec: PartnershipSpec) -> dict[str, MeasureSpec]:
    """Every measure of the partnership, by code."""
    return spec.all_measures()


def demo_quarters(
    partnership: Partnership, today: datetime.date
) -> tuple[list[Quarter], Quarter]:
    """The complete quarters of demo history, oldest first, and the current one."""
    current = Quarter.containing(today, partnership.reporting_year_start_month)
    return current.previous().back(QUARTERS_OF_HISTORY), current


def _load_values(
    spec: PartnershipSpec,
    *,
    partnership: Partnership,
    actor: User,
    today: datetime.date,
) -> int:
    history, current = demo_quarters(partnership, today)
    quarters = [*history, current]
    periods = [
        kpi_services.period_get_or_create(partnership=partnership, quarter=q)
        for q in quarters
    ]
    specs = measure_specs(spec)
    existing = {
        (measure_id, period_id): value
        for measure_id, period_id, value in QuarterlyValue.objects.filter(
            partnership=partnership
        ).values_list("measure_id", "period_id", "value")
    }
    others = 0
    categories: dict[int, list[int]] = {}
    for category in DimensionCategory.objects.filter(partnership=partnership):
        categories.setdefault(category.dimension_id, []).append(category.pk)
    new_figures = []
    for measure in (
        PerformanceMeasure.objects.filter(partnership=partnership, code__in=specs)
        .select_related("breakdown_first")
        .order_by("position", "code")
    ):
        measure_spec = specs[measure.code]
        # About half the measures already have this quarter's figure, as they
        # would part-way through a quarter; never the lead's, whose entry is
        # the walk-through.
        fill_current = False
        if not _is_lead_measure(spec.slug, measure_spec):
            fill_current = others % 2 == 0
            others += 1
        series = demo_series(
            measure_spec,
            slug=spec.slug,
            quarters=quarters if fill_current else history,
            stories=STORIES,
        )
        done = False
        for period, figures in zip(periods, series, strict=False):
            key = (measure.pk, period.pk)
            if key in existing:
                done = done or existing[key] == 1
                continue
            if measure_spec.value_type == ValueType.MILESTONE and done:
                # A milestone recorded done on an earlier load stays done.
                figures = Figures(value=Decimal(1), story=DEMO_LABEL)
            dimension = measure.breakdown_first
            breakdown = None
            if dimension is not None and figures.value is not None:
                breakdown = demo_breakdown(
                    total=int(figures.value),
                    categories=categories.get(dimension.pk, []),
                    exhaustive=dimension.is_exhaustive,
                    key=f"{spec.slug}/{measure.code}/{period.year}-{period.quarter}",
                )
            new_figures.append(
                NewFigure(
                    measure=measure, period=period, figures=figures, breakdown=breakdown
                )
            )
            done = done or figures.value == 1
    return quarterly_values_bulk_create(
        partnership=partnership, actor=actor, figures=new_figures
    )


def _summary(partnership: Partnership) -> PartnershipSummary:
    measures = PerformanceMeasure.objects.filter(partnership=partnership)
    return PartnershipSummary(
        name=partnership.name,
        slug=partnership.slug,
        priorities=Priority.objects.filter(partnership=partnership).count(),
        outcomes=Outcome.objects.filter(partnership=partnership).count(),
        projects=Project.objects.filter(partnership=partnership).count(),
        measures=measures.count(),
        headline_measures=measures.filter(is_headline=True).count(),
        values=QuarterlyValue.objects.filter(partnership=partnership).count(),
    )
