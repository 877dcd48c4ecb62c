"""A demo partnership's framework as the framework spreadsheet's sheets.

The filled example shipped in docs/import/ (and downloadable from the Import
and export page) is seed 001's action plan (Wrexham County Borough
Council's Community Cohesion Strategy 2011–14) as the demo models it
(``data/community_cohesion.toml``), written into exchange's template.
``scripts/make-import-examples.py`` writes the shipped files; a test holds
them to what this code makes.
"""

from decimal import Decimal

from exchange.framework import (
    MEASURES,
    MISSION,
    OUTCOMES,
    PRIORITIES,
    WIDTHS,
    sheet_name,
)
from exchange.kinds import AGGREGATIONS, DIRECTIONS, HORIZONS, KINDS, QUESTIONS
from exchange.parsing import headers, yes_no
from exchange.spreadsheets import SheetSpec

from .specs import MeasureSpec, PartnershipSpec


def _measure_row(spec: MeasureSpec, *, priority: str, outcome: str) -> list:
    return [
        spec.code,
        spec.name,
        QUESTIONS.labels[spec.question],
        KINDS.labels[spec.value_type],
        spec.unit,
        DIRECTIONS.labels[spec.direction],
        AGGREGATIONS.labels[spec.aggregation],
        Decimal(str(spec.target)) if spec.target is not None else None,
        Decimal(str(spec.baseline_value)) if spec.baseline_value is not None else None,
        priority,
        outcome,
        yes_no(spec.headline),
        spec.definition,
        spec.data_source,
        "",  # Due quarter: the demo's are counted from its history, not fixed.
        spec.name_cy,
        spec.unit_cy,
        spec.definition_cy,
        spec.data_source_cy,
        yes_no(True),
    ]


def example_sheets(spec: PartnershipSpec) -> list[SheetSpec]:
    """A PartnershipSpec's framework, sheet by sheet."""
    priorities, outcomes, measures = [], [], []

    def add_outcomes(outcome_specs, priority_name: str) -> None:
        for outcome in outcome_specs:
            outcomes.append(
                [
                    outcome.statement,
                    priority_name,
                    HORIZONS.labels[outcome.horizon],
                    outcome.what_it_looks_like,
                    outcome.statement_cy,
                    outcome.what_it_looks_like_cy,
                ]
            )
            for measure in outcome.measures:
                measures.append(
                    _measure_row(
                        measure, priority=priority_name, outcome=outcome.statement
                    )
                )

    for priority in spec.priorities:
        priorities.append(
            [
                priority.name,
                priority.mission_statement,
                priority.name_cy,
                priority.mission_statement_cy,
            ]
        )
        add_outcomes(priority.outcomes, priority.name)
        for measure in priority.measures:
            measures.append(_measure_row(measure, priority=priority.name, outcome=""))
    add_outcomes(spec.outcomes, "")
    for measure in spec.measures:
        measures.append(_measure_row(measure, priority="", outcome=""))
    mission = [
        [
            spec.mission_statement,
            spec.mission_target_year,
            spec.mission_description,
            spec.mission_statement_cy,
            spec.mission_description_cy,
        ]
    ]
    # Sheet names and headers in the active language, as the template's.
    return [
        SheetSpec(sheet_name("Mission"), headers(MISSION), mission, WIDTHS["Mission"]),
        SheetSpec(
            sheet_name("Priorities"),
            headers(PRIORITIES),
            priorities,
            WIDTHS["Priorities"],
        ),
        SheetSpec(
            sheet_name("Outcomes"), headers(OUTCOMES), outcomes, WIDTHS["Outcomes"]
        ),
        SheetSpec(
            sheet_name("Measures"), headers(MEASURES), measures, WIDTHS["Measures"]
        ),
    ]


def community_cohesion_example() -> list[SheetSpec]:
    from .loader import partnership_spec

    return example_sheets(partnership_spec("wrexham-community-cohesion"))
