from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.models import Aggregation, Question, ValueType
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    MissionFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def build(partnership, *, priorities, measures_per_outcome, quarters):
    """A framework of the given size with a value in each recent quarter."""
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    now = current_quarter(partnership=partnership)
    periods = [
        services.period_get_or_create(partnership=partnership, quarter=q)
        for q in now.back(quarters)
    ]
    for _ in range(priorities):
        priority = PriorityFactory(partnership=partnership)
        outcome = OutcomeFactory(partnership=partnership, priority=priority)
        for index in range(measures_per_outcome):
            question = list(Question)[index % 3]
            measure = MeasureFactory(
                partnership=partnership, outcome=outcome, question=question
            )
            for number, period in enumerate(periods):
                recording.quarterly_value_record(
                    partnership=partnership,
                    measure=measure,
                    period=period,
                    actor=admin,
                    value=D(number + 1),
                )
    return admin


@pytest.fixture
def viewer_client(client):
    def make(partnership):
        viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
        client.force_login(viewer)
        return client

    return make


def test_dashboard_shows_mission_priorities_and_status(viewer_client):
    partnership = PartnershipFactory()
    MissionFactory(partnership=partnership, statement="End social inequality by 2030")
    build(partnership, priorities=1, measures_per_outcome=3, quarters=2)
    page = viewer_client(partnership).get(
        reverse("reports:dashboard", kwargs={"slug": partnership.slug})
    )
    html = page.content.decode()
    assert "End social inequality by 2030" in html
    assert "How much did we do?" in html and "Is anyone better off?" in html
    assert 'class="sparkline"' in html
    summaries = page.context["dashboard"].all_measures
    assert len(summaries) == 3
    # Every summary's status is one of the shown states, in text not colour alone.
    for summary in summaries:
        assert summary.year.status.label in html


def dashboard_queries(django_assert_max_num_queries, client, partnership, bound):
    url = reverse("reports:dashboard", kwargs={"slug": partnership.slug})
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_query_count_does_not_grow_with_the_framework(
    django_assert_max_num_queries, viewer_client
):
    small = PartnershipFactory()
    build(small, priorities=1, measures_per_outcome=1, quarters=1)
    large = PartnershipFactory()
    build(large, priorities=4, measures_per_outcome=6, quarters=8)
    small_count = dashboard_queries(
        django_assert_max_num_queries, viewer_client(small), small, 15
    )
    large_count = dashboard_queries(
        django_assert_max_num_queries, viewer_client(large), large, 15
    )
    assert small_count == large_count


def test_measure_page_query_count_does_not_grow_with_quarters(
    django_assert_max_num_queries, viewer_client
):
    counts = []
    for quarters in (1, 12):
        partnership = PartnershipFactory()
        build(partnership, priorities=1, measures_per_outcome=1, quarters=quarters)
        client = viewer_client(partnership)
        measure = partnership.performancemeasure_set.get()
        url = reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": measure.pk},
        )
        with django_assert_max_num_queries(15) as captured:
            page = client.get(url)
        assert page.status_code == 200
        assert len(page.context["page"].values) == quarters
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_measure_page_shows_series_target_and_stories(viewer_client):
    measure = MeasureFactory(
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        annual_target=80,
        baseline_value=60,
    )
    partnership = measure.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    period = services.period_get_or_create(
        partnership=partnership, quarter=current_quarter(partnership=partnership)
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=period,
        actor=admin,
        numerator=D(3),
        denominator=D(4),
        story="Most partners said the sessions helped.",
    )
    client = viewer_client(partnership)
    html = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": measure.pk},
        )
    ).content.decode()
    assert "75%" in html
    assert "Most partners said the sessions helped." in html
    assert 'class="chart-target"' in html and 'class="chart-baseline"' in html
    assert "At risk" in html  # 75% against 80% is within the 10% tolerance


