"""Demo data: two partnerships built from their real strategy documents.

* "Wrexham University Civic Mission Partnership" from the Wrexham University
  Civic Mission Partnership Strategy 2023–2028 (seed 000): the mission, its
  three priorities with their own mission statements, the short-term and
  intermediate outcomes of Appendix A, and the KPIs of Appendix B with their
  annual targets; and its contribution map to the Welsh national framework:
  each objective's national indicators from Appendix B's last column, and
  the ways of working the strategy sets in bold. The strategy links no
  priority to a particular well-being goal, so the demo links none.
* "Wrexham Community Cohesion" from Wrexham County Borough Council's Community
  Cohesion Strategy 2011–14 strategic action plan (seed 001): six outcomes with
  no priorities, the "how we will achieve this" actions as projects, and every
  performance measure of its three RBA columns. It predates the 2015 Act and
  uses no national framework.

The framework follows the documents; anything the documents do not say (a few
feedback measures, some definitions, the cohesion targets) says so in its
definition. The quarterly figures are invented, labelled as demo data in every
story, and drawn from random generators seeded by measure code and quarter so
they are the same on every load.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models.functions import Lower
from django.utils import timezone

from kpis import recording as kpi_recording
from kpis import review as kpi_review
from kpis import services as kpi_services
from kpis.frameworks import REFERENCE_DIR, load_frameworks
from kpis.models import (
    Aggregation,
    CurveStory,
    DimensionCategory,
    MeasureLead,
    NationalFramework,
    NationalIndicator,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ReviewStatus,
    ValueType,
    WayOfWorking,
    WellbeingGoal,
)
from kpis.periods import Quarter
from kpis.population import indicator_series_import
from outcomes import services as outcome_services
from outcomes.models import Horizon, Outcome, Priority, Project
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Organisation, Partnership, Role, User

PASSWORD = "civic-demo"
DEMO_LABEL = "Demo data: illustrative figure, not a real result."
QUARTERS_OF_HISTORY = 8


# --- The data -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    # partnership slug -> role
    roles: dict[str, str]
    organisation: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    description: str
    lead: str


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    name: str
    question: str
    value_type: str
    aggregation: str
    unit: str = ""
    target: int | None = None
    headline: bool = False
    definition: str = ""
    data_source: str = ""
    # The project the measure reports on, by name (measures have no project
    # field; this decides who leads the measure).
    project: str = ""
    # Typical quarterly figure (or, for percentages, how many are asked) when
    # the strategy gives no target to scale the demo figures from.
    demo_size: float | None = None
    # Index of the demo quarter a milestone is done in, when it is known.
    done_quarter: int | None = None
    # The partnership's breakdown dimensions this count is split by, by name.
    breakdown: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomeSpec:
    statement: str
    horizon: str
    what_it_looks_like: str = ""
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()


# The seven well-being goals of the Well-being of Future Generations Act
# (Wales) 2015, by their codes in ../reference/wellbeing_goals.csv. Seed 000,
# line 31: "All of our work is focused on enabling partners to bring the
# Well-being of Future Generations Act (Wales) 2015 to life and drive change
# and action around the 7 well-being goals and embody the 5 ways of working".
WALES_GOALS = (
    "prosperous",
    "resilient",
    "healthier",
    "more_equal",
    "cohesive_communities",
    "vibrant_culture_welsh_language",
    "globally_responsible",
)


@dataclass(frozen=True)
class PrioritySpec:
    name: str
    mission_statement: str
    outcomes: tuple[OutcomeSpec, ...] = ()
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    # The contribution map: national indicator numbers, and codes of ways of
    # working and well-being goals of the partnership's framework.
    indicators: tuple[int, ...] = ()
    ways_of_working: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    slug: str
    reporting_year_start_month: int
    mission_statement: str
    mission_target_year: int
    mission_description: str
    organisations: tuple[str, ...]
    priorities: tuple[PrioritySpec, ...] = ()
    # Outcomes, projects and measures that belong to no priority.
    outcomes: tuple[OutcomeSpec, ...] = ()
    projects: tuple[ProjectSpec, ...] = ()
    measures: tuple[MeasureSpec, ...] = ()
    # A day in the quarter every measure's baseline is taken from, if any.
    baseline_day: datetime.date | None = None
    dimensions: tuple["DimensionSpec", ...] = ()
    # The national framework (slug of a shipped one), if the strategy uses one.
    framework: str = ""
    # Links of the work under no priority, made on each of its measures.
    mission_indicators: tuple[int, ...] = ()
    mission_ways_of_working: tuple[str, ...] = ()
    # Population data: the partnership's area and a comparator (area codes),
    # a shipped sample series file (kpis/reference/<dir>/<file>), and stories
    # behind the curve written for the current year (indicator -> headings).
    area_code: str = ""
    comparator_area_code: str = ""
    sample_series: str = ""
    curve_stories: tuple[tuple[int, dict], ...] = ()


@dataclass(frozen=True)
class DimensionSpec:
    name: str
    categories: tuple[str, ...]
    exhaustive: bool


def _count(code, name, *, aggregation=Aggregation.SUM, **kwargs) -> MeasureSpec:
    kwargs.setdefault("question", Question.HOW_MUCH)
    return MeasureSpec(
        code=code,
        name=name,
        value_type=ValueType.COUNT,
        aggregation=aggregation,
        **kwargs,
    )


def _percentage(code, name, **kwargs) -> MeasureSpec:
    kwargs.setdefault("question", Question.HOW_WELL)
    return MeasureSpec(
        code=code,
        name=name,
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        **kwargs,
    )


def _number_pct(code, name, **kwargs) -> MeasureSpec:
    kwargs.setdefault("question", Question.BETTER_OFF)
    return MeasureSpec(
        code=code,
        name=name,
        value_type=ValueType.NUMBER_AND_PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        **kwargs,
    )


def _milestone(code, name, **kwargs) -> MeasureSpec:
    kwargs.setdefault("question", Question.HOW_MUCH)
    kwargs.setdefault("target", 1)
    return MeasureSpec(
        code=code,
        name=name,
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        **kwargs,
    )


def _outcomes(horizon: str, *statements: str) -> tuple[OutcomeSpec, ...]:
    return tuple(OutcomeSpec(statement=s, horizon=horizon) for s in statements)


# Wrexham University Civic Mission Partnership (seed 000) ----------------------

WU = "Wrexham University"
NWCU = "North Wales Children's University"
PUBLIC_SERVICE_LAB = "North Wales Public Service Lab"
INSIGHT_PARTNERSHIP = "North Wales Insight Partnership"
LLS = "Leadership Learning and storytelling / 100 stories"
TRACE = "TrACE University and community"
SOCIAL_PRESCRIBING = "Social Prescribing Community of Practice"
STEERING_GROUP = "Civic Mission Steering Group"
TRAUMA_INFORMED_OUTCOME = (
    "More partners start using a Trauma informed approach in their organisations "
    "and across organisations in key partnerships ensuring we have compassion at "
    "the heart of public services."
)

CIVIC_MISSION = PartnershipSpec(
    name="Wrexham University Civic Mission Partnership",
    slug="wrexham-civic-mission",
    reporting_year_start_month=9,
    mission_statement="End social inequality across North Wales by 2030",
    mission_target_year=2030,
    mission_description=(
        "Delivering together: Ending social inequality by 2030. "
        "Mission: To grow our role as a convener, facilitator, enabler and "
        "deliverer of change to those we serve, partners and communities across "
        "the region. To enable our work with innovation, expertise, research and "
        "focus working with and alongside partners and communities that are "
        "driving real change in practice."
    ),
    organisations=(
        WU,
        "North Wales Public Service Boards",
        "ACE Hub Wales",
        "Betsi Cadwaladr University Health Board",
        "Audit Wales",
        "Future Generations Office",
        "Welsh Government",
        "Wales Centre for Public Policy (WCPP)",
        "Bevan Commission",
        "2025 Movement",
        "Actif North Wales",
        "Regional Partnership Board",
    ),
    # Appendix B: "Civic Mission Partnership Strategy Annual report (baseline
    # Sept 2023)"; the annual report covers every KPI, so every measure takes it.
    baseline_day=datetime.date(2023, 9, 1),
    # "All of our work is focused on enabling partners to bring the
    # Well-being of Future Generations Act (Wales) 2015 to life and drive
    # change and action around the 7 well-being goals and embody the 5 ways
    # of working." (seed 000, line 31). All of the work serves all seven
    # goals, so each of the three priorities is linked to every goal
    # (WALES_GOALS); the strategy names no narrower link, so none is made up.
    # Ways of working are linked where the strategy sets them in bold in a
    # priority's text; indicators as Appendix B's last column gives them.
    framework="wales-wfg-2015",
    # Appendix B, "Co created Civic Mission" row: "46- The social return on
    # investment of Welsh partnerships ...". "Delivering together" (the
    # mission-wide part): "... to **integrate** all of this focused work".
    mission_indicators=(46,),
    mission_ways_of_working=("integration",),
    # Wrexham county borough (GSS code), compared with neighbouring
    # Flintshire; the series are SAMPLE DATA (made-up figures, see the file).
    area_code="W06000006",
    comparator_area_code="W06000005",
    sample_series="wales/sample_indicator_series.csv",
    curve_stories=(
        (
            23,
            {
                "story": "Demo story (sample data): people in Wrexham feel less "
                "able to influence local decisions than across Wales, though "
                "the gap has narrowed since the community hubs opened.",
                "partners": "Wrexham County Borough Council; AVOW; community "
                "councils; the university's civic engagement team.",
                "what_works": "Co-produced projects where residents set the "
                "agenda; feeding back what changed after consultations.",
                "action_plan": "Run two community co-creation labs a year and "
                "publish a 'you said, we did' summary after each.",
            },
        ),
    ),
    projects=(
        ProjectSpec(
            STEERING_GROUP,
            "Develop the Civic Mission Steering Group develop partnership: a "
            "partnership of influential national and regional leaders to steer "
            "the strategic direction of our civic mission.",
            WU,
        ),
        ProjectSpec(
            "Pilot research to measure the impact of partnership working",
            "Pilot new research to measure impact of partnership working and "
            "civic mission work.",
            WU,
        ),
        ProjectSpec(
            "Civic Mission Research Strategy",
            "Develop civic mission research strategy to build capacity and "
            "increase research income and create a healthy, dynamic and "
            "inclusive research environment.",
            WU,
        ),
    ),
    measures=(
        _count(
            "CM-01",
            "Civic Mission Steering Group meetings",
            unit="meetings",
            target=2,
            project=STEERING_GROUP,
            definition="Meetings of the Civic Mission Steering Group held in the "
            "quarter. Appendix B: 2x Civic Mission Steering group meetings.",
            data_source="Steering group minutes",
        ),
        _milestone(
            "CM-02",
            "Civic Mission Research Strategy",
            project="Civic Mission Research Strategy",
            definition="Done once the Civic Mission Research Strategy is "
            "published. Appendix B: 1x Civic Mission Research strategy.",
            data_source="Research office records",
        ),
        _milestone(
            "CM-03",
            "Civic Mission Partnership Strategy 2023–2028 published",
            done_quarter=0,
            definition="Done once the Civic Mission Partnership Strategy "
            "2023–2028 is published. Appendix B: 1x Civic mission Partnership "
            "Strategy published 2023-2028.",
            data_source="Published strategy document",
        ),
        _count(
            "CM-04",
            "Research bids",
            unit="bids",
            target=2,
            definition="Research bids submitted in the quarter. Appendix B: "
            "2x Research bids.",
            data_source="Research office records",
        ),
        _count(
            "CM-05",
            "Research outputs from civic mission projects / priority areas",
            unit="outputs",
            target=3,
            definition="Research outputs from the civic mission projects and "
            "priority areas published in the quarter. Appendix B: 3 x Research "
            "outputs from each Civic mission project/ priority area.",
            data_source="Research office records",
        ),
        _count(
            "CM-06",
            "Impact case studies for REF",
            question=Question.BETTER_OFF,
            unit="case studies",
            target=3,
            definition="Impact case studies for the Research Excellence "
            "Framework completed in the quarter; each one evidences a change "
            "for people or organisations, so it answers 'is anyone better off?'. "
            "Appendix B: 3 x Impact Case studies for REF.",
            data_source="Research office records",
        ),
        _milestone(
            "CM-07",
            "Civic Mission Partnership Strategy annual report",
            definition="Done once the annual report on the strategy, measured "
            "from the September 2023 baseline, is published. Appendix B: 1 x "
            "Civic Mission Partnership Strategy Annual report (baseline Sept "
            "2023).",
            data_source="Steering group papers",
        ),
        _percentage(
            "CM-08",
            "% of partners satisfied with the civic mission's work (feedback)",
            unit="partners",
            demo_size=25,
            definition="Demo measure (not in Appendix B; made from its line "
            "'Collate feedback from partners'): partners who say they are "
            "satisfied, as a % of partners who gave feedback in the quarter.",
            data_source="Partner feedback",
        ),
        _percentage(
            "CM-09",
            "% of partners who find the university useful (feedback)",
            question=Question.BETTER_OFF,
            unit="partners",
            demo_size=25,
            definition="Demo measure (not in Appendix B; made from the objective "
            "'Become recognized by those we serve as a useful university' and "
            "the line 'Collate feedback from partners'): partners who say the "
            "university's civic mission work was useful to them, as a % of "
            "partners who gave feedback in the quarter.",
            data_source="Partner feedback",
        ),
    ),
    priorities=(
        PrioritySpec(
            name="Leadership, governance and whole system working",
            # Appendix B, Leadership Governance row: 18, 24, 27, 30, 34.
            indicators=(18, 24, 27, 30, 34),
            # Its mission: "ways of working to **collectively** tackle social
            # inequality".
            ways_of_working=("collaboration",),
            goals=WALES_GOALS,
            mission_statement=(
                "To enable and provide an innovation hub, creating space for "
                "expertise and energy to enable collective understanding and "
                "action, with different partners and communities. Innovating, co "
                "creating and testing new approaches and ways of working to "
                "collectively tackle social inequality."
            ),
            outcomes=_outcomes(
                Horizon.SHORT,
                "More partners are engaged with the North Wales Public Service "
                "Lab, there is more education and awareness of systems "
                "leadership which improves collaboration and connecting. We all "
                "work together and navigate the partnership landscape to "
                "integrate priorities and deliver collectively, enable and "
                "sharing good practice and learning.",
                "More partners have an understanding of the Lab and approach us "
                "with challenges they are facing so we can work together to "
                "evolve the North Wales systems thinking model. More projects "
                "are taking through this model, improving services and support "
                "for citizens.",
                "All partners in the North Wales Insight Partnership are engaged "
                "in the innovative projects and the learning from this work "
                "changes the way we engage and involves citizens in our work. "
                "This includes leading the Future Leaders Programme with "
                "children and young people in schools, community narratives and "
                "regional engagement work, as well as supporting the PSBs "
                "directly with events and masterclasses.",
                "Stronger, and more, partnerships develop across the region and "
                "nationally to bring focus and resource to key challenges "
                "including Audit Wales, Future Generations Office, WCPP etc.",
                "There is more research focused on supporting the work of the "
                "PSBs and all partners to help build capacity and bring more "
                "resources to the research that is needed to deepen the "
                "understanding of the missions.",
            )
            + _outcomes(
                Horizon.INTERMEDIATE,
                "We engage with and inform Welsh Government policy.",
                "The North Wales Public Service Lab and North Wales Insight "
                "Partnership, with 2025, work closely together to monitor "
                "progress, and deliver tangible change across the region.",
                "PBs and PSBs are engaging with a more effective monitoring "
                "system that allows progress towards objectives to be easily "
                "reviewed. There are more links made between PBs and PSBs with "
                "the same objectives.",
            ),
            projects=(
                ProjectSpec(
                    PUBLIC_SERVICE_LAB,
                    "Community for community network of systems leaders and "
                    "changemakers and 2025 partnership to tackle health and "
                    "social inequalities, Public Service Board support.",
                    WU,
                ),
                ProjectSpec(
                    INSIGHT_PARTNERSHIP,
                    "Supporting and enable innovation and delivery of the well "
                    "being plans across North Wales.",
                    WU,
                ),
            ),
            measures=(
                _count(
                    "LG-01",
                    "C4C collaborative events",
                    unit="events",
                    target=4,
                    project=PUBLIC_SERVICE_LAB,
                    definition="C4C (community for community) collaborative "
                    "events, with Audit Wales and Future Generations, held in the "
                    "quarter. Appendix B: 4 x C4C Collaborative events.",
                    data_source="Event records",
                ),
                _count(
                    "LG-02",
                    "Partners at C4C collaborative events",
                    unit="partners",
                    target=300,
                    headline=True,
                    project=PUBLIC_SERVICE_LAB,
                    definition="Partners attending C4C collaborative events in "
                    "the quarter, summed over the year. Appendix B: over 300 "
                    "partners.",
                    data_source="Event registers",
                ),
                _count(
                    "LG-03",
                    "PSB chair and vice chair sessions",
                    unit="sessions",
                    demo_size=1,
                    project=PUBLIC_SERVICE_LAB,
                    definition="Sessions held with Public Service Board chairs "
                    "and vice chairs in the quarter. Appendix B lists these "
                    "without a number, so there is no target.",
                    data_source="Event records",
                ),
                _count(
                    "LG-04",
                    "System leadership masterclasses, workshops, events and cafes",
                    unit="sessions",
                    target=10,
                    project=PUBLIC_SERVICE_LAB,
                    definition="System leadership masterclasses, workshops, "
                    "events and cafes, in English and Welsh, held in the "
                    "quarter. Appendix B: 10 x.",
                    data_source="Event records",
                ),
                _count(
                    "LG-05",
                    "Regional collaborative projects with research",
                    aggregation=Aggregation.LATEST,
                    unit="projects",
                    target=2,
                    project=PUBLIC_SERVICE_LAB,
                    definition="Regional collaborative projects with a research "
                    "element under way at the end of the quarter. Appendix B: 2x.",
                    data_source="Public Service Lab project list",
                ),
                _count(
                    "LG-06",
                    "Bespoke events with partners",
                    unit="events",
                    target=4,
                    project=PUBLIC_SERVICE_LAB,
                    definition="Bespoke events held with partners in the "
                    "quarter. Appendix B: 4x.",
                    data_source="Event records",
                ),
                _count(
                    "LG-07",
                    "NW Insight Partnership events",
                    unit="events",
                    target=5,
                    project=INSIGHT_PARTNERSHIP,
                    definition="North Wales Insight Partnership events held in "
                    "the quarter. Appendix B: 5x.",
                    data_source="Event records",
                ),
                _count(
                    "LG-08",
                    "Innovation collaborative projects",
                    aggregation=Aggregation.LATEST,
                    unit="projects",
                    target=3,
                    project=INSIGHT_PARTNERSHIP,
                    definition="Innovation collaborative projects (research, "
                    "citizens engagement and system change) under way at the end "
                    "of the quarter. Appendix B: 3x.",
                    data_source="Insight Partnership project list",
                ),
            ),
        ),
        PrioritySpec(
            name="Building community resilience",
            # Appendix B, Building community resilience row, in its order:
            # 05, 06, 08, 22, 35, 38, 23.
            indicators=(5, 6, 8, 22, 35, 38, 23),
            # Its mission: "**Looking long term,** ... a vehicle for
            # **collaboration and change**".
            ways_of_working=("long_term", "collaboration"),
            goals=WALES_GOALS,
            mission_statement=(
                "To support our communities and partners, actively listening and "
                "doing what matters the most to partners and citizens. Looking "
                "long term, we will roll out and grow the North Wales Children's "
                "University and enable this as a vehicle for collaboration and "
                "change to support well being for families, a love of learning "
                "for all, connect all communities assets and develop future "
                "leaders."
            ),
            outcomes=_outcomes(
                Horizon.SHORT,
                "More schools, partners and learning destinations are connected "
                "and part of the North Wales Children's University building on "
                "the success of the pilot. More programmes are rolled out that "
                "are focused on supporting and improving learning opportunities "
                "and connecting to cultural, social, environmental, activity and "
                "good food across our region supporting more people to keep "
                "learning and engage and connect to local communities.",
                "Children and Young People have an opportunity to learn outside "
                "of the classroom with things that matter most to them, more "
                "children and young people engaged in the youth forums to shape "
                "content they want and need to learn.",
                "We engage with Children and Young People to share what matters "
                "to them to support well being and they develop leadership "
                "skills to drive change and public services of the future.",
                "More people and organisations from across the region support "
                "the North Wales Children's University to grow, all sectors are "
                "involved in a genuine collaboration around the region, and we "
                "support schools a learning organisations increasing and "
                "improving the support for schools as the hub in communities and "
                "families.",
                "More citizens are engaged in the work of the whole partnership "
                "landscape, citizens voices and stories shape the future of our "
                "work, we activity listen and act to change the system for the "
                "better and improve well being. We deliver and share research "
                "that understands the impact of this way of working and outcome "
                "for students so we can help shape and inform approaches across "
                "Wales and policy.",
            )
            + _outcomes(
                Horizon.INTERMEDIATE,
                "North Wales has a connected whole systems approach to "
                "supporting learning and well being for Children and Young "
                "people and families across the region.",
                "Research understanding the impact of this work drives a great "
                "understanding on tackling inequalities.",
                "Collaboration across the region is a global leading example of "
                "how to work to tackle key societal challenges.",
                "Storytelling methods and innovative ways of engaging all "
                "citizens are used widely across public and third sector "
                "services, citizens and 'services' work alongside each other to "
                "build and support community resilience.",
                "All partners are connected across the region to support "
                "learning outside of schools that is connected to community "
                "assets and works to engage all citizens in well being "
                "activities that support long term health from an individual and "
                "community level.",
            ),
            projects=(
                ProjectSpec(
                    NWCU,
                    "Roll out Children's university with 50+ schools and over "
                    "1000 students focused on working in partnership to tackle "
                    "key challenges, mental health, obesity, inactivity and "
                    "enable a focus on well being, new curriculum "
                    "implementation, community focused schools, lifelong "
                    "learning and child poverty, working with student "
                    "ambassadors from across HE/FE.",
                    WU,
                ),
                ProjectSpec(
                    LLS,
                    "Leadership Learning and storytelling, 100 stories & Citizen "
                    "engagement in narratives: engaging children and young "
                    "people in early years, looked after children and those with "
                    "additional learning needs through storytelling, as part of "
                    "a Bevan Commission exemplar project.",
                    WU,
                ),
            ),
            measures=(
                _count(
                    "CR-01",
                    "Schools engaged in the Children's University",
                    aggregation=Aggregation.LATEST,
                    unit="schools",
                    target=50,
                    headline=True,
                    project=NWCU,
                    definition="Schools taking part in the North Wales "
                    "Children's University at the end of the quarter. Appendix "
                    "B: 50+ schools.",
                    data_source="Children's University records",
                ),
                _count(
                    "CR-02",
                    "Students engaged in the Children's University",
                    unit="students",
                    target=1000,
                    headline=True,
                    project=NWCU,
                    definition="Students newly taking part in Children's "
                    "University activities in the quarter, summed over the "
                    "year. Appendix B: over 1000 students.",
                    data_source="Children's University records",
                ),
                _milestone(
                    "CR-03",
                    "Business plan for a sustainable North Wales Children's University",
                    project=NWCU,
                    definition="Done once the business plan is agreed. Appendix "
                    "B: 1x business plan for North Wales engaging all partners "
                    "for sustainable model to grow Children's University.",
                    data_source="Children's University board papers",
                ),
                _milestone(
                    "CR-04",
                    "Children's University research output",
                    project=NWCU,
                    definition="Done once the research output from the North "
                    "Wales Children's University is published. Appendix B: 1x "
                    "research output.",
                    data_source="Research office records",
                ),
                _count(
                    "CR-05",
                    "Partners engaged in the LLS project",
                    aggregation=Aggregation.LATEST,
                    unit="partners",
                    target=10,
                    project=LLS,
                    definition="Partners engaged in the Leadership Learning and "
                    "storytelling project at the end of the quarter. Appendix B: "
                    "10x partners engaged in LLS project.",
                    data_source="LLS project records",
                ),
                _count(
                    "CR-06",
                    "Children and young people engaged from ALN, looked after "
                    "children and early years",
                    unit="children and young people",
                    target=50,
                    project=LLS,
                    definition="Children and young people with additional "
                    "learning needs, looked after children and children in early "
                    "years newly engaged in the quarter, summed over the year. "
                    "Appendix B: 50 x.",
                    data_source="LLS project records",
                ),
                _milestone(
                    "CR-07",
                    "Research impact case study for 100 stories with the Bevan "
                    "Commission",
                    question=Question.BETTER_OFF,
                    project=LLS,
                    definition="Done once the research impact case study for "
                    "100 stories, with the Bevan Commission, is complete. "
                    "Appendix B: 1x.",
                    data_source="Research office records",
                ),
                _milestone(
                    "CR-08",
                    "Showcase event and research paper on impact and systems change",
                    project=LLS,
                    definition="Done once the showcase event has been held and "
                    "the research paper on impact and systems change published. "
                    "Appendix B: 1x.",
                    data_source="Research office records",
                ),
            ),
        ),
        PrioritySpec(
            name="Keeping well",
            # Appendix B, Keeping well row: 03, 29, 28.
            indicators=(3, 29, 28),
            # "focus on shift resources to **prevention, through building
            # movements for change ...**".
            ways_of_working=("prevention",),
            goals=WALES_GOALS,
            mission_statement=(
                "To support and enable citizens, communities and organisations "
                "to be and keep well, enabling kindness and compassion at the "
                "heart of all our work with partners supporting our region to "
                "become a trauma informed region. Leading with partners, our "
                "innovative approach to a social movement for change will focus "
                "on prevention and the wider determinants of health."
            ),
            outcomes=(
                *_outcomes(
                    Horizon.SHORT,
                    "More collaboration is taking place at local, regional and "
                    "national level between communities, voluntary sector, "
                    "public bodies and business to identify what a sustainable "
                    "health system looks like including a clear focus on social "
                    "care.",
                    "A more diverse range of people are involved in co-producing "
                    "services and well-being objectives, including Children and "
                    "Young People.",
                    "PSBs and public services work closely to understand the "
                    "inverse care law and how we work together to ensure "
                    "citizens get the care they need when they need it.",
                ),
                OutcomeSpec(
                    statement=TRAUMA_INFORMED_OUTCOME,
                    horizon=Horizon.SHORT,
                    measures=(
                        _number_pct(
                            "KW-05",
                            "No and % of CoP partners using a trauma informed "
                            "approach in their organisation",
                            unit="partners",
                            demo_size=30,
                            project=TRACE,
                            definition="Demo measure (not in Appendix B; made "
                            "from this short-term outcome): partners at CoP "
                            "events who say their organisation now uses a "
                            "trauma informed approach, out of partners who gave "
                            "feedback in the quarter.",
                            data_source="CoP event feedback",
                        ),
                    ),
                ),
                *_outcomes(
                    Horizon.SHORT,
                    "More partners and a growing TrACE Community of Practice "
                    "across the region that shares learning and good practice "
                    "regionally and nationally improving the implementation of a "
                    "Trauma informed approach in all we do across public "
                    "services and society.",
                    "Partners and communities within and outside the University "
                    "feel and see the difference in policy, people, process and "
                    "environment/ physical environment as we shift to becoming "
                    "the first HEI to be TrACE informed.",
                ),
                *_outcomes(
                    Horizon.INTERMEDIATE,
                    "Communities and individuals have access to Social "
                    "Prescribing and community resources to support well being "
                    "and access to community assets around them to help support "
                    "wellness.",
                    "Resources shift to prevention and we meet the needs of "
                    "citizens across the region when they need health care.",
                    "There is a clear shift across the whole region to become a "
                    "TrACE informed region. There is a shift in resources and "
                    "importance on being TrACE informed across society and "
                    "public services.",
                    "There is an understanding and model of social prescribing "
                    "that is connect in communities and the third sector is "
                    "funded sustainably to enable this to grow supporting "
                    "citizens to engage in their own well being needs.",
                ),
            ),
            projects=(
                ProjectSpec(
                    TRACE,
                    "Deliver our innovative project in partnership with National "
                    "TrACE Hub to become TrACE informed University and work in "
                    "partnership across the region to shape TrACE informed "
                    "society.",
                    WU,
                ),
                ProjectSpec(
                    SOCIAL_PRESCRIBING,
                    "Support and enable Social Prescribing model implementation "
                    "across the region - developing the community of "
                    "practitioners in partnership with 2025.",
                    WU,
                ),
            ),
            measures=(
                _milestone(
                    "KW-01",
                    "TrACE research report",
                    project=TRACE,
                    definition="Done once the research report on the TrACE work "
                    "is published. Appendix B: 1x Research report.",
                    data_source="Research office records",
                ),
                _count(
                    "KW-02",
                    "Students engaged as kindness champions",
                    unit="students",
                    target=100,
                    headline=True,
                    project=TRACE,
                    definition="Students newly engaged as kindness champions in "
                    "the quarter, summed over the year. Appendix B: 100 students "
                    "engaged as Kindness champions.",
                    data_source="Kindness champions register",
                ),
                _count(
                    "KW-03",
                    "CoP events",
                    unit="events",
                    target=3,
                    project=SOCIAL_PRESCRIBING,
                    definition="Community of Practice events held in the "
                    "quarter. Appendix B: 3x CoP events.",
                    data_source="Event records",
                ),
                _count(
                    "KW-04",
                    "Partners at CoP events",
                    unit="partners",
                    target=100,
                    headline=True,
                    project=SOCIAL_PRESCRIBING,
                    definition="Partners attending Community of Practice events "
                    "in the quarter, summed over the year. Appendix B: 100+ "
                    "partners.",
                    data_source="Event registers",
                ),
            ),
        ),
    ),
)


# Wrexham Community Cohesion (seed 001) ----------------------------------------

WCBC = "WCBC Community Cohesion Team"
CYPFP = "Children and Young Peoples Framework for Partnership"
TEAM_RECORDS = "Community Cohesion Team records"
FEEDBACK = "Feedback forms"
KPI_NOTE = " Key Performance Indicator in the strategy."


def _demo_target(percent: int) -> str:
    return f" Demo target (not in the strategy): {percent}%."


# Seed 001 asks for figures "by community" and "by protected characteristic /
# age"; the communities and age groups are the ones the strategy names.
COMMUNITY = "Community"
AGE_GROUP = "Age group"

COMMUNITY_COHESION = PartnershipSpec(
    name="Wrexham Community Cohesion",
    slug="wrexham-community-cohesion",
    reporting_year_start_month=4,
    dimensions=(
        DimensionSpec(
            COMMUNITY,
            (
                "Black, Asian, Minority and Nationality communities",
                "Faith communities",
                "LGBT community",
                "Gypsies and Travellers",
                "Asylum seeking and refugee people",
            ),
            # People can belong to more than one community, and not every
            # champion belongs to one the strategy names.
            exhaustive=False,
        ),
        DimensionSpec(
            AGE_GROUP, ("Children", "Young people", "Adults"), exhaustive=True
        ),
    ),
    mission_statement="Community Cohesion Strategy 2011–14",
    mission_target_year=2014,
    mission_description=(
        "Wrexham County Borough Council Community Cohesion Strategy 2011-14: "
        "strategic action plan. Lead organisation: WCBC Community Cohesion Team "
        "in collaboration with identified partners; * Children and Young "
        "Peoples Framework for Partnership in collaboration with identified "
        "partners."
    ),
    organisations=(WCBC, CYPFP),
    outcomes=(
        OutcomeSpec(
            statement="Minority communities are represented on strategic partnerships",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="The views of people from minority communities "
            "are represented on strategic partnerships",
            projects=(
                ProjectSpec(
                    "Community Cohesion Reference Group [CCRG]",
                    "Continue to develop the Community Cohesion Reference Group "
                    "[CCRG] with membership from all the Black, Asian, Minority "
                    "and Nationality communities of Wrexham",
                    WCBC,
                ),
                ProjectSpec(
                    "LGBT Community Network",
                    "Continue to develop a Lesbian, Gay, Bisexual, Transgender "
                    "[LGBT] Community Network",
                    WCBC,
                ),
                ProjectSpec(
                    "Student Ambassadors Group",
                    "Extend and improve Wrexham students' understanding of "
                    "diversity through the development of the Student "
                    "Ambassadors Group",
                    WCBC,
                ),
            ),
            measures=(
                _count(
                    "O1-01",
                    "No of minority communities who have influenced strategies "
                    "that affect their lives",
                    aggregation=Aggregation.LATEST,
                    unit="communities",
                    demo_size=7,
                    definition="Minority communities that have influenced at "
                    "least one strategy affecting their lives in the 12 months "
                    "to the end of the quarter.",
                    data_source="CCRG and LGBT Network records",
                ),
                _count(
                    "O1-02",
                    "No of strategies that have been influenced by the voices of "
                    "minority communities",
                    unit="strategies",
                    demo_size=2,
                    definition="Strategies influenced by the voices of minority "
                    "communities in the quarter.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O1-03",
                    "No of minority communities represented on the Student "
                    "Ambassadors Group",
                    aggregation=Aggregation.LATEST,
                    unit="communities",
                    demo_size=6,
                    definition="Minority communities with a member on the "
                    "Student Ambassadors Group at the end of the quarter.",
                    data_source="Student Ambassadors Group membership list",
                ),
                _percentage(
                    "O1-04",
                    "% of minority communities /LGBT groups satisfied that they "
                    "have influenced strategies that affect their lives",
                    unit="communities and groups",
                    demo_size=12,
                    definition="Minority communities and LGBT groups satisfied "
                    "that they have influenced strategies affecting their lives, "
                    "as a % of those asked.",
                    data_source="CCRG and LGBT Network feedback",
                ),
                _percentage(
                    "O1-05",
                    "% of minority communities retained in the CCRG / LGBT "
                    "Network /Student Ambassadors Group for 1 year",
                    unit="communities",
                    demo_size=14,
                    definition="Minority communities still represented in the "
                    "CCRG, LGBT Network or Student Ambassadors Group a year after "
                    "joining, as a % of those that joined a year before.",
                    data_source="Group membership lists",
                ),
                _percentage(
                    "O1-06",
                    "% of students from minority communities retained in the "
                    "Student Ambassadors Group for 1 academic year",
                    unit="students",
                    demo_size=15,
                    definition="Students from minority communities still in the "
                    "Student Ambassadors Group after one academic year, as a % "
                    "of those who started it.",
                    data_source="Student Ambassadors Group membership list",
                ),
                _number_pct(
                    "O1-07",
                    "No and % of minority communities confident that they have a "
                    "voice on Strategic Partnerships",
                    unit="communities",
                    target=70,
                    headline=True,
                    demo_size=12,
                    definition="Minority communities confident that they have a "
                    "voice on strategic partnerships, out of those asked."
                    + KPI_NOTE
                    + _demo_target(70),
                    data_source="CCRG and LGBT Network feedback",
                ),
                _number_pct(
                    "O1-08",
                    "No and % of minority groups that feel they have the "
                    "confidence and knowledge to attend and contribute to "
                    "meetings",
                    unit="groups",
                    demo_size=12,
                    definition="Minority groups that feel they have the "
                    "confidence and knowledge to attend and contribute to "
                    "meetings, out of those asked.",
                    data_source="CCRG and LGBT Network feedback",
                ),
            ),
        ),
        OutcomeSpec(
            statement="We understand who our communities are and what they need",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="Community people inform Equality Impact "
            "Assessments\nStaff are more culturally competent and confident to "
            "engage with minority communities",
            projects=(
                ProjectSpec(
                    "Awareness Raising Tools [ART]",
                    "Make available a range of Awareness Raising Tools [ART] to "
                    "improve peoples understanding of local diversity",
                    WCBC,
                ),
                ProjectSpec(
                    "Training to engage with diverse communities",
                    "Provide training opportunities to improve people's ability "
                    "to engage with the diverse communities of Wrexham.",
                    WCBC,
                ),
                ProjectSpec(
                    "Engagement with Faith communities",
                    "Develop increased engagement with the Faith communities of "
                    "Wrexham",
                    WCBC,
                ),
                ProjectSpec(
                    "Community Champions",
                    "Encourage formal and informal community leaders to act as "
                    "Community Champions that raise awareness of positive "
                    "cohesion messages in their communities",
                    WCBC,
                ),
                ProjectSpec(
                    "Community Cohesion newsletter",
                    "Extend and improve peoples understanding of diversity "
                    "through the development and circulation of a Community "
                    "Cohesion newsletter",
                    WCBC,
                ),
            ),
            measures=(
                _count(
                    "O2-01",
                    "No of ART resources [including eng training] total and per "
                    "quarter",
                    unit="resources",
                    demo_size=3,
                    definition="Awareness Raising Tools resources (including "
                    "engagement training) made available in the quarter; the "
                    "year's sum is the total.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O2-02",
                    "Use of ART resources [No and frequency]",
                    unit="uses",
                    demo_size=20,
                    definition="Times Awareness Raising Tools resources were "
                    "used in the quarter.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O2-03",
                    "No of feedback",
                    unit="feedback returns",
                    demo_size=30,
                    definition="Feedback returns received on resources and "
                    "training in the quarter.",
                    data_source=FEEDBACK,
                ),
                _count(
                    "O2-04",
                    "No of training sessions provided",
                    unit="sessions",
                    demo_size=5,
                    definition="Training sessions provided in the quarter to "
                    "improve people's ability to engage with the diverse "
                    "communities of Wrexham.",
                    data_source=TEAM_RECORDS,
                ),
                _milestone(
                    "O2-05",
                    "Faith Communities Directory produced and circulated",
                    target=None,
                    definition="Done once the Faith Communities Directory has "
                    "been produced and circulated.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O2-06",
                    "No of people part of the Community Champions Network by community",
                    aggregation=Aggregation.LATEST,
                    unit="people",
                    demo_size=35,
                    definition="People in the Community Champions Network at the "
                    "end of the quarter. The strategy breaks this down by "
                    "community.",
                    data_source="Community Champions Network list",
                    breakdown=(COMMUNITY,),
                ),
                _count(
                    "O2-07",
                    "No of Cohesion Newsletters distributed",
                    unit="newsletters",
                    demo_size=350,
                    definition="Copies of the Community Cohesion newsletter "
                    "distributed in the quarter.",
                    data_source="Newsletter distribution lists",
                ),
                _percentage(
                    "O2-08",
                    "% Satisfaction with resources via feedback",
                    unit="feedback returns",
                    demo_size=20,
                    definition="Feedback returns on Awareness Raising Tools "
                    "resources that are satisfied, as a % of returns.",
                    data_source=FEEDBACK,
                ),
                _percentage(
                    "O2-09",
                    "% Satisfaction with training sessions via feedback",
                    unit="feedback returns",
                    demo_size=40,
                    definition="Training feedback returns that are satisfied "
                    "with the session, as a % of returns.",
                    data_source=FEEDBACK,
                ),
                _percentage(
                    "O2-10",
                    "% satisfaction with the Faith Community Directory by Faith "
                    "Leaders",
                    unit="faith leaders",
                    demo_size=10,
                    definition="Faith leaders satisfied with the Faith "
                    "Communities Directory, as a % of faith leaders who gave "
                    "feedback.",
                    data_source=FEEDBACK,
                ),
                _percentage(
                    "O2-11",
                    "% of Community Champions satisfied with the Cohesion Newsletter",
                    unit="champions",
                    demo_size=20,
                    definition="Community Champions satisfied with the Cohesion "
                    "Newsletter, as a % of champions who gave feedback.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O2-12",
                    "No and % Skills and Knowledge gained – via feedback",
                    unit="people",
                    demo_size=40,
                    definition="People who report skills and knowledge gained, "
                    "out of feedback returns on resources and training.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O2-13",
                    "No and % of completed Equality Impact Assessments showing a "
                    "link between community views and the Equality Impact "
                    "Assessment action plan",
                    unit="assessments",
                    demo_size=8,
                    definition="Equality Impact Assessments completed in the "
                    "quarter whose action plan shows a link to community views, "
                    "out of all completed.",
                    data_source="Equality Impact Assessments",
                ),
                _number_pct(
                    "O2-14",
                    "No and % of minority / Faith communities who feel more supported",
                    unit="communities",
                    target=70,
                    headline=True,
                    demo_size=14,
                    definition="Minority and Faith communities who feel more "
                    "supported, out of those asked." + KPI_NOTE + _demo_target(70),
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O2-15",
                    "No and % of Faith groups and agencies who feel that they "
                    "have increased knowledge about the Wrexham Faith Community",
                    unit="groups and agencies",
                    demo_size=15,
                    definition="Faith groups and agencies who feel they have "
                    "increased knowledge about the Wrexham Faith Community, out "
                    "of those asked.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O2-16",
                    "No and % of Faith groups and agencies who work differently "
                    "as a result of the information",
                    unit="groups and agencies",
                    demo_size=15,
                    definition="Faith groups and agencies who work differently "
                    "as a result of the information, out of those asked.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O2-17",
                    "No and % of feedback on newsletter by community – what has "
                    "been done with the information / what changed",
                    unit="feedback returns",
                    demo_size=25,
                    definition="Newsletter feedback returns saying something was "
                    "done or changed as a result of the information, out of all "
                    "newsletter feedback returns. The strategy breaks this down "
                    "by community.",
                    data_source=FEEDBACK,
                ),
            ),
        ),
        OutcomeSpec(
            statement="Different communities come together in everyday situations",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="People are confident to mix with people from "
            "different backgrounds\nAgencies are confident to bring together "
            "people from different backgrounds",
            projects=(
                ProjectSpec(
                    "Engagement of people with protected characteristics in "
                    "mainstream activities",
                    "Work with our partners to increase the engagement of people "
                    "with protected characteristics in mainstream activities",
                    WCBC,
                ),
                ProjectSpec(
                    "Opportunities for different communities to come together",
                    "Work with our partners to increase the opportunities for "
                    "different communities to come together",
                    WCBC,
                ),
                ProjectSpec(
                    "Community support to Asylum Seeking and Refugee people",
                    "Co-ordinate community support to Asylum Seeking and Refugee "
                    "people in Wrexham",
                    WCBC,
                ),
                ProjectSpec(
                    "Community support to Gypsies and Travellers",
                    "Co-ordinate community support to Gypsies and Travellers in "
                    "Wrexham",
                    WCBC,
                ),
            ),
            measures=(
                _count(
                    "O3-01",
                    "No of opportunities for people to come together",
                    unit="opportunities",
                    demo_size=9,
                    definition="Opportunities, run with partners, for people "
                    "from different communities to come together in the quarter.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O3-02",
                    "No of capacity building / training provided to agencies",
                    unit="sessions",
                    demo_size=4,
                    definition="Capacity building and training sessions provided "
                    "to agencies in the quarter.",
                    data_source=TEAM_RECORDS,
                ),
                _percentage(
                    "O3-03",
                    "% Peoples Voice Survey Questions",
                    unit="respondents",
                    target=60,
                    headline=True,
                    demo_size=250,
                    definition="Demo definition (the strategy names only the "
                    "survey questions): People's Voice survey respondents "
                    "answering the community cohesion questions positively, as "
                    "a % of respondents." + KPI_NOTE + _demo_target(60),
                    data_source="People's Voice survey",
                ),
                _percentage(
                    "O3-04",
                    "% Feedback / satisfaction questionnaires",
                    unit="questionnaires",
                    demo_size=30,
                    definition="Feedback / satisfaction questionnaires that are "
                    "satisfied, as a % of questionnaires returned.",
                    data_source="Feedback / satisfaction questionnaires",
                ),
                _number_pct(
                    "O3-05",
                    "No and % of minority communities who feel more supported",
                    unit="communities",
                    demo_size=14,
                    definition="Minority communities who feel more supported, "
                    "out of those asked.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O3-06",
                    "No and % what has changed as a result of capacity building "
                    "/ training",
                    unit="agencies",
                    demo_size=10,
                    definition="Agencies reporting that something has changed as "
                    "a result of capacity building / training, out of agencies "
                    "trained that gave feedback.",
                    data_source=FEEDBACK,
                ),
                _percentage(
                    "O3-07",
                    "% of people who feel confident to mix with people from "
                    "different backgrounds by community",
                    question=Question.BETTER_OFF,
                    unit="respondents",
                    demo_size=60,
                    definition="Respondents who feel confident to mix with "
                    "people from different backgrounds, as a % of respondents. "
                    "The strategy breaks this down by community.",
                    data_source="Feedback / satisfaction questionnaires",
                ),
            ),
        ),
        OutcomeSpec(
            statement="Children young people and adults are confident to report "
            "community tensions",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="Community tensions are reported",
            projects=(
                ProjectSpec(
                    "Anti Hate project",
                    "Continue to develop the Anti Hate project to ensure that "
                    "children, young people and adults from all communities can "
                    "access the support service.",
                    WCBC,
                ),
                ProjectSpec(
                    "Community Tension Monitoring awareness",
                    "Continue to raise awareness of the Community Tension "
                    "Monitoring process",
                    WCBC,
                ),
            ),
            measures=(
                _count(
                    "O4-01",
                    "No of Third Party Reporting Centres [TPRCs] for people with "
                    "protected characteristics",
                    aggregation=Aggregation.LATEST,
                    unit="centres",
                    demo_size=10,
                    definition="Third Party Reporting Centres for people with "
                    "protected characteristics open at the end of the quarter.",
                    data_source="Anti Hate project records",
                ),
                _count(
                    "O4-02",
                    "No of anti hate awareness raising activities",
                    unit="activities",
                    demo_size=5,
                    definition="Anti hate awareness raising activities held in "
                    "the quarter.",
                    data_source="Anti Hate project records",
                ),
                _count(
                    "O4-03",
                    "No of tension monitoring awareness raising activities",
                    unit="activities",
                    demo_size=3,
                    definition="Community Tension Monitoring awareness raising "
                    "activities held in the quarter.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O4-04",
                    "No of tension reports escalated to the Community Tension "
                    "Monitoring Group",
                    unit="reports",
                    demo_size=4,
                    definition="Tension reports escalated to the Community "
                    "Tension Monitoring Group in the quarter. More reports can "
                    "mean people are more confident to report tensions, which is "
                    "this outcome's aim. Broken down by the age group of the "
                    "person reporting (children, young people, adults), as the "
                    "strategy asks for reports by age.",
                    data_source="Community Tension Monitoring Group records",
                    breakdown=(AGE_GROUP,),
                ),
                _percentage(
                    "O4-05",
                    "% customer satisfaction with anti hate project",
                    unit="customers",
                    demo_size=15,
                    definition="Anti Hate project customers who are satisfied, "
                    "as a % of customers who gave feedback.",
                    data_source="Anti Hate project feedback",
                ),
                _number_pct(
                    "O4-06",
                    "No and % of reports by protected characteristic / age",
                    question=Question.HOW_WELL,
                    unit="reports",
                    demo_size=20,
                    definition="Reports to the Anti Hate project. The strategy "
                    "breaks them down by protected characteristic and age (the % "
                    "being each group's share). Demo definition until "
                    "breakdowns are recorded: reports that record the protected "
                    "characteristic and age, out of all reports in the quarter.",
                    data_source="Anti Hate project records",
                ),
                _percentage(
                    "O4-07",
                    "% customer satisfaction with awareness raising activities",
                    unit="participants",
                    demo_size=40,
                    definition="Participants satisfied with awareness raising "
                    "activities, as a % of participants who gave feedback.",
                    data_source=FEEDBACK,
                ),
                _number_pct(
                    "O4-08",
                    "No and % of tension reports / geographic and agency spread",
                    question=Question.HOW_WELL,
                    unit="reports",
                    demo_size=12,
                    definition="Tension reports. The strategy breaks them down "
                    "by geography and agency (the % being each area's or "
                    "agency's share). Demo definition until breakdowns are "
                    "recorded: reports that record the area and the reporting "
                    "agency, out of all tension reports in the quarter.",
                    data_source="Community Tension Monitoring Group records",
                ),
                _number_pct(
                    "O4-09",
                    "No and % of victims who feel the Anti Hate project had "
                    "helped them / protected characteristic / age",
                    unit="victims",
                    target=75,
                    headline=True,
                    demo_size=15,
                    definition="Victims who feel the Anti Hate project had "
                    "helped them, out of victims who gave feedback. The strategy "
                    "breaks this down by protected characteristic and age."
                    + KPI_NOTE
                    + _demo_target(75),
                    data_source="Anti Hate project feedback",
                ),
                _number_pct(
                    "O4-10",
                    "No and % of agencies who feel the Anti Hate project has "
                    "helped them",
                    unit="agencies",
                    demo_size=10,
                    definition="Agencies who feel the Anti Hate project has "
                    "helped them, out of agencies asked.",
                    data_source="Anti Hate project feedback",
                ),
                _number_pct(
                    "O4-11",
                    "No and % of agencies who feel the Tension Monitoring "
                    "Project has helped them",
                    unit="agencies",
                    demo_size=10,
                    definition="Agencies who feel the Tension Monitoring Project "
                    "has helped them, out of agencies asked.",
                    data_source="Community Tension Monitoring Group records",
                ),
                _number_pct(
                    "O4-12",
                    "No and % of cases that would not have been resolved under "
                    "the previous system",
                    unit="cases",
                    demo_size=15,
                    definition="Cases that would not have been resolved under "
                    "the previous system, out of all cases closed in the "
                    "quarter.",
                    data_source="Anti Hate project records",
                ),
            ),
        ),
        OutcomeSpec(
            statement="Children and young people influence the community "
            "cohesion agenda",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="The views of children and young people from "
            "minority communities are represented on strategic groups",
            projects=(
                ProjectSpec(
                    "Black and Minority Ethnic [BME] Young Peoples Participation Group",
                    "Work with our partners to develop a Black and Minority "
                    "Ethnic [BME] Young Peoples Participation Group.",
                    CYPFP,
                ),
                ProjectSpec(
                    "Young Peoples LGBT network",
                    "Work with our partners to develop a Young Peoples LGBT network",
                    WCBC,
                ),
                ProjectSpec(
                    "Young Peoples Faith Forum",
                    "Work with our partners to develop Young Peoples Faith Forum",
                    CYPFP,
                ),
            ),
            measures=(
                _count(
                    "O5-01",
                    "No of minority /Faith communities whose children and young "
                    "people have influenced strategies that affect their lives",
                    aggregation=Aggregation.LATEST,
                    unit="communities",
                    demo_size=5,
                    definition="Minority and Faith communities whose children "
                    "and young people have influenced at least one strategy "
                    "affecting their lives in the 12 months to the end of the "
                    "quarter.",
                    data_source="Participation group records",
                ),
                _count(
                    "O5-02",
                    "No of strategies that have been influenced by the voices of "
                    "children and young people from minority / Faith communities",
                    unit="strategies",
                    demo_size=1.5,
                    definition="Strategies influenced by the voices of children "
                    "and young people from minority and Faith communities in the "
                    "quarter.",
                    data_source="Participation group records",
                ),
                _percentage(
                    "O5-03",
                    "% of minority /Faith communities whose children and young "
                    "people are satisfied that they have influenced strategies "
                    "that affect their lives",
                    unit="communities",
                    demo_size=8,
                    definition="Minority and Faith communities whose children "
                    "and young people are satisfied they have influenced "
                    "strategies affecting their lives, as a % of those asked.",
                    data_source="Participation group feedback",
                ),
                _number_pct(
                    "O5-04",
                    "No and % of children and young people from minority / "
                    "Faith communities that are confident that they have a voice "
                    "on Strategic Partnerships",
                    unit="young people",
                    demo_size=30,
                    definition="Children and young people from minority and "
                    "Faith communities confident that they have a voice on "
                    "strategic partnerships, out of those asked.",
                    data_source="Participation group feedback",
                ),
                _number_pct(
                    "O5-05",
                    "No and % of strategic partnerships that have evidence that "
                    "their work is influenced by the views of children and young "
                    "people from minority /Faith communities",
                    unit="partnerships",
                    target=50,
                    headline=True,
                    demo_size=8,
                    definition="Strategic partnerships with evidence that their "
                    "work is influenced by the views of children and young "
                    "people from minority and Faith communities, out of the "
                    "strategic partnerships reviewed." + KPI_NOTE + _demo_target(50),
                    data_source="Strategic partnership papers",
                ),
            ),
        ),
        OutcomeSpec(
            statement="Children and young people are confident to mix well together",
            horizon=Horizon.INTERMEDIATE,
            what_it_looks_like="Children and Young people are confident to mix "
            "with people from different backgrounds\nAgencies working with "
            "children and young people are confident to bring together children "
            "and young people from different backgrounds",
            projects=(
                ProjectSpec(
                    "Senedd yr Ifanc",
                    "Continue to embed the work of the Senedd yr Ifanc involving "
                    "young people from all backgrounds to have a say about "
                    "issues which affect them, and influence decision making "
                    "processes",
                    CYPFP,
                ),
                ProjectSpec(
                    "National Quality Award [NQA] for Healthy Schools",
                    "Continue roll out of National Quality Award [NQA] for "
                    "Healthy Schools",
                    CYPFP,
                ),
                ProjectSpec(
                    "Healthy Youth Club Programme",
                    "To develop and pilot a Healthy Youth Club Programme in 5 settings",
                    CYPFP,
                ),
                ProjectSpec(
                    "English as an Additional Language [EAL] support service",
                    "Continue to deliver the English as an Additional Language "
                    "[EAL] support service in schools",
                    CYPFP,
                ),
                ProjectSpec(
                    "Anti Bullying Strategic Guidance for schools",
                    "Take forward the Welsh Assembly Government Anti Bullying "
                    "Strategic Guidance for schools",
                    CYPFP,
                ),
                ProjectSpec(
                    "British Red Cross Peer Education project",
                    "British Red Cross - Peer Education project in schools",
                    CYPFP,
                ),
                ProjectSpec(
                    "Life and Faith Festival / Religious Education Festival",
                    "Life and Faith Festival / Religious Education Festival",
                    CYPFP,
                ),
                ProjectSpec(
                    "Resilience Project in schools",
                    "Resilience Project in schools",
                    CYPFP,
                ),
                ProjectSpec(
                    "Training to bring children and young people together",
                    "Provide training opportunities to improve people's "
                    "confidence to bring together children and young people from "
                    "different backgrounds",
                    WCBC,
                ),
            ),
            measures=(
                _count(
                    "O6-01",
                    "No of opportunities for children and young people to come "
                    "together",
                    unit="opportunities",
                    demo_size=10,
                    definition="Opportunities for children and young people from "
                    "different backgrounds to come together in the quarter.",
                    data_source="Children and Young Peoples Framework for "
                    "Partnership records",
                ),
                _count(
                    "O6-02",
                    "No of capacity building / training provided to agencies "
                    "that support children and young people",
                    unit="sessions",
                    demo_size=3,
                    definition="Capacity building and training sessions provided "
                    "in the quarter to agencies that support children and young "
                    "people.",
                    data_source=TEAM_RECORDS,
                ),
                _count(
                    "O6-03",
                    "Number of schools working towards NQA",
                    aggregation=Aggregation.LATEST,
                    unit="schools",
                    demo_size=25,
                    definition="Schools working towards the National Quality "
                    "Award [NQA] for Healthy Schools at the end of the quarter.",
                    data_source="Healthy Schools scheme records",
                ),
                _count(
                    "O6-04",
                    "Number of Youth Clubs accredited as part of pilot",
                    aggregation=Aggregation.LATEST,
                    unit="youth clubs",
                    target=5,
                    definition="Youth clubs accredited in the Healthy Youth Club "
                    "Programme pilot at the end of the quarter. Target 5: the "
                    "strategy pilots the programme in 5 settings.",
                    data_source="Healthy Youth Club Programme records",
                ),
                _count(
                    "O6-05",
                    "Number of EAL children progressing appropriately through the "
                    "WAG language stages",
                    aggregation=Aggregation.LATEST,
                    unit="children",
                    demo_size=180,
                    definition="Children supported by the English as an "
                    "Additional Language service who are progressing "
                    "appropriately through the Welsh Assembly Government "
                    "language stages, at the latest assessment.",
                    data_source="EAL service records",
                ),
                _percentage(
                    "O6-06",
                    "Young Peoples Survey",
                    unit="respondents",
                    demo_size=150,
                    definition="Demo definition (the strategy names only the "
                    "survey): young people who answer positively about their "
                    "chances to mix with young people from different "
                    "backgrounds, as a % of respondents.",
                    data_source="Young People's Survey",
                ),
                _number_pct(
                    "O6-07",
                    "Estyn reports",
                    question=Question.HOW_WELL,
                    unit="inspection reports",
                    demo_size=4,
                    definition="Demo definition (the strategy names only the "
                    "reports): Estyn inspection reports on Wrexham schools "
                    "published in the quarter that judge provision good or "
                    "better, out of reports published.",
                    data_source="Estyn inspection reports",
                ),
                _percentage(
                    "O6-08",
                    "Feedback / satisfaction questionnaires – children and young "
                    "people and agencies",
                    unit="questionnaires",
                    demo_size=50,
                    definition="Satisfied questionnaires from children, young "
                    "people and agencies, as a % of questionnaires returned.",
                    data_source="Feedback / satisfaction questionnaires",
                ),
                _number_pct(
                    "O6-09",
                    "Feedback from individual school inspection reports",
                    question=Question.HOW_WELL,
                    unit="inspection reports",
                    demo_size=4,
                    definition="Demo definition (the strategy names only the "
                    "feedback): individual school inspection reports in the "
                    "quarter with positive feedback on pupils from different "
                    "backgrounds mixing well, out of reports received.",
                    data_source="School inspection reports",
                ),
                _number_pct(
                    "O6-10",
                    "Estyn reports",
                    unit="inspection reports",
                    target=80,
                    headline=True,
                    demo_size=4,
                    definition="Demo definition (the strategy names only the "
                    "reports): Estyn inspection reports on Wrexham schools "
                    "published in the quarter that judge pupils' wellbeing good "
                    "or better, out of reports published."
                    + KPI_NOTE
                    + _demo_target(80),
                    data_source="Estyn inspection reports",
                ),
                _percentage(
                    "O6-11",
                    "Young peoples Survey",
                    question=Question.BETTER_OFF,
                    unit="respondents",
                    demo_size=150,
                    definition="Demo definition (the strategy names only the "
                    "survey): young people who feel confident to mix with young "
                    "people from different backgrounds, as a % of respondents.",
                    data_source="Young People's Survey",
                ),
            ),
        ),
    ),
)

PARTNERSHIPS = (CIVIC_MISSION, COMMUNITY_COHESION)

ADMIN_EMAIL = "admin@example.org"
LEAD_EMAIL = "lead@example.org"
STEERING_EMAIL = "steering@example.org"

USERS = (
    DemoUser(
        ADMIN_EMAIL,
        "Alex Admin",
        {CIVIC_MISSION.slug: Role.ADMIN, COMMUNITY_COHESION.slug: Role.ADMIN},
    ),
    DemoUser(LEAD_EMAIL, "Lowri Lead", {CIVIC_MISSION.slug: Role.LEAD}, WU),
    DemoUser(STEERING_EMAIL, "Sam Steering", {CIVIC_MISSION.slug: Role.VIEWER}),
)
DEMO_EMAILS = frozenset(user.email for user in USERS)

# The lead reports the Children's University measures; the walk-through has
# them enter this quarter's figures themselves.
LEAD_PROJECT = (CIVIC_MISSION.slug, NWCU)

STORIES_AHEAD = (
    "More than planned this quarter.",
    "Ahead of plan: partners got involved quickly.",
    "A strong quarter, helped by new partners getting involved.",
)
STORIES_BEHIND = (
    "Less than planned: some activity moved to next quarter.",
    "A quieter quarter while partners were on leave.",
    "Behind plan while the team changed.",
)
STORIES_STEADY = (
    "In line with the plan.",
    "Steady progress; no change to the approach.",
    "As expected for the time of year.",
)
STORIES_RATIO = (
    "{numerator} out of {denominator} this quarter.",
    "From the usual quarterly return.",
)
STORY_RATIO_SMALL = "Small numbers this quarter, so the rate moves about."
STORIES_MILESTONE_PENDING = (
    "Work under way; not finished yet.",
    "Drafting continues with partners.",
)
STORY_MILESTONE_DONE = "Completed this quarter."

# How far ahead of or behind its target each measure runs, so that the
# dashboard shows a mix of on track, at risk and off track.
PACES = (1.15, 1.05, 1.0, 0.95, 0.8, 0.7)


# --- The loader ---------------------------------------------------------------


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
    logins: tuple[DemoUser, ...] = USERS
    password: str = PASSWORD


@dataclass(frozen=True)
class Figures:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    story: str = ""


def demo_load(*, today: datetime.date | None = None) -> DemoResult:
    """Load (or top up) the demo partnerships; refuse on a non-demo database."""
    today = today or timezone.localdate()
    result = DemoResult()
    with tenancy.platform_scope(), pghistory.context(path="demo"):
        _refuse_unless_demo_database()
        users = {spec.email: _user_get_or_create(spec) for spec in USERS}
        admin = users[ADMIN_EMAIL]
        pghistory.context(user=admin.pk)
        load_frameworks()
        for spec in PARTNERSHIPS:
            partnership = _load_partnership(spec, users=users)
            _load_contributions(spec, partnership=partnership, actor=admin)
            _load_population(spec, partnership=partnership, actor=admin)
            result.values_created += _load_values(
                spec, partnership=partnership, actor=admin, today=today
            )
            _review_history(partnership, admin=admin, today=today)
            result.partnerships.append(_summary(partnership))
    return result


def _review_history(partnership: Partnership, *, admin: User, today) -> None:
    """Where the demo's reporting cycle stands.

    The complete quarters are approved and all but the last are locked, so
    the admin can lock that one; the admin's figures for the current quarter
    are submitted and wait for review, beside the lead's, which the lead
    enters in the walk-through.
    """
    history, current = demo_quarters(partnership, today)
    for quarter in history:
        waiting = QuarterlyValue.objects.filter(
            partnership=partnership,
            period__year=quarter.year,
            period__quarter=quarter.quarter,
            period__locked_at__isnull=True,
        ).exclude(status=ReviewStatus.APPROVED)
        for value_id in waiting.values_list("pk", flat=True):
            kpi_review.value_approve(
                partnership=partnership, value_id=value_id, actor=admin
            )
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
            f"empty database or one that holds nothing but the demo."
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
            f"database or one that holds nothing but the demo."
        )


def _user_get_or_create(spec: DemoUser) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        return User.objects.create_user(spec.email, PASSWORD, full_name=spec.full_name)
    # Someone may have changed a demo password while trying the demo; the
    # printed logins must work.
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def _organisation_get_or_create(partnership: Partnership, name: str) -> Organisation:
    return Organisation.objects.filter(
        partnership=partnership, name=name
    ).first() or partnership_services.organisation_create(
        partnership=partnership, name=name
    )


def _load_partnership(spec: PartnershipSpec, *, users: dict[str, User]) -> Partnership:
    partnership = Partnership.objects.filter(
        slug=spec.slug
    ).first() or partnership_services.partnership_create(
        name=spec.name,
        slug=spec.slug,
        reporting_year_start_month=spec.reporting_year_start_month,
        is_demo=True,
    )
    organisations = {
        name: _organisation_get_or_create(partnership, name)
        for name in spec.organisations
    }
    for user_spec in USERS:
        role = user_spec.roles.get(spec.slug)
        if role:
            partnership_services.membership_grant(
                partnership=partnership,
                user=users[user_spec.email],
                role=role,
                organisation=organisations.get(user_spec.organisation),
            )
    outcome_services.mission_set(
        partnership=partnership,
        statement=spec.mission_statement,
        target_year=spec.mission_target_year,
        description=spec.mission_description,
    )
    baseline_period = None
    if spec.baseline_day is not None:
        baseline_period = kpi_services.period_get_or_create(
            partnership=partnership,
            quarter=Quarter.containing(
                spec.baseline_day, partnership.reporting_year_start_month
            ),
        )
    dimensions = {
        dimension.name: kpi_services.dimension_upsert(
            partnership=partnership,
            name=dimension.name,
            categories=list(dimension.categories),
            is_exhaustive=dimension.exhaustive,
            position=position,
        )
        for position, dimension in enumerate(spec.dimensions)
    }
    loader = _FrameworkLoader(
        partnership=partnership,
        organisations=organisations,
        baseline_period=baseline_period,
        users=users,
        dimensions=dimensions,
    )
    loader.load_group(
        priority=None,
        outcomes=spec.outcomes,
        projects=spec.projects,
        measures=spec.measures,
    )
    for position, priority_spec in enumerate(spec.priorities, start=1):
        priority = outcome_services.priority_upsert(
            partnership=partnership,
            name=priority_spec.name,
            mission_statement=priority_spec.mission_statement,
            position=position,
        )
        loader.load_group(
            priority=priority,
            outcomes=priority_spec.outcomes,
            projects=priority_spec.projects,
            measures=priority_spec.measures,
        )
    return partnership


def _load_contributions(
    spec: PartnershipSpec, *, partnership: Partnership, actor: User
) -> None:
    """The strategy's links to its national framework (none if it names none)."""
    if not spec.framework:
        return
    framework = NationalFramework.objects.get(slug=spec.framework)
    if partnership.framework_id != framework.pk:
        kpi_services.partnership_framework_set(
            partnership=partnership, framework=framework, actor=actor
        )
    indicators = {
        i.number: i for i in NationalIndicator.objects.filter(framework=framework)
    }
    ways = {w.code: w for w in WayOfWorking.objects.filter(framework=framework)}
    goals = {g.code: g for g in WellbeingGoal.objects.filter(framework=framework)}

    def link(source, numbers=(), way_codes=(), goal_codes=()) -> None:
        targets = [
            *(indicators[n] for n in numbers),
            *(ways[c] for c in way_codes),
            *(goals[c] for c in goal_codes),
        ]
        for target in targets:
            kpi_services.contribution_link(
                partnership=partnership, source=source, target=target, actor=actor
            )

    codes = [measure.code for measure in spec.measures]
    for measure in PerformanceMeasure.objects.filter(
        partnership=partnership, code__in=codes
    ):
        link(measure, spec.mission_indicators, spec.mission_ways_of_working)
    priorities = {p.name: p for p in Priority.objects.filter(partnership=partnership)}
    for priority_spec in spec.priorities:
        link(
            priorities[priority_spec.name],
            priority_spec.indicators,
            priority_spec.ways_of_working,
            priority_spec.goals,
        )


