"""A measure or project under an outcome sits under the outcome's priority.

The services derive the priority from the outcome and refuse a mismatch; the
database refuses one from any other path and carries measures and projects
along when their outcome moves to another priority.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from kpis.models import Aggregation, PerformanceMeasure, Question, ValueType
from kpis.services import measure_upsert
from outcomes.models import Outcome, Project
from outcomes.services import project_upsert
from tests.factories import (
    MeasureFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

MEASURE = {
    "name": "Events held",
    "question": Question.HOW_MUCH,
    "value_type": ValueType.COUNT,
    "aggregation": Aggregation.SUM,
}


@pytest.fixture
def framework():
    partnership = PartnershipFactory()
    outcome = OutcomeFactory(partnership=partnership, statement="People keep well")
    other = PriorityFactory(partnership=partnership, name="Learning")
    return partnership, outcome, other


def refused():
    """The database's refusal (each inside its own savepoint, so the test goes on)."""
    return pytest.raises(IntegrityError, match="sits under its outcome's priority")


def test_measure_upsert_takes_the_priority_from_the_outcome(framework):
    partnership, outcome, other = framework
    measure = measure_upsert(
        partnership=partnership, code="M1", outcome=outcome, **MEASURE
    )
    assert measure.priority == outcome.priority
    # Moved under another outcome, it follows that outcome's priority.
    elsewhere = OutcomeFactory(partnership=partnership, priority=other)
    measure = measure_upsert(partnership=partnership, code="M1", outcome=elsewhere)
    assert measure.priority == other
    # Under no outcome, it keeps the priority it is given.
    measure = measure_upsert(
        partnership=partnership, code="M1", outcome=None, priority=outcome.priority
    )
    assert (measure.outcome, measure.priority) == (None, outcome.priority)


def test_measure_upsert_refuses_a_priority_that_is_not_the_outcome_s(framework):
    partnership, outcome, other = framework
    with pytest.raises(ValidationError) as error:
        measure_upsert(
            partnership=partnership,
            code="M1",
            outcome=outcome,
            priority=other,
            **MEASURE,
        )
    assert error.value.message_dict == {
        "priority": [
            f"The outcome “People keep well” is under the priority "
            f"“{outcome.priority.name}”: choose that priority (or leave it "
            "empty), or choose another outcome."
        ]
    }
    assert not PerformanceMeasure.objects.filter(code="M1").exists()
    loose = OutcomeFactory(partnership=partnership, priority=None, statement="Loose")
    with pytest.raises(ValidationError, match="is under no priority"):
        measure_upsert(
            partnership=partnership,
            code="M1",
            name="Events",
            outcome=loose,
            priority=other,
        )


def test_project_upsert_takes_and_checks_the_outcome_s_priority(framework):
    partnership, outcome, other = framework
    project = project_upsert(partnership=partnership, name="Taster", outcome=outcome)
    assert project.priority == outcome.priority
    with pytest.raises(ValidationError, match="is under the priority"):
        project_upsert(
            partnership=partnership, name="Taster", outcome=outcome, priority=other
        )
    project.refresh_from_db()
    assert project.priority == outcome.priority


def test_the_database_refuses_a_measure_under_two_priorities(framework):
    partnership, outcome, other = framework
    measure = MeasureFactory(partnership=partnership, outcome=outcome)
    mismatched = PerformanceMeasure.objects.filter(pk=measure.pk)
    with refused(), transaction.atomic():
        mismatched.update(priority=other)
    with refused(), transaction.atomic():
        mismatched.update(priority=None)
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kpis_performancemeasure SET priority_id = %s WHERE id = %s",
            [other.pk, measure.pk],
        )
    with refused(), transaction.atomic():
        MeasureFactory(partnership=partnership, outcome=outcome, priority=other)
    loose = OutcomeFactory(partnership=partnership, priority=None)
    with refused(), transaction.atomic():
        mismatched.update(outcome=loose)
    measure.refresh_from_db()
    assert (measure.outcome, measure.priority) == (outcome, outcome.priority)
    # Both together, or a measure under no outcome, are fine.
    mismatched.update(outcome=loose, priority=None)
    mismatched.update(outcome=None, priority=other)


def test_the_database_refuses_a_project_under_two_priorities(framework):
    partnership, outcome, other = framework
    project = ProjectFactory(
        partnership=partnership, outcome=outcome, priority=outcome.priority
    )
    with refused(), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(priority=other)
    with refused(), transaction.atomic():
        ProjectFactory(partnership=partnership, outcome=outcome, priority=None)


def test_moving_an_outcome_carries_its_measures_and_projects(framework):
    partnership, outcome, other = framework
    first = outcome.priority
    measures = MeasureFactory.create_batch(2, partnership=partnership, outcome=outcome)
    project = ProjectFactory(partnership=partnership, outcome=outcome, priority=first)
    bystander = MeasureFactory(partnership=partnership, outcome=None, priority=first)

    Outcome.objects.filter(pk=outcome.pk).update(priority=other)
    for measure in measures:
        measure.refresh_from_db()
        assert measure.priority == other
    project.refresh_from_db()
    assert project.priority == other
    bystander.refresh_from_db()
    assert bystander.priority == first

    # To no priority and back again.
    Outcome.objects.filter(pk=outcome.pk).update(priority=None)
    assert not PerformanceMeasure.objects.filter(
        outcome=outcome, priority__isnull=False
    ).exists()
    Outcome.objects.filter(pk=outcome.pk).update(priority=first)
    assert set(
        PerformanceMeasure.objects.filter(outcome=outcome).values_list(
            "priority", flat=True
        )
    ) == {first.pk}
    project.refresh_from_db()
    assert project.priority == first


def test_the_admin_form_explains_a_mismatch(framework):
    partnership, outcome, other = framework
    measure = MeasureFactory.build(
        partnership=partnership, outcome=outcome, priority=other
    )
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "is under the priority" in error.value.message_dict["priority"][0]