def test_dashboard_and_measure_page_show_the_latest_breakdown(
    viewer_client, django_assert_max_num_queries
):
    from tests.factories import DimensionCategoryFactory, DimensionFactory

    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    age = DimensionFactory(
        partnership=partnership, name="Age group", is_exhaustive=True
    )
    children = DimensionCategoryFactory(dimension=age, name="Children", position=0)
    adults = DimensionCategoryFactory(dimension=age, name="Adults", position=1)
    measure = MeasureFactory(
        partnership=partnership,
        name="Tension reports escalated",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        breakdown_first=age,
    )
    now = current_quarter(partnership=partnership)
    for quarter, (young, old) in zip(now.back(2), [(1, 2), (3, 4)], strict=True):
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=services.period_get_or_create(
                partnership=partnership, quarter=quarter
            ),
            actor=admin,
            value=D(young + old),
            breakdown={str(children.pk): young, str(adults.pk): old},
        )
    client = viewer_client(partnership)
    with django_assert_max_num_queries(16):
        page = client.get(
            reverse("reports:dashboard", kwargs={"slug": partnership.slug})
        )
    text = page.content.decode()
    assert f"By Age group, {now.label}:" in text
    assert "Children 3 · Adults 4" in text
    detail = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": measure.pk},
        )
    ).content.decode()
    assert "by Age group" in detail
    assert "Breakdown total" in detail


@pytest.mark.parametrize(
    ("statement", "shown"),
    [
        ("End social inequality across the region by 2030", False),
        ("End social inequality across the region", True),
    ],
)
def test_the_mission_says_by_when_once(client, statement, shown):
    from tests.factories import MembershipFactory, MissionFactory

    mission = MissionFactory(statement=statement, target_year=2030)
    member = MembershipFactory(partnership=mission.partnership).user
    client.force_login(member)
    page = client.get(
        reverse("reports:dashboard", kwargs={"slug": mission.partnership.slug})
    ).content.decode()
    assert statement in page
    assert ("(by 2030)" in page) is shown


def test_the_first_thing_the_dashboard_shows_is_every_priority_and_its_status(
    viewer_client,
):
    partnership = PartnershipFactory()
    MissionFactory(partnership=partnership)
    build(partnership, priorities=3, measures_per_outcome=2, quarters=2)
    page = viewer_client(partnership).get(
        reverse("reports:dashboard", kwargs={"slug": partnership.slug})
    )
    html = page.content.decode()
    dashboard = page.context["dashboard"]
    glance = html[
        html.index('id="glance-heading"') : html.index('id="summary-heading"')
    ]
    assert len(dashboard.priorities) == 3
    for number, section in enumerate(dashboard.priorities, start=1):
        item = glance[glance.index(section.priority.name) :]
        item = item[: item.index("</li>\n")]
        assert f'href="#priority-{number}"' in glance
        for status, count in section.status_counts:
            assert f'<span class="status__count">{count}</span> {status.label}' in item
    # Before any measure's table.
    assert html.index('id="glance-heading"') < html.index('class="measures"')


def test_a_status_and_a_curve_that_disagree_are_explained():
    from types import SimpleNamespace

    from kpis.forecast import CurveVerdict
    from kpis.rules import Status
    from reports.selectors import MeasureSummary

    def explanation(status, curve):
        # The two verdicts as given: each is tested on its own elsewhere.
        pinned = type("Pinned", (MeasureSummary,), {"curve": curve})
        return pinned(
            measure=MeasureFactory.build(value_type=ValueType.COUNT),
            year=SimpleNamespace(status=Status(status)),
            trend=[],
            latest=None,
        ).curve_disagreement

    assert explanation("on_track", CurveVerdict.NOT_TURNING).startswith(
        "On track for the year's target, but the latest quarter fell short"
    )
    assert explanation("off_track", CurveVerdict.TURNING).endswith(
        "the curve is turning."
    )
    for status, curve in (
        ("on_track", CurveVerdict.TURNING),
        ("off_track", CurveVerdict.NOT_TURNING),
        ("on_track", CurveVerdict.NOT_ENOUGH_HISTORY),
        ("no_data", CurveVerdict.TURNING),
    ):
        assert explanation(status, curve) == ""