def _load_population(
    spec: PartnershipSpec, *, partnership: Partnership, actor: User
) -> None:
    """The partnership's areas, the sample indicator series (SAMPLE DATA,
    made-up figures) and its stories behind the curve. Idempotent."""
    if not spec.framework:
        return
    if (partnership.area_code, partnership.comparator_area_code) != (
        spec.area_code,
        spec.comparator_area_code,
    ):
        kpi_services.partnership_areas_set(
            partnership=partnership,
            area_code=spec.area_code,
            comparator_area_code=spec.comparator_area_code,
            actor=actor,
        )
    framework = NationalFramework.objects.get(slug=spec.framework)
    if spec.sample_series:
        text = (REFERENCE_DIR / spec.sample_series).read_text(encoding="utf-8")
        indicator_series_import(text=text, framework=framework)
    for number, headings in spec.curve_stories:
        indicator = NationalIndicator.objects.get(framework=framework, number=number)
        if not CurveStory.objects.filter(
            partnership=partnership, indicator=indicator
        ).exists():
            kpi_services.curve_story_save(
                partnership=partnership, indicator=indicator, actor=actor, **headings
            )


class _FrameworkLoader:
    """Outcomes, projects and measures, numbered in document order."""

    def __init__(
        self, *, partnership, organisations, baseline_period, users, dimensions
    ):
        self.partnership = partnership
        self.dimensions = dimensions
        self.organisations = organisations
        self.baseline_period = baseline_period
        self.admin = users[ADMIN_EMAIL]
        self.lead = users[LEAD_EMAIL]
        self.outcome_position = 0
        self.measure_position = 0

    def load_group(self, *, priority, outcomes, projects, measures) -> None:
        for outcome_spec in outcomes:
            self.outcome_position += 1
            outcome = outcome_services.outcome_upsert(
                partnership=self.partnership,
                priority=priority,
                statement=outcome_spec.statement,
                horizon=outcome_spec.horizon,
                what_it_looks_like=outcome_spec.what_it_looks_like,
                position=self.outcome_position,
            )
            self._load_projects(
                outcome_spec.projects, priority=priority, outcome=outcome
            )
            self._load_measures(
                outcome_spec.measures, priority=priority, outcome=outcome
            )
        self._load_projects(projects, priority=priority, outcome=None)
        self._load_measures(measures, priority=priority, outcome=None)

    def _load_projects(self, projects, *, priority, outcome) -> None:
        for project_spec in projects:
            outcome_services.project_upsert(
                partnership=self.partnership,
                name=project_spec.name,
                priority=priority,
                outcome=outcome,
                description=project_spec.description,
                lead_organisation=self.organisations[project_spec.lead],
            )

    def _load_measures(self, measures, *, priority, outcome) -> None:
        for spec in measures:
            self.measure_position += 1
            measure = kpi_services.measure_upsert(
                partnership=self.partnership,
                code=spec.code,
                priority=priority,
                outcome=outcome,
                position=self.measure_position,
                name=spec.name,
                question=spec.question,
                value_type=spec.value_type,
                aggregation=spec.aggregation,
                unit=spec.unit,
                is_headline=spec.headline,
                annual_target=None if spec.target is None else Decimal(spec.target),
                baseline_period=self.baseline_period,
                definition=spec.definition,
                data_source=spec.data_source,
                breakdown_first=self.dimensions.get(spec.breakdown[0])
                if spec.breakdown
                else None,
                breakdown_second=self.dimensions.get(spec.breakdown[1])
                if len(spec.breakdown) > 1
                else None,
            )
            lead = self.lead if _is_lead_measure(self.partnership, spec) else self.admin
            kpi_services.measure_assign_lead(
                partnership=self.partnership, measure=measure, user=lead
            )


