"""A partnership with every kind of measure the dashboard shows differently,
for the tests that hold the flat read model and the Python-written markup to
what they replaced."""

from decimal import Decimal as D

from django.utils import timezone

from kpis import services
from kpis.models import (
    Aggregation,
    Direction,
    MeasureTarget,
    QuarterlyValue,
    Question,
    ValueType,
)
from kpis.selectors import current_quarter
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MissionFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)


def figure(measure, quarter, value=None, numerator=None, denominator=None, **kw):
    period = services.period_get_or_create(
        partnership=measure.partnership, quarter=quarter
    )
    return QuarterlyValue.objects.create(
        partnership=measure.partnership,
        measure=measure,
        period=period,
        value_type=measure.value_type,
        value=value,
        numerator=numerator,
        denominator=denominator,
        **kw,
    )


def every_kind_of_measure():
    """A partnership with every kind of value and rule, with what makes each differ: missing
    quarters, a rate without its numbers, milestones due, done and not,
    targets by year, none, a retired measure, a breakdown, names with and
    without Welsh, measures of the mission, a priority and an outcome."""
    partnership = PartnershipFactory(reporting_year_start_month=4)
    MissionFactory(partnership=partnership)
    priority = PriorityFactory(partnership=partnership)
    outcome = OutcomeFactory(partnership=partnership, priority=priority)
    now = current_quarter(partnership=partnership)
    this_year = [q for q in now.back(4) if q.year == now.year]
    last_year = now.back(4 + len(this_year))[:4]
    trend = now.back(6)

    def measure(**kw):
        kw.setdefault("outcome", outcome)
        kw.setdefault("question", list(Question)[len(made) % 3])
        made.append(MeasureFactory(partnership=partnership, **kw))
        return made[-1]

    made = []
    counted = measure(name='Meetings <held> & "kept"', name_cy="Cyfarfodydd")
    for quarter, value in zip(trend, (10, 11, 12, 13, 14, 0), strict=True):
        figure(counted, quarter, D(value))
    gaps = measure(name="Gaps", outcome=None, priority=priority, is_headline=False)
    for quarter in last_year[1:3]:
        figure(gaps, quarter, D(30))
    figure(gaps, this_year[-1], D(5))
    pooled = measure(
        name="Share of families",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        annual_target=80,
    )
    figure(pooled, last_year[0], numerator=D(3), denominator=D(4))
    figure(pooled, last_year[1], D(50))
    figure(pooled, this_year[0], numerator=D(7), denominator=D(10))
    figure(pooled, this_year[1], D(40))
    both = measure(
        name="Families helped",
        value_type=ValueType.NUMBER_AND_PERCENTAGE,
        aggregation=Aggregation.LATEST,
        annual_target=60,
    )
    for quarter, (num, den) in zip(
        trend, [(1, 2), (2, 4), (3, 5), (5, 8), (8, 9), (1, 3)], strict=True
    ):
        figure(both, quarter, numerator=D(num), denominator=D(den))
    score = measure(
        name="Waiting score",
        value_type=ValueType.SCORE,
        aggregation=Aggregation.MEAN,
        direction=Direction.DOWN,
        annual_target=3,
        outcome=None,
        priority=None,
    )
    for quarter, value in zip(
        trend, ("4.5", "4", "3.5", "3.2", "3.1", "2.5"), strict=True
    ):
        figure(score, quarter, D(value))
    milestone = {
        "value_type": ValueType.MILESTONE,
        "aggregation": Aggregation.LATEST,
        "annual_target": None,
    }
    overdue = measure(
        name="Strategy published",
        due_year=now.year,
        due_quarter=1,
        **milestone,
    )
    figure(overdue, this_year[-1], D(0))
    later = measure(
        name="Hub opened", due_year=now.year + 1, due_quarter=2, **milestone
    )
    figure(later, this_year[0], D(0))
    done = measure(
        name="Charter signed", due_year=now.year - 1, due_quarter=2, **milestone
    )
    figure(done, last_year[2], D(1))
    undated = measure(name="Review held", **milestone)
    figure(undated, this_year[0], D(0))
    by_year = measure(name="Volunteers", annual_target=100)
    MeasureTarget.objects.create(
        partnership=partnership, measure=by_year, year=now.year, target=D(40)
    )
    for quarter in this_year:
        figure(by_year, quarter, D(12))
    untargeted = measure(name="Calls", annual_target=None)
    figure(untargeted, this_year[0], D(3))
    measure(name="Nothing yet")
    retired = measure(name="Old measure", retired_at=timezone.now())
    figure(retired, last_year[3], D(9))
    age = DimensionFactory(
        partnership=partnership, name="Age <group>", name_cy="Grŵp oedran"
    )
    young = DimensionCategoryFactory(dimension=age, name="Young", position=0)
    old = DimensionCategoryFactory(dimension=age, name="Old & wise", position=1)
    broken_down = measure(name="Reports", breakdown_first=age)
    for quarter, (y, o) in zip(trend[-3:-1], [(1, 2), (3, 4)], strict=True):
        figure(
            broken_down,
            quarter,
            D(y + o),
            breakdown={str(young.pk): y, str(old.pk): o},
        )
    return partnership
