import datetime
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from delivery.models import Action, ActionStatus, ActionUpdate
from demo.loader import (
    ADMIN_EMAIL,
    DEMO_LABEL,
    PASSWORD,
    WALES_GOALS,
    demo_load,
    demo_quarters,
)
from kpis import rules
from kpis.models import (
    Aggregation,
    MeasureLead,
    PerformanceMeasure,
    Period,
    QuarterlyValue,
    Question,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter
from kpis.review import period_reopen
from outcomes.models import Horizon, Mission, Outcome, Priority, Project
from partnerships.models import Membership, Organisation, Partnership, Role, User
from tests.demo_database import DEMO_TODAY
from tests.factories import PartnershipFactory, UserFactory
from wellbeing.models import Contribution
from wellbeing.selectors import framework_for

# Civic mission: 2026/27 Q1 (Sep–Nov 2026); cohesion: 2026 Q3 (Oct–Dec 2026).
TODAY = DEMO_TODAY
CIVIC = "wrexham-civic-mission"
COHESION = "wrexham-community-cohesion"
WAKEFIELD = "wakefield-together"
CHILDRENS_UNIVERSITY_CODES = {"CR-01", "CR-02", "CR-03", "CR-04"}

MODELS = (
    User,
    Partnership,
    Organisation,
    Membership,
    Mission,
    Priority,
    Outcome,
    Project,
    Period,
    PerformanceMeasure,
    MeasureLead,
    QuarterlyValue,
    Contribution,
)


@pytest.fixture
def loaded(demo_database):
    """The demo, loaded once per session (tests/demo_database.py)."""
    return demo_database


def _measure(slug: str, code: str) -> PerformanceMeasure:
    return PerformanceMeasure.objects.get(partnership__slug=slug, code=code)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _snapshot() -> dict:
    return {
        "values": sorted(
            QuarterlyValue.objects.values_list(
                "partnership__slug",
                "measure__code",
                "period__year",
                "period__quarter",
                "value",
                "numerator",
                "denominator",
                "story",
                "entered_by__email",
                "updated_at",
            )
        ),
        "measures": sorted(
            PerformanceMeasure.objects.values_list(
                "partnership__slug",
                "code",
                "name",
                "position",
                "question",
                "value_type",
                "aggregation",
                "annual_target",
                "is_headline",
                "priority__name",
                "outcome_id",
                "baseline_period_id",
                "definition",
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list("partnership__slug", "user__email", "role")
        ),
        "passwords": sorted(User.objects.values_list("email", "password")),
    }


def _assert_values_respect_the_rules() -> None:
    by_measure = defaultdict(list)
    for value in QuarterlyValue.objects.select_related("measure", "period").order_by(
        "period__starts_on"
    ):
        by_measure[value.measure].append(value)
        assert value.story.startswith(DEMO_LABEL)
        assert value.value_type == value.measure.value_type
        kind = value.value_type
        if kind == ValueType.COUNT:
            assert value.value >= 0
            assert value.value == value.value.to_integral_value()
            assert value.numerator is None and value.denominator is None
        elif kind in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE):
            assert value.value is None
            assert value.denominator > 0
            assert 0 <= value.numerator <= value.denominator
            assert value.numerator == value.numerator.to_integral_value()
        else:
            assert kind == ValueType.MILESTONE
            assert value.value in (0, 1)
    for measure, values in by_measure.items():
        if measure.value_type == ValueType.MILESTONE:
            flags = [v.value for v in values]
            # Once done, stays done.
            assert flags == sorted(flags), measure.code


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_database")
class TestTheLoadedDemo:
    """Read-only checks of the one load the session shares."""

    def test_civic_mission_links_its_work_as_appendix_b_does(self):
        partnership = Partnership.objects.get(slug=CIVIC)
        assert framework_for(partnership=partnership).slug == "wales-wfg-2015"
        links = Contribution.objects.filter(partnership=partnership)

        def targets(**source):
            found = links.filter(**source)
            return (
                sorted(
                    found.filter(indicator__isnull=False).values_list(
                        "indicator__number", flat=True
                    )
                ),
                sorted(
                    found.filter(way_of_working__isnull=False).values_list(
                        "way_of_working__code", flat=True
                    )
                ),
            )

        assert targets(
            priority__name="Leadership, governance and whole system working"
        ) == (
            [18, 24, 27, 30, 34],
            ["collaboration"],
        )
        assert targets(priority__name="Building community resilience") == (
            [5, 6, 8, 22, 23, 35, 38],
            ["collaboration", "long_term"],
        )
        assert targets(priority__name="Keeping well") == ([3, 28, 29], ["prevention"])
        mission_wide = PerformanceMeasure.objects.filter(
            partnership=partnership, priority=None, outcome=None
        )
        assert mission_wide.count() == 9
        for measure in mission_wide:
            assert targets(measure=measure) == ([46], ["integration"]), measure.code
        # Seed 000 line 31: all of the work serves the seven well-being goals,
        # so each priority is linked to every goal, and nothing else is.
        goal_links = links.filter(goal__isnull=False)
        for priority in Priority.objects.filter(partnership=partnership):
            assert sorted(
                goal_links.filter(priority=priority).values_list(
                    "goal__code", flat=True
                )
            ) == sorted(WALES_GOALS), priority.name
        assert goal_links.count() == 3 * 7
        assert not goal_links.filter(priority__isnull=True).exists()
        assert links.count() == 15 + 4 + 9 * 2 + 3 * 7

    def test_the_cohesion_strategy_predates_the_act_and_uses_no_framework(self):
        partnership = Partnership.objects.get(slug=COHESION)
        assert framework_for(partnership=partnership) is None
        assert not Contribution.objects.filter(partnership=partnership).exists()

    def test_civic_mission_follows_the_strategy(self):
        partnership = Partnership.objects.get(slug=CIVIC)
        assert partnership.name == "Wrexham University Civic Mission Partnership"
        assert partnership.reporting_year_start_month == 9
        assert partnership.is_demo

        mission = Mission.objects.get(partnership=partnership)
        assert mission.statement == "End social inequality across North Wales by 2030"
        assert mission.target_year == 2030
        assert "convener, facilitator, enabler and deliverer" in mission.description

        priorities = list(Priority.objects.filter(partnership=partnership))
        assert [p.name for p in priorities] == [
            "Leadership, governance and whole system working",
            "Building community resilience",
            "Keeping well",
        ]
        assert priorities[0].mission_statement.startswith(
            "To enable and provide an innovation hub"
        )
        assert "North Wales Children's University" in priorities[1].mission_statement
        assert "trauma informed region" in priorities[2].mission_statement

        outcomes = Outcome.objects.filter(partnership=partnership)
        assert not outcomes.filter(priority=None).exists()
        per_priority = Counter(outcomes.values_list("priority__name", "horizon"))
        assert per_priority == {
            (priorities[0].name, Horizon.SHORT): 5,
            (priorities[0].name, Horizon.INTERMEDIATE): 3,
            (priorities[1].name, Horizon.SHORT): 5,
            (priorities[1].name, Horizon.INTERMEDIATE): 5,
            (priorities[2].name, Horizon.SHORT): 6,
            (priorities[2].name, Horizon.INTERMEDIATE): 4,
        }

        organisations = set(
            Organisation.objects.filter(partnership=partnership).values_list(
                "name", flat=True
            )
        )
        assert {
            "Wrexham University",
            "North Wales Public Service Boards",
            "ACE Hub Wales",
            "Betsi Cadwaladr University Health Board",
        } <= organisations

        projects = dict(
            Project.objects.filter(partnership=partnership).values_list(
                "name", "priority__name"
            )
        )
        assert projects["North Wales Children's University"] == priorities[1].name
        assert projects["North Wales Public Service Lab"] == priorities[0].name
        assert projects["North Wales Insight Partnership"] == priorities[0].name
        assert projects["TrACE University and community"] == priorities[2].name
        assert (
            projects["Social Prescribing Community of Practice"] == priorities[2].name
        )
        assert (
            projects["Leadership Learning and storytelling / 100 stories"]
            == priorities[1].name
        )
        assert projects["Civic Mission Steering Group"] is None

    @pytest.mark.parametrize(
        ("code", "name", "target"),
        [
            ("CM-01", "Civic Mission Steering Group meetings", 2),
            ("CM-04", "Research bids", 2),
            ("CM-06", "Impact case studies for REF", 3),
            ("LG-01", "C4C collaborative events", 4),
            ("LG-02", "Partners at C4C collaborative events", 300),
            (
                "LG-04",
                "System leadership masterclasses, workshops, events and cafes",
                10,
            ),
            ("LG-07", "NW Insight Partnership events", 5),
            ("CR-01", "Schools engaged in the Children's University", 50),
            ("CR-02", "Students engaged in the Children's University", 1000),
            ("CR-05", "Partners engaged in the LLS project", 10),
            ("KW-02", "Students engaged as kindness champions", 100),
            ("KW-03", "CoP events", 3),
            ("KW-04", "Partners at CoP events", 100),
        ],
    )
    def test_civic_mission_kpis_carry_appendix_b_targets(self, code, name, target):
        measure = _measure(CIVIC, code)
        assert measure.name == name
        assert measure.annual_target == target
        assert measure.value_type == ValueType.COUNT

    def test_civic_mission_measures_are_placed_and_described(self):
        measures = PerformanceMeasure.objects.filter(partnership__slug=CIVIC)
        assert measures.count() == 30
        mission_level = measures.filter(code__startswith="CM-")
        assert mission_level.count() == 9
        assert not mission_level.exclude(priority=None, outcome=None).exists()
        prefixes = {
            "LG-": "Leadership, governance and whole system working",
            "CR-": "Building community resilience",
            "KW-": "Keeping well",
        }
        for prefix, priority in prefixes.items():
            assert (
                not measures.filter(code__startswith=prefix)
                .exclude(priority__name=priority)
                .exists()
            )
        assert set(
            measures.filter(is_headline=True).values_list("code", flat=True)
        ) == {
            "LG-02",
            "CR-01",
            "CR-02",
            "KW-02",
            "KW-04",
        }
        milestone = _measure(CIVIC, "CM-02")
        assert milestone.value_type == ValueType.MILESTONE
        assert milestone.aggregation == Aggregation.LATEST
        assert _measure(CIVIC, "CM-08").value_type == ValueType.PERCENTAGE
        assert _measure(CIVIC, "CM-08").aggregation == Aggregation.RATIO_OF_SUMS
        # The dashboard's three RBA columns each have something to show.
        assert set(measures.values_list("question", flat=True)) == set(Question.values)
        baseline = Quarter.containing(datetime.date(2023, 9, 1), 9)
        for measure in measures.select_related("baseline_period"):
            assert measure.definition
            assert measure.data_source
            assert (measure.baseline_period.year, measure.baseline_period.quarter) == (
                baseline.year,
                baseline.quarter,
            )
        for measure in measures.filter(name__contains="feedback"):
            assert measure.definition.startswith("Demo measure (not in Appendix B")

    def test_community_cohesion_follows_the_action_plan(self):
        partnership = Partnership.objects.get(slug=COHESION)
        assert partnership.reporting_year_start_month == 4
        assert partnership.is_demo
        mission = Mission.objects.get(partnership=partnership)
        assert mission.target_year == 2014
        assert "2011" in mission.statement
        assert not Priority.objects.filter(partnership=partnership).exists()

        outcomes = list(Outcome.objects.filter(partnership=partnership))
        assert len(outcomes) == 6
        assert all(outcome.priority_id is None for outcome in outcomes)
        assert outcomes[0].statement == (
            "Minority communities are represented on strategic partnerships"
        )
        assert outcomes[3].what_it_looks_like == "Community tensions are reported"

        projects = Project.objects.filter(partnership=partnership).select_related(
            "lead_organisation", "outcome"
        )
        assert not projects.filter(outcome=None).exists()
        leads = {p.name: p.lead_organisation.name for p in projects}
        assert leads["Senedd yr Ifanc"] == (
            "Children and Young Peoples Framework for Partnership"
        )
        assert leads["Young Peoples LGBT network"] == "WCBC Community Cohesion Team"
        assert leads["Anti Hate project"] == "WCBC Community Cohesion Team"
        assert Counter(p.outcome.position for p in projects) == {
            1: 3,
            2: 5,
            3: 4,
            4: 2,
            5: 3,
            6: 9,
        }

    def test_community_cohesion_measures_keep_the_strategy_wording(self):
        measures = PerformanceMeasure.objects.filter(partnership__slug=COHESION)
        assert measures.count() == 60
        assert not measures.filter(outcome=None).exists()
        assert not measures.exclude(priority=None).exists()
        for measure in measures:
            if measure.name.startswith("No and %"):
                assert measure.value_type == ValueType.NUMBER_AND_PERCENTAGE
                assert measure.aggregation == Aggregation.RATIO_OF_SUMS
            elif measure.name.startswith("%"):
                assert measure.value_type == ValueType.PERCENTAGE
            elif measure.name.startswith(("No of", "Number of")):
                assert measure.value_type == ValueType.COUNT
        directory = measures.get(
            name="Faith Communities Directory produced and circulated"
        )
        assert directory.value_type == ValueType.MILESTONE

        headline = measures.filter(is_headline=True)
        assert set(headline.values_list("code", flat=True)) == {
            "O1-07",
            "O2-14",
            "O3-03",
            "O4-09",
            "O5-05",
            "O6-10",
        }
        for measure in headline:
            assert "Demo target (not in the strategy)" in measure.definition
        # Apart from the demo targets on the headline KPIs, the strategy's only
        # number is the five pilot settings of the Healthy Youth Club Programme.
        targeted = measures.exclude(annual_target=None).exclude(is_headline=True)
        assert list(targeted.values_list("code", flat=True)) == ["O6-04"]

        assert Counter(measures.values_list("question", flat=True)) == {
            Question.HOW_MUCH: 23,
            Question.HOW_WELL: 18,
            Question.BETTER_OFF: 19,
        }
        questions = Counter(measures.values_list("outcome__position", "question"))
        for position in range(1, 7):
            for question in Question.values:
                assert questions[(position, question)] >= 1

        victims = measures.get(code="O4-09")
        assert "protected characteristic and age" in victims.definition
        assert "by community" in measures.get(code="O2-06").definition

    def test_wakefield_together_follows_the_engagement_strategy(self):
        partnership = Partnership.objects.get(slug=WAKEFIELD)
        assert partnership.name == "Wakefield Together"
        assert partnership.reporting_year_start_month == 4
        assert partnership.is_demo
        assert framework_for(partnership=partnership) is None
        assert set(
            Organisation.objects.filter(partnership=partnership).values_list(
                "name", flat=True
            )
        ) == {"WMDC", "NHSWD", "WDH", "VAWD", "VOX", "WY Police", "JPHU"}
        mission = Mission.objects.get(partnership=partnership)
        assert mission.statement.startswith("Communities are fully engaged")
        assert list(
            Priority.objects.filter(partnership=partnership)
            .order_by("position")
            .values_list("name", flat=True)
        ) == [
            "Individual and community empowerment",
            "National Standards for Community Engagement",
            "Organisational and cultural development",
            "Data sharing and coordination",
        ]
        assert Outcome.objects.filter(
            partnership=partnership,
            statement="Communities are involved in decisions that affect them",
        ).exists()
        measures = PerformanceMeasure.objects.filter(partnership=partnership)
        assert measures.exclude(computed=True).count() == 8
        # The three measures computed from the engagement log (demo/engagement.py).
        assert sorted(
            measures.filter(computed=True).values_list("code", flat=True)
        ) == ["WT-E1", "WT-E2", "WT-E3"]
        headline = measures.get(is_headline=True)
        assert headline.code == "WT-01"
        assert headline.question == Question.BETTER_OFF
        for measure in measures:
            assert "demo's" in measure.definition

    def test_wakefield_together_holds_the_seeds_action_plan(self):
        partnership = Partnership.objects.get(slug=WAKEFIELD)
        actions = Action.objects.filter(partnership=partnership)
        assert actions.count() == 15
        database = actions.get(name="Develop a community engagement data base")
        assert {o.name for o in database.lead_agencies.all()} == {"WMDC", "NHSWD"}
        assert database.lead_person.email == "wakefield.lead@example.org"
        assert database.status == ActionStatus.AT_RISK
        updates = list(database.updates.order_by("period__starts_on"))
        assert len(updates) == 2
        latest = updates[-1]
        assert latest.risks == [
            {
                "risk": "IT problems identified re multi-agency input and access "
                "to joint data base.",
                "rating": "high",
            }
        ]
        assert latest.next_steps == [
            {"step": "Negotiations commenced with IT", "timescale": ""}
        ]
        assert latest.review_status == ReviewStatus.APPROVED
        history, current = demo_quarters(partnership, TODAY)
        assert latest.period.as_quarter == history[-1]
        assert updates[0].period.is_locked
        steering = actions.get(name="Development of multi-agency steering group")
        assert [o.name for o in steering.lead_agencies.order_by("name")] == [
            "NHSWD",
            "VAWD",
            "VOX",
            "WDH",
            "WMDC",
            "WY Police",
        ]
        # The current quarter's updates are the walk-through's to write.
        assert not ActionUpdate.objects.filter(
            partnership=partnership,
            period__year=current.year,
            period__quarter=current.quarter,
        ).exists()
        # Paragraphs as the seed gives them.
        protocols = actions.get(name__startswith="Develop protocols").updates.get()
        assert "service planning.\n\nMeeting planned" in protocols.progress

    def test_users_and_roles(self):
        for email in ("admin@example.org", "lead@example.org", "steering@example.org"):
            assert User.objects.get(email=email).check_password(PASSWORD)
        roles = set(
            Membership.objects.values_list("user__email", "partnership__slug", "role")
        )
        assert roles == {
            ("admin@example.org", CIVIC, Role.ADMIN),
            ("admin@example.org", COHESION, Role.ADMIN),
            ("lead@example.org", CIVIC, Role.LEAD),
            ("steering@example.org", CIVIC, Role.VIEWER),
            ("admin@example.org", WAKEFIELD, Role.ADMIN),
            ("wakefield.lead@example.org", WAKEFIELD, Role.LEAD),
        }

    def test_lead_is_assigned_exactly_the_childrens_university_measures(self):
        lead = User.objects.get(email="lead@example.org")
        assigned = MeasureLead.objects.filter(user=lead).select_related(
            "measure", "partnership"
        )
        assert {(a.partnership.slug, a.measure.code) for a in assigned} == {
            (CIVIC, code) for code in CHILDRENS_UNIVERSITY_CODES
        }
        admin = User.objects.get(email="admin@example.org")
        others = PerformanceMeasure.objects.exclude(
            partnership__slug=CIVIC, code__in=CHILDRENS_UNIVERSITY_CODES
        )
        assert set(
            MeasureLead.objects.filter(user=admin).values_list("measure", flat=True)
        ) == set(others.values_list("pk", flat=True))

    @pytest.mark.parametrize("slug", [CIVIC, COHESION, WAKEFIELD])
    def test_eight_quarters_of_values_and_half_of_this_quarter(self, slug):
        partnership = Partnership.objects.get(slug=slug)
        history, current = demo_quarters(partnership, TODAY)
        assert len(history) == 8
        assert history[-1].next() == current
        measures = PerformanceMeasure.objects.filter(partnership=partnership)
        values = QuarterlyValue.objects.filter(partnership=partnership)
        for quarter in history:
            in_quarter = values.filter(
                period__year=quarter.year, period__quarter=quarter.quarter
            )
            assert in_quarter.count() == measures.count()
        this_quarter = values.filter(
            period__year=current.year, period__quarter=current.quarter
        )
        assert values.count() == 8 * measures.count() + this_quarter.count()
        assert 0.4 <= this_quarter.count() / measures.count() <= 0.6
        assert not this_quarter.filter(
            measure__code__in=CHILDRENS_UNIVERSITY_CODES
        ).exists()
        assert not values.exclude(entered_by__email="admin@example.org").exists()

    def test_the_leads_measures_wait_for_this_quarters_entry(self):
        partnership = Partnership.objects.get(slug=CIVIC)
        _, current = demo_quarters(partnership, TODAY)
        lead_measures = PerformanceMeasure.objects.filter(
            partnership=partnership, leads__email="lead@example.org"
        )
        assert lead_measures.count() == 4
        for measure in lead_measures:
            quarters = {(v.period.year, v.period.quarter) for v in measure.values.all()}
            assert len(quarters) == 8
            assert (current.year, current.quarter) not in quarters

    def test_values_respect_the_rules(self):
        _assert_values_respect_the_rules()

    def test_summed_counts_look_like_progress_against_the_target(self):
        partnership = Partnership.objects.get(slug=CIVIC)
        history, _ = demo_quarters(partnership, TODAY)
        full_year = history[-1].year
        assert [q.year for q in history[-4:]] == [full_year] * 4
        statuses = Counter()
        for measure in PerformanceMeasure.objects.filter(
            partnership=partnership, annual_target__isnull=False
        ):
            values = measure.values.filter(period__year=full_year).order_by(
                "period__quarter"
            )
            entries = [
                rules.Entry(v.period.quarter, v.value, v.numerator, v.denominator)
                for v in values
            ]
            if measure.aggregation == Aggregation.SUM and measure.annual_target >= 10:
                total = sum(v.value for v in values)
                target = measure.annual_target
                assert target * Decimal("0.5") <= total <= target * Decimal("1.6")
            statuses[
                rules.status(
                    value_type=measure.value_type,
                    aggregation=measure.aggregation,
                    direction=measure.direction,
                    annual_target=measure.annual_target,
                    entries=entries,
                )
            ] += 1
        assert statuses[rules.Status.ON_TRACK] >= 1
        assert statuses[rules.Status.AT_RISK] >= 1
        assert statuses[rules.Status.OFF_TRACK] >= 1

    def test_the_demo_reporting_cycle_stands_part_way_through_a_quarter(self):
        from demo.loader import demo_quarters
        from kpis.models import ReviewStatus

        for slug in (CIVIC, COHESION):
            partnership = Partnership.objects.get(slug=slug)
            history, current = demo_quarters(partnership, TODAY)
            periods = {
                (p.year, p.quarter): p
                for p in Period.objects.filter(partnership=partnership)
            }
            for quarter in history[:-1]:
                assert periods[(quarter.year, quarter.quarter)].is_locked, quarter
            # The last complete quarter is approved and ready for the admin to lock.
            last = periods[(history[-1].year, history[-1].quarter)]
            assert not last.is_locked
            values = QuarterlyValue.objects.filter(partnership=partnership)
            assert (
                not values.filter(
                    period__in=[
                        p
                        for p in periods.values()
                        if (p.year, p.quarter) != (current.year, current.quarter)
                    ]
                )
                .exclude(status=ReviewStatus.APPROVED)
                .exists()
            )
            now = values.filter(
                period__year=current.year, period__quarter=current.quarter
            )
            assert now.exists()
            assert set(now.values_list("status", flat=True)) == {ReviewStatus.SUBMITTED}
            # The lead's walk-through measures have nothing in the current quarter.
            assert not now.filter(measure__code__in=CHILDRENS_UNIVERSITY_CODES).exists()

    def test_the_cohesion_counts_are_broken_down_as_seed_001_asks(self):
        from kpis.models import Dimension

        partnership = Partnership.objects.get(slug=COHESION)
        age = Dimension.objects.get(partnership=partnership, name="Age group")
        assert age.is_exhaustive
        assert [c.name for c in age.categories.all()] == [
            "Children",
            "Young people",
            "Adults",
        ]
        reports = PerformanceMeasure.objects.get(partnership=partnership, code="O4-04")
        champions = PerformanceMeasure.objects.get(
            partnership=partnership, code="O2-06"
        )
        assert reports.breakdown_first == age
        assert champions.breakdown_first.name == "Community"
        for value in QuarterlyValue.objects.filter(measure=reports):
            assert sum(value.breakdown.values()) == value.value
        for value in QuarterlyValue.objects.filter(measure=champions):
            assert 0 < sum(value.breakdown.values()) <= value.value

    def test_demo_history_names_the_demo_path_and_the_admin(self):
        from kpis.selectors import value_history

        partnership = Partnership.objects.get(slug=CIVIC)
        measure = PerformanceMeasure.objects.filter(partnership=partnership).first()
        history = value_history(partnership=partnership, measure=measure)
        entries = [entry for entries in history.values() for entry in entries]
        assert entries
        assert {entry.path for entry in entries} >= {"Demo data"}
        assert any(entry.who == "Alex Admin" for entry in entries)

    def test_each_figures_history_shows_it_entered_then_reviewed(self):
        """The set-based writes leave the history the services would: every
        figure entered as a draft by the admin, then approved (complete
        quarters) or submitted (the current one); each lock recorded."""
        from django.apps import apps

        from kpis.models import PeriodLockChange, ReviewStatus

        events = apps.get_model("kpis", "QuarterlyValueEvent").objects
        for slug in (CIVIC, COHESION):
            partnership = Partnership.objects.get(slug=slug)
            history, current = demo_quarters(partnership, TODAY)
            steps = defaultdict(list)
            for event in events.filter(partnership=partnership).order_by("pgh_id"):
                steps[event.pgh_obj_id].append(
                    (event.pgh_label, event.status, event.pgh_context)
                )
            values = QuarterlyValue.objects.filter(partnership=partnership)
            assert set(steps) == set(values.values_list("pk", flat=True))
            admin = User.objects.get(email="admin@example.org")
            demo = {"path": "demo", "user": admin.pk}
            for value in values.select_related("period"):
                review = (
                    ReviewStatus.SUBMITTED
                    if (value.period.year, value.period.quarter)
                    == (current.year, current.quarter)
                    else ReviewStatus.APPROVED
                )
                assert [
                    (label, status, {k: meta.get(k) for k in demo})
                    for label, status, meta in steps[value.pk]
                ] == [
                    ("insert", ReviewStatus.DRAFT, demo),
                    ("update", review, demo),
                ], value
            locks = PeriodLockChange.objects.filter(partnership=partnership)
            assert sorted(
                (c.period.year, c.period.quarter, c.action, c.path) for c in locks
            ) == sorted(
                (q.year, q.quarter, PeriodLockChange.Action.LOCKED, "demo")
                for q in history[:-1]
            )


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_database")
class TestLoadingOnTopOfTheDemo:
    """The loader's own behaviour on a database that holds the demo; each
    test's changes are rolled back, leaving the shared load as it was."""

    def test_running_twice_changes_nothing(self, loaded):
        counts, snapshot = _counts(), _snapshot()
        again = demo_load(today=TODAY)
        assert again.values_created == 0
        assert _counts() == counts
        assert _snapshot() == snapshot
        assert [s.values for s in again.partnerships] == [
            s.values for s in loaded.partnerships
        ]

    def test_figures_are_the_same_on_every_load(self, loaded):
        first = _snapshot()["values"]
        # The database refuses to delete a locked quarter's values; unlock
        # first, through the reopening the database requires.
        for period in Period.objects.filter(locked_at__isnull=False):
            period_reopen(
                partnership=period.partnership,
                quarter=period.as_quarter,
                actor=User.objects.get(email=ADMIN_EMAIL),
                reason="Reload the demo figures.",
            )
        QuarterlyValue.objects.all().delete()
        demo_load(today=TODAY)
        again = _snapshot()["values"]

        def figures(rows):
            return [row[:8] for row in rows]

        assert figures(again) == figures(first)

    def test_a_later_run_adds_the_new_quarter_and_keeps_milestones_done(self, loaded):
        later = demo_load(today=TODAY + datetime.timedelta(days=92))
        assert later.values_created > 0
        _assert_values_respect_the_rules()

    def test_beside_others_refreshes_the_demo_and_leaves_the_others_alone(self, loaded):
        """`make demo` starts again once people have added a partnership
        (and themselves) beside the demo (issue 12)."""
        theirs = PartnershipFactory(name="Flintshire Health", is_demo=False)
        person = UserFactory(email="ann@flintshire.example")
        Membership.objects.create(partnership=theirs, user=person, role=Role.ADMIN)
        Organisation.objects.create(partnership=theirs, name="Betsi Cadwaladr")
        demo_admin = User.objects.get(email="admin@example.org")
        Membership.objects.create(partnership=theirs, user=demo_admin, role=Role.VIEWER)
        before = _snapshot()
        again = demo_load(today=TODAY, beside_others=True)
        assert again.values_created == 0
        assert [s.slug for s in again.partnerships] == [
            s.slug for s in loaded.partnerships
        ]
        assert _snapshot() == before
        assert set(
            Membership.objects.filter(partnership=theirs).values_list(
                "user__email", "role"
            )
        ) == {(person.email, Role.ADMIN), (demo_admin.email, Role.VIEWER)}
        assert Organisation.objects.filter(partnership=theirs).count() == 1
        later = demo_load(today=TODAY + datetime.timedelta(days=92), beside_others=True)
        assert later.values_created > 0
        assert Partnership.objects.filter(pk=theirs.pk, is_demo=False).exists()

    def test_refuses_after_the_demo_when_real_data_arrives(self, loaded):
        UserFactory(email="Someone@Example.net")
        before = _counts()
        with pytest.raises(CommandError):
            demo_load(today=TODAY)
        assert _counts() == before


@pytest.mark.django_db
def test_refuses_when_a_real_partnership_exists():
    PartnershipFactory(name="Real Partnership", is_demo=False)
    before = _counts()
    with pytest.raises(CommandError, match="not demo data"):
        demo_load(today=TODAY)
    assert _counts() == before
    assert not Partnership.objects.filter(is_demo=True).exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_beside_others_still_refuses_a_database_without_the_demo():
    """A real database (other data, no demo) is never loaded into."""
    PartnershipFactory(name="Real Partnership", is_demo=False)
    with pytest.raises(CommandError, match="not demo data"):
        demo_load(today=TODAY, beside_others=True)
    assert not Partnership.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_refuses_when_a_real_user_exists():
    UserFactory(email="someone@example.net")
    before = _counts()
    with pytest.raises(CommandError, match="someone@example.net"):
        demo_load(today=TODAY)
    assert _counts() == before
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_command_prints_a_summary_and_the_logins():
    out = io.StringIO()
    call_command("demo_load", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Wrexham University Civic Mission Partnership" in text
    assert "3 priorities, 28 outcomes" in text
    assert "Wrexham Community Cohesion" in text
    for email in ("admin@example.org", "lead@example.org", "steering@example.org"):
        assert email in text
    assert PASSWORD in text


@pytest.mark.django_db
def test_command_refuses_with_a_clear_message():
    PartnershipFactory(name="Real Partnership", is_demo=False)
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("demo_load", stdout=io.StringIO())
