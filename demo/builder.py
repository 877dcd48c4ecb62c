"""One builder of partnership frameworks from a spec (``demo.specs``).

The demo, the benchmarks and the tests' framework factories all build their
partnerships here: the partnership, its organisations and members, mission,
breakdown dimensions, priorities, outcomes, projects and measures, each
through its app's service, so every rule those services hold applies. Every
write is an upsert by natural key, so building the same spec twice changes
nothing. Figures are not part of a framework: see ``demo.values``.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from kpis import services as kpi_services
from kpis.models import Dimension, PerformanceMeasure, Period
from kpis.periods import Quarter
from outcomes import services as outcome_services
from outcomes.models import Outcome, Priority
from partnerships import services as partnership_services
from partnerships.models import Organisation, Partnership, User

from .specs import MeasureSpec, OutcomeSpec, PartnershipSpec, ProjectSpec


@dataclass(frozen=True)
class Member:
    """A person to give a role in the partnership (``organisation`` by name)."""

    user: User
    role: str
    organisation: str = ""


@dataclass
class Framework:
    """What the builder made, by the spec's names and codes."""

    partnership: Partnership
    organisations: dict[str, Organisation] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    priorities: dict[str, Priority] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    measures: dict[str, PerformanceMeasure] = field(default_factory=dict)


def _number(number: int | float | None) -> Decimal | None:
    # Through str, so 7.5 is 7.5 and not its binary neighbour.
    return None if number is None else Decimal(str(number))


def framework_build(
    spec: PartnershipSpec,
    *,
    is_demo: bool = False,
    members: Iterable[Member] = (),
    measure_lead: Callable[[MeasureSpec], User | None] | None = None,
) -> Framework:
    """Build (or bring up to date) the partnership ``spec`` describes.

    ``members`` are granted their roles before any measure is made, so
    ``measure_lead`` (which says who leads each measure, or nobody) can name
    any of them. Outcomes and measures are numbered in document order: the
    work under no priority first, then each priority's.
    """
    partnership = Partnership.objects.filter(
        slug=spec.slug
    ).first() or partnership_services.partnership_create(
        name=spec.name,
        slug=spec.slug,
        reporting_year_start_month=spec.reporting_year_start_month,
        is_demo=is_demo,
    )
    built = Framework(partnership=partnership)
    for name in spec.organisations:
        built.organisations[name] = Organisation.objects.filter(
            partnership=partnership, name=name
        ).first() or partnership_services.organisation_create(
            partnership=partnership, name=name
        )
    for member in members:
        partnership_services.membership_grant(
            partnership=partnership,
            user=member.user,
            role=member.role,
            organisation=built.organisations.get(member.organisation),
        )
    partnership_services.partnership_welsh_status_set(
        partnership=partnership, status=spec.welsh_status
    )
    outcome_services.mission_set(
        partnership=partnership,
        statement=spec.mission_statement,
        target_year=spec.mission_target_year,
        description=spec.mission_description,
        welsh={
            "statement": spec.mission_statement_cy,
            "description": spec.mission_description_cy,
        },
    )
    for position, dimension in enumerate(spec.dimensions):
        built.dimensions[dimension.name] = kpi_services.dimension_upsert(
            partnership=partnership,
            name=dimension.name,
            categories=list(dimension.categories),
            is_exhaustive=dimension.exhaustive,
            position=position,
            welsh_name=dimension.name_cy,
            welsh_categories=list(dimension.categories_cy),
        )
    group = _GroupBuilder(spec, built=built, measure_lead=measure_lead)
    group.build(
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
            welsh={
                "name": priority_spec.name_cy,
                "mission_statement": priority_spec.mission_statement_cy,
            },
        )
        built.priorities[priority_spec.name] = priority
        group.build(
            priority=priority,
            outcomes=priority_spec.outcomes,
            projects=priority_spec.projects,
            measures=priority_spec.measures,
        )
    return built


def _holds(measure: PerformanceMeasure, fields: dict, welsh: dict) -> bool:
    """Whether the stored measure already has these field values and texts."""
    for name, wanted in welsh.items():
        if (getattr(measure, f"{name}_cy") or "") != wanted:
            return False
    for name, wanted in fields.items():
        model_field = PerformanceMeasure._meta.get_field(name)
        if model_field.is_relation:
            held = getattr(measure, model_field.attname)
            wanted = getattr(wanted, "pk", None)
        else:
            held = getattr(measure, f"{name}_en", getattr(measure, name))
            if held is None and wanted == "":
                held = ""
        if held != wanted:
            return False
    return True


