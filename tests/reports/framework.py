from decimal import Decimal as D

from demo.builder import Member, framework_build
from demo.specs import MeasureSpec, OutcomeSpec, PartnershipSpec, PrioritySpec
from kpis import recording as kpi_recording
from kpis import services as kpi_services
from kpis.models import Aggregation, QuarterlyValue, Question, ValueType
from kpis.periods import Quarter
from outcomes.models import Horizon
from partnerships.models import Role
from tests.factories import PartnershipFactory, UserFactory

YEAR = 2024  # 2024/25, September to August


def framework_spec(partnership) -> PartnershipSpec:
    """The strategy, for the partnership (which the builder finds by slug)."""
    return PartnershipSpec(
        name=partnership.name,
        slug=partnership.slug,
        reporting_year_start_month=partnership.reporting_year_start_month,
        mission_statement="Every young person in the valley thrives by 2030",
        mission_target_year=2030,
        mission_description="",
        organisations=(),
        priorities=(
            PrioritySpec(
                name="Learning for life",
                mission_statement="To open the university to every school.",
                outcomes=(
                    OutcomeSpec(
                        statement="More children from every school take part",
                        horizon=Horizon.SHORT,
                        measures=(
                            MeasureSpec(
                                code="LL-01",
                                name="Taster sessions held in schools",
                                question=Question.HOW_MUCH,
                                value_type=ValueType.COUNT,
                                aggregation=Aggregation.SUM,
                                target=100,
                                baseline_value=60,
                                headline=True,
                            ),
                            MeasureSpec(
                                code="LL-02",
                                name="Pupils rating the sessions good or better",
                                question=Question.HOW_WELL,
                                value_type=ValueType.PERCENTAGE,
                                aggregation=Aggregation.RATIO_OF_SUMS,
                                target=80,
                                headline=False,
                            ),
                        ),
                    ),
                ),
            ),
            PrioritySpec(
                name="Keeping well",
                mission_statement="To support our communities and partners.",
                outcomes=(
                    OutcomeSpec(
                        statement="People feel less alone",
                        horizon=Horizon.SHORT,
                        measures=(
                            MeasureSpec(
                                code="KW-01",
                                name="Average wellbeing score of participants",
                                question=Question.BETTER_OFF,
                                value_type=ValueType.SCORE,
                                aggregation=Aggregation.MEAN,
                                target=7,
                                headline=True,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )


def build_framework(partnership=None):
    """A small strategy with every kind of measure and a year of values.

    Returns the partnership, its admin, and the year figure each measure's
    values add up to, worked out by hand from the numbers entered below.
    """
    partnership = partnership or PartnershipFactory(
        name="Bro Dyfrdwy Partnership", slug="bro-dyfrdwy"
    )
    admin = UserFactory()
    built = framework_build(
        framework_spec(partnership), members=[Member(user=admin, role=Role.ADMIN)]
    )
    periods = [
        kpi_services.period_get_or_create(
            partnership=partnership,
            quarter=Quarter(YEAR, q, partnership.reporting_year_start_month),
        )
        for q in (1, 2, 3, 4)
    ]
    sessions, satisfied, confidence = (
        built.measures[code] for code in ("LL-01", "LL-02", "KW-01")
    )
    for number, period in enumerate(periods, start=1):
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=sessions,
            period=period,
            actor=admin,
            value=D(10 * number),
            story=f"Quarter {number}: schools in Brymbo joined.",
        )
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=satisfied,
            period=period,
            actor=admin,
            numerator=D(30 + number),
            denominator=D(40),
        )
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=confidence,
            period=period,
            actor=admin,
            value=D(5 + number),
        )
    # 10+20+30+40; (31+32+33+34)/160; mean of 6, 7, 8, 9.
    expected = {sessions: "100", satisfied: "81.3%", confidence: "7.5"}
    return partnership, admin, expected


def change_a_figure(partnership, admin, *, by=1):
    """Record a new figure for the sessions measure's first quarter."""
    value = QuarterlyValue.objects.filter(
        partnership=partnership, measure__code="LL-01"
    ).first()
    kpi_recording.quarterly_value_record(
        partnership=partnership,
        measure=value.measure,
        period=value.period,
        actor=admin,
        value=value.value + by,
    )