def _is_lead_measure(partnership: Partnership, spec: MeasureSpec) -> bool:
    return (partnership.slug, spec.project) == LEAD_PROJECT


def measure_specs(spec: PartnershipSpec) -> dict[str, MeasureSpec]:
    """Every measure of the partnership, by code."""
    groups = [(spec.outcomes, spec.measures)] + [
        (priority.outcomes, priority.measures) for priority in spec.priorities
    ]
    return {
        measure.code: measure
        for outcomes, measures in groups
        for measure in [*measures, *(m for o in outcomes for m in o.measures)]
    }


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
    created = 0
    others = 0
    categories: dict[int, list[DimensionCategory]] = {}
    for category in DimensionCategory.objects.filter(partnership=partnership):
        categories.setdefault(category.dimension_id, []).append(category)
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
        if not _is_lead_measure(partnership, measure_spec):
            fill_current = others % 2 == 0
            others += 1
        series = _demo_series(
            measure_spec, slug=spec.slug, quarters=quarters if fill_current else history
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
            kpi_recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=actor,
                value=figures.value,
                numerator=figures.numerator,
                denominator=figures.denominator,
                story=figures.story,
                breakdown=_demo_breakdown(
                    measure,
                    figures,
                    categories,
                    key=f"{spec.slug}/{measure.code}/{period.year}-{period.quarter}",
                ),
            )
            done = done or figures.value == 1
            created += 1
    return created


