"""The framework template and a filled example, as shipped in docs/import/.

The example is seed 001's action plan (Wrexham County Borough Council's
Community Cohesion Strategy 2011–14) as the demo models it
(``partnerships.demo.COMMUNITY_COHESION``), written into the template.
``scripts/make-import-examples.py`` writes both files; a test holds the
shipped files to what this code makes.
"""

from decimal import Decimal

from .framework import MEASURES, MISSION, OUTCOMES, PRIORITIES, WIDTHS
from .kinds import AGGREGATIONS, DIRECTIONS, HORIZONS, KINDS, QUESTIONS
from .spreadsheets import SheetSpec


def _measure_row(spec, *, priority: str, outcome: str) -> list:
    return [
        spec.code,
        spec.name,
        QUESTIONS.labels[spec.question],
        KINDS.labels[spec.value_type],
        spec.unit,
        DIRECTIONS.labels["up"],
        AGGREGATIONS.labels[spec.aggregation],
        Decimal(spec.target) if spec.target is not None else None,
        None,
        priority,
        outcome,
        "yes" if spec.headline else "no",
        spec.definition,
        spec.data_source,
    ]


def example_sheets(spec) -> list[SheetSpec]:
    """A demo PartnershipSpec's framework, sheet by sheet."""
    priorities, outcomes, measures = [], [], []

    def add_outcomes(outcome_specs, priority_name: str) -> None:
        for outcome in outcome_specs:
            outcomes.append(
                [
                    outcome.statement,
                    priority_name,
                    HORIZONS.labels[outcome.horizon],
                    outcome.what_it_looks_like,
                ]
            )
            for measure in outcome.measures:
                measures.append(
                    _measure_row(
                        measure, priority=priority_name, outcome=outcome.statement
                    )
                )

    for priority in spec.priorities:
        priorities.append([priority.name, priority.mission_statement])
        add_outcomes(priority.outcomes, priority.name)
        for measure in priority.measures:
            measures.append(_measure_row(measure, priority=priority.name, outcome=""))
    add_outcomes(spec.outcomes, "")
    for measure in spec.measures:
        measures.append(_measure_row(measure, priority="", outcome=""))
    mission = [
        [spec.mission_statement, spec.mission_target_year, spec.mission_description]
    ]
    return [
        SheetSpec("Mission", [c.header for c in MISSION], mission, WIDTHS["Mission"]),
        SheetSpec(
            "Priorities",
            [c.header for c in PRIORITIES],
            priorities,
            WIDTHS["Priorities"],
        ),
        SheetSpec(
            "Outcomes", [c.header for c in OUTCOMES], outcomes, WIDTHS["Outcomes"]
        ),
        SheetSpec(
            "Measures", [c.header for c in MEASURES], measures, WIDTHS["Measures"]
        ),
    ]


def community_cohesion_example() -> list[SheetSpec]:
    from partnerships.demo import COMMUNITY_COHESION

    return example_sheets(COMMUNITY_COHESION)