class _GroupBuilder:
    """Outcomes, projects and measures of one priority (or of none)."""

    def __init__(self, spec: PartnershipSpec, *, built: Framework, measure_lead):
        self.spec = spec
        self.built = built
        self.partnership = built.partnership
        self.measure_lead = measure_lead
        self.outcome_position = 0
        self.measure_position = 0
        self.baseline_periods: dict[datetime.date, Period] = {}

    def build(self, *, priority, outcomes: Iterable[OutcomeSpec], projects, measures):
        for outcome_spec in outcomes:
            self.outcome_position += 1
            outcome = outcome_services.outcome_upsert(
                partnership=self.partnership,
                priority=priority,
                statement=outcome_spec.statement,
                horizon=outcome_spec.horizon,
                what_it_looks_like=outcome_spec.what_it_looks_like,
                position=self.outcome_position,
                welsh={
                    "statement": outcome_spec.statement_cy,
                    "what_it_looks_like": outcome_spec.what_it_looks_like_cy,
                },
            )
            self.built.outcomes.append(outcome)
            self._projects(outcome_spec.projects, priority=priority, outcome=outcome)
            self._measures(outcome_spec.measures, priority=priority, outcome=outcome)
        self._projects(projects, priority=priority, outcome=None)
        self._measures(measures, priority=priority, outcome=None)

    def _projects(self, projects: Iterable[ProjectSpec], *, priority, outcome):
        for project_spec in projects:
            outcome_services.project_upsert(
                partnership=self.partnership,
                name=project_spec.name,
                priority=priority,
                outcome=outcome,
                description=project_spec.description,
                lead_organisation=self.built.organisations[project_spec.lead],
                welsh={
                    "name": project_spec.name_cy,
                    "description": project_spec.description_cy,
                },
            )

    def _baseline_period(self, spec: MeasureSpec) -> Period | None:
        day = spec.baseline_day or self.spec.baseline_day
        if day is None:
            return None
        if day not in self.baseline_periods:
            self.baseline_periods[day] = kpi_services.period_get_or_create(
                partnership=self.partnership,
                quarter=Quarter.containing(
                    day, self.partnership.reporting_year_start_month
                ),
            )
        return self.baseline_periods[day]

    def _measures(self, measures: Iterable[MeasureSpec], *, priority, outcome):
        dimensions = self.built.dimensions
        measures = list(measures)
        # A measure that already holds its spec is left as it is: building
        # the same spec again (the demo's second load) writes nothing.
        stored = {
            measure.code: measure
            for measure in PerformanceMeasure.objects.filter(
                partnership=self.partnership, code__in=[m.code for m in measures]
            )
        }
        for spec in measures:
            self.measure_position += 1
            breakdown = [dimensions[name] for name in spec.breakdown]
            fields = dict(
                priority=priority,
                outcome=outcome,
                position=self.measure_position,
                name=spec.name,
                question=spec.question,
                value_type=spec.value_type,
                aggregation=spec.aggregation,
                unit=spec.unit,
                direction=spec.direction,
                is_headline=spec.headline,
                annual_target=_number(spec.target),
                baseline_value=_number(spec.baseline_value),
                baseline_period=self._baseline_period(spec),
                definition=spec.definition,
                data_source=spec.data_source,
                breakdown_first=breakdown[0] if breakdown else None,
                breakdown_second=breakdown[1] if len(breakdown) > 1 else None,
            )
            welsh = {
                "name": spec.name_cy,
                "unit": spec.unit_cy,
                "definition": spec.definition_cy,
                "data_source": spec.data_source_cy,
            }
            measure = stored.get(spec.code)
            if measure is None or not _holds(measure, fields, welsh):
                measure = kpi_services.measure_upsert(
                    partnership=self.partnership, code=spec.code, welsh=welsh, **fields
                )
            self.built.measures[spec.code] = measure
            lead = self.measure_lead(spec) if self.measure_lead else None
            if lead is not None:
                kpi_services.measure_assign_lead(
                    partnership=self.partnership, measure=measure, user=lead
                )