def _demo_breakdown(
    measure: PerformanceMeasure,
    figures: Figures,
    categories: dict[int, list[DimensionCategory]],
    *,
    key: str,
) -> dict[str, int]:
    """Split a count over its (one) breakdown dimension's categories.

    Exhaustive: every count lands in exactly one category. Otherwise about a
    fifth belong to none the strategy names.
    """
    dimension = measure.breakdown_first
    if dimension is None or figures.value is None:
        return {}
    rng = random.Random(key)
    own = categories.get(dimension.pk, [])
    total = int(figures.value)
    counted = total if dimension.is_exhaustive else round(total * 0.8)
    cells = {str(category.pk): 0 for category in own}
    weights = [rng.uniform(0.5, 2.0) for _category in own]
    for _person in range(counted):
        chosen = rng.choices(own, weights=weights)[0]
        cells[str(chosen.pk)] += 1
    return cells


def _demo_series(
    spec: MeasureSpec, *, slug: str, quarters: list[Quarter]
) -> list[Figures]:
    profile = random.Random(f"{slug}/{spec.code}")
    pace = profile.choice(PACES)
    done_quarter = spec.done_quarter
    if done_quarter is None and profile.random() < 0.8:
        done_quarter = profile.randint(1, QUARTERS_OF_HISTORY)
    base_percentage = (
        spec.target * pace if spec.target is not None else profile.uniform(55, 85)
    )
    series = []
    for index, quarter in enumerate(quarters):
        rng = random.Random(f"{slug}/{spec.code}/{quarter.year}-Q{quarter.quarter}")
        if spec.value_type == ValueType.MILESTONE:
            figures = _milestone_figures(rng, index=index, done_quarter=done_quarter)
        elif spec.value_type == ValueType.COUNT:
            figures = _count_figures(rng, spec, index=index, pace=pace)
        else:
            figures = _ratio_figures(
                rng, spec, index=index, base_percentage=base_percentage
            )
        series.append(figures)
    return series


