"""A published partnership for the public tests: a count broken down by age
with one small cell, a percentage of few people, and an unpublished measure."""

from dataclasses import dataclass
from decimal import Decimal as D

from kpis import recording, services
from kpis.models import Aggregation, PerformanceMeasure, ValueType
from kpis.periods import Quarter
from partnerships.models import Membership, Partnership, Role
from public.services import publication_update
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    MissionFactory,
    PartnershipFactory,
    PriorityFactory,
)

# 2026/27 (April start): quarters 1 and 2 have ended on the pinned clock.
YEAR = 2026
# Children, adults, elders in each quarter; the 3 is the small cell.
BREAKDOWN = [(3, 20, 12), (8, 22, 15)]


@dataclass
class Published:
    partnership: Partnership
    admin: Membership
    sessions: PerformanceMeasure
    rate: PerformanceMeasure
    hidden: PerformanceMeasure
    categories: list


def publish(partnership, admin, measures, *, published=True, threshold=5, **kw):
    return publication_update(
        partnership=partnership,
        membership=admin,
        is_published=published,
        threshold=threshold,
        measure_ids=[m.pk for m in measures],
        **kw,
    )


def build_published(**partnership_fields) -> Published:
    partnership = PartnershipFactory(reporting_year_start_month=4, **partnership_fields)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    MissionFactory(partnership=partnership, statement="Every neighbour known by name")
    priority = PriorityFactory(partnership=partnership, name="Belonging")
    age = DimensionFactory(
        partnership=partnership, name="Age group", is_exhaustive=True
    )
    categories = [
        DimensionCategoryFactory(dimension=age, name=name, position=i)
        for i, name in enumerate(["Children", "Adults", "Elders"])
    ]
    sessions = MeasureFactory(
        partnership=partnership,
        code="BL-01",
        name="People at welcome sessions",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        breakdown_first=age,
        priority=priority,
        outcome=None,
    )
    rate = MeasureFactory(
        partnership=partnership,
        code="BL-02",
        name="Newcomers who feel welcome",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        priority=priority,
        outcome=None,
    )
    hidden = MeasureFactory(
        partnership=partnership,
        code="BL-99",
        name="Safeguarding referrals",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        outcome=None,
    )
    for q, cells in enumerate(BREAKDOWN, start=1):
        period = services.period_get_or_create(
            partnership=partnership, quarter=Quarter(YEAR, q, 4)
        )
        recording.quarterly_value_record(
            partnership=partnership,
            measure=sessions,
            period=period,
            actor=admin.user,
            value=D(sum(cells)),
            breakdown={str(c.pk): n for c, n in zip(categories, cells, strict=True)},
            story="Word spread through the school gates." if q == 2 else "",
        )
        # Quarter 1 asks 4 newcomers (withheld), quarter 2 asks 20.
        recording.quarterly_value_record(
            partnership=partnership,
            measure=rate,
            period=period,
            actor=admin.user,
            numerator=D(3 if q == 1 else 15),
            denominator=D(4 if q == 1 else 20),
        )
        recording.quarterly_value_record(
            partnership=partnership,
            measure=hidden,
            period=period,
            actor=admin.user,
            value=D(7717),
        )
    publish(partnership, admin, [sessions, rate], priority_ids=[priority.pk])
    return Published(partnership, admin, sessions, rate, hidden, categories)
