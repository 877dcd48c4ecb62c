"""demo.builder: a partnership's framework from a spec, and the set-based writes."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from demo.builder import Member, framework_build
from demo.specs import (
    DimensionSpec,
    Figures,
    MeasureSpec,
    OutcomeSpec,
    PartnershipSpec,
    PrioritySpec,
    ProjectSpec,
)
from demo.values import (
    NewFigure,
    quarterly_values_bulk_approve,
    quarterly_values_bulk_create,
)
from kpis import services as kpi_services
from kpis.models import MeasureLead, PerformanceMeasure, QuarterlyValue, ReviewStatus
from kpis.periods import Quarter
from outcomes.models import Outcome, Priority, Project
from partnerships.models import Membership, Role
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _measure(code, **fields) -> MeasureSpec:
    return MeasureSpec(
        code=code,
        name=f"Measure {code}",
        question="how_much",
        value_type="count",
        aggregation="sum",
        **fields,
    )


SPEC = PartnershipSpec(
    name="Small Partnership",
    slug="small",
    reporting_year_start_month=4,
    mission_statement="Everyone thrives by 2030",
    mission_target_year=2030,
    mission_description="",
    organisations=("Council", "University"),
    dimensions=(DimensionSpec("Age group", ("Children", "Adults"), exhaustive=True),),
    measures=(_measure("Z1"),),
    priorities=(
        PrioritySpec(
            name="Learning",
            mission_statement="Open the university.",
            outcomes=(
                OutcomeSpec(
                    statement="More children take part",
                    horizon="short",
                    projects=(
                        ProjectSpec(
                            "Taster days", "Days at the university", "University"
                        ),
                    ),
                    measures=(
                        _measure("L1", target=100, breakdown=("Age group",)),
                        _measure("L2", target=7.5, direction="down", baseline_value=9),
                    ),
                ),
            ),
        ),
    ),
)


def test_a_spec_builds_its_framework_in_document_order():
    admin = UserFactory()
    built = framework_build(
        SPEC,
        members=[Member(user=admin, role=Role.ADMIN, organisation="Council")],
        measure_lead=lambda spec: admin if spec.code.startswith("L") else None,
    )
    partnership = built.partnership
    assert (partnership.slug, partnership.reporting_year_start_month) == ("small", 4)
    assert Membership.objects.get(partnership=partnership).organisation.name == (
        "Council"
    )
    assert list(Priority.objects.filter(partnership=partnership)) == [
        built.priorities["Learning"]
    ]
    assert Outcome.objects.get(partnership=partnership).priority.name == "Learning"
    project = Project.objects.get(partnership=partnership)
    assert project.lead_organisation.name == "University"
    measures = list(PerformanceMeasure.objects.filter(partnership=partnership))
    # The work under no priority first, then each priority's.
    assert [(m.code, m.position) for m in measures] == [("Z1", 1), ("L1", 2), ("L2", 3)]
    l1, l2 = built.measures["L1"], built.measures["L2"]
    assert l1.breakdown_first == built.dimensions["Age group"]
    assert (l2.annual_target, l2.baseline_value, l2.direction) == (
        Decimal("7.5"),
        Decimal(9),
        "down",
    )
    assert set(MeasureLead.objects.values_list("measure__code", flat=True)) == {
        "L1",
        "L2",
    }


def test_building_the_same_spec_twice_changes_nothing_and_a_change_is_applied():
    admin = UserFactory()
    members = [Member(user=admin, role=Role.ADMIN)]
    first = framework_build(SPEC, members=members)
    again = framework_build(SPEC, members=members)
    assert again.partnership == first.partnership
    assert PerformanceMeasure.objects.count() == 3
    assert {m.pk for m in again.measures.values()} == {
        m.pk for m in first.measures.values()
    }
    framework_build(
        replace(SPEC, measures=(_measure("Z1", target=12),)), members=members
    )
    assert PerformanceMeasure.objects.get(code="Z1").annual_target == 12


def test_figures_are_written_and_approved_set_based():
    admin = UserFactory()
    built = framework_build(SPEC, members=[Member(user=admin, role=Role.ADMIN)])
    partnership = built.partnership
    period = kpi_services.period_get_or_create(
        partnership=partnership, quarter=Quarter(2024, 1, 4)
    )
    written = quarterly_values_bulk_create(
        partnership=partnership,
        actor=admin,
        figures=[
            NewFigure(
                measure=built.measures[code],
                period=period,
                figures=Figures(value=Decimal(n), story=f" story {n} "),
            )
            for n, code in enumerate(("Z1", "L1", "L2"), start=1)
        ],
    )
    assert written == 3
    values = QuarterlyValue.objects.filter(partnership=partnership)
    assert set(values.values_list("status", "entered_by", "version")) == {
        (ReviewStatus.DRAFT, admin.pk, 1)
    }
    assert values.get(measure__code="Z1").story == "story 1"
    approved = quarterly_values_bulk_approve(
        partnership=partnership, periods=[period], actor=admin
    )
    assert approved == 3
    assert set(values.values_list("status", "reviewed_by")) == {
        (ReviewStatus.APPROVED, admin.pk)
    }


def test_the_set_based_writes_refuse_another_partnership_and_a_non_admin():
    admin = UserFactory()
    built = framework_build(SPEC, members=[Member(user=admin, role=Role.ADMIN)])
    other = PartnershipFactory()
    period = kpi_services.period_get_or_create(
        partnership=other, quarter=Quarter(2024, 1, other.reporting_year_start_month)
    )
    with pytest.raises(PermissionDenied):
        quarterly_values_bulk_create(
            partnership=other,
            actor=admin,
            figures=[
                NewFigure(
                    measure=built.measures["Z1"],
                    period=period,
                    figures=Figures(value=Decimal(1)),
                )
            ],
        )
    with pytest.raises(PermissionDenied):
        quarterly_values_bulk_approve(
            partnership=built.partnership, periods=[], actor=UserFactory()
        )