def _stochastic_round(rng: random.Random, number: float) -> int:
    whole = int(number)
    return max(0, whole + (rng.random() < number - whole))


def _with_story(rng: random.Random, sentence: str, **numbers) -> str:
    if rng.random() < 0.5:
        return f"{DEMO_LABEL} {sentence.format(**numbers)}"
    return DEMO_LABEL


def _count_figures(
    rng: random.Random, spec: MeasureSpec, *, index: int, pace: float
) -> Figures:
    if spec.aggregation == Aggregation.SUM:
        if spec.target is not None:
            planned = spec.target / 4
            expected = planned * pace
        else:
            planned = spec.demo_size * (1 + 0.04 * index)
            expected = planned
        value = _stochastic_round(rng, expected * rng.uniform(0.6, 1.4))
    else:
        # A level that builds up over the two years towards the target.
        size = spec.target * pace if spec.target is not None else spec.demo_size
        planned = size * (0.65 + 0.05 * index)
        value = max(0, round(planned * rng.uniform(0.95, 1.05)))
    if value > planned * 1.15:
        pool = STORIES_AHEAD
    elif value < planned * 0.85:
        pool = STORIES_BEHIND
    else:
        pool = STORIES_STEADY
    return Figures(value=Decimal(value), story=_with_story(rng, rng.choice(pool)))


def _ratio_figures(
    rng: random.Random, spec: MeasureSpec, *, index: int, base_percentage: float
) -> Figures:
    size = spec.demo_size or 30
    denominator = max(1, round(size * rng.uniform(0.7, 1.3)))
    percentage = min(98.0, max(5.0, base_percentage + 0.5 * index + rng.gauss(0, 5)))
    numerator = min(denominator, max(0, round(denominator * percentage / 100)))
    pool = (*STORIES_RATIO, STORY_RATIO_SMALL) if denominator < 10 else STORIES_RATIO
    story = _with_story(
        rng, rng.choice(pool), numerator=numerator, denominator=denominator
    )
    return Figures(
        numerator=Decimal(numerator), denominator=Decimal(denominator), story=story
    )


def _milestone_figures(
    rng: random.Random, *, index: int, done_quarter: int | None
) -> Figures:
    done = done_quarter is not None and index >= done_quarter
    if done_quarter is not None and index == done_quarter:
        story = f"{DEMO_LABEL} {STORY_MILESTONE_DONE}"
    elif done:
        story = DEMO_LABEL
    else:
        story = _with_story(rng, rng.choice(STORIES_MILESTONE_PENDING))
    return Figures(value=Decimal(int(done)), story=story)


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
