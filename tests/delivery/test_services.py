"""Actions and their quarterly updates: who writes them, the review cycle, the lock.

Against the real PostgreSQL: the lock guard, the approval lapsing on change,
the composite keys and the history are the database's.
"""

import pghistory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from delivery import services
from delivery.models import ActionStatus, ActionUpdate
from kpis import review
from kpis.models import ReviewStatus
from tests.delivery.helpers import Q2, make_plan, write_update
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return make_plan()


def test_an_action_has_its_lead_agencies_outcomes_and_quarters(plan):
    action = plan.action
    assert {o.name for o in action.lead_agencies.all()} == {"WMDC", "NHSWD"}
    assert list(action.outcomes.all()) == [plan.outcome]
    assert action.lead_person == plan.lead
    assert action.start_period.as_quarter == Q2.previous()
    assert action.due_period.as_quarter == Q2.next()


def test_only_admins_create_actions(plan):
    for actor in (plan.lead, plan.viewer):
        with pytest.raises(PermissionDenied):
            services.action_create(
                partnership=plan.partnership,
                actor=actor,
                fields=services.ActionFields(name="Another"),
            )


def test_an_action_refuses_another_partnerships_organisation_and_a_stranger(plan):
    theirs = OrganisationFactory(partnership=PartnershipFactory(), name="Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.action_create(
            partnership=plan.partnership,
            actor=plan.admin,
            fields=services.ActionFields(name="X", lead_agency_ids=(theirs.pk,)),
        )
    assert "lead_agencies" in error.value.message_dict
    other = make_plan()
    with pytest.raises(ValidationError) as error:
        services.action_create(
            partnership=plan.partnership,
            actor=plan.admin,
            fields=services.ActionFields(name="X", lead_person_id=other.lead.pk),
        )
    assert "lead_person" in error.value.message_dict


def test_the_due_quarter_cannot_come_before_the_start(plan):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            partnership=plan.partnership,
            actor=plan.admin,
            fields=services.ActionFields(
                name="X", start_quarter=Q2, due_quarter=Q2.previous()
            ),
        )
    assert "due_quarter" in error.value.message_dict


def test_the_lead_writes_an_update_and_the_action_takes_its_status(plan):
    update = write_update(plan)
    assert update.review_status == ReviewStatus.DRAFT
    assert update.risks[0]["rating"] == "high"
    assert update.next_steps == [
        {"step": "Negotiations commenced with IT", "timescale": "Q3"}
    ]
    plan.action.refresh_from_db()
    assert plan.action.status == ActionStatus.AT_RISK


def test_an_earlier_quarters_update_leaves_the_actions_status(plan):
    write_update(plan, status=ActionStatus.ON_TRACK)
    write_update(plan, quarter=Q2.previous(), status=ActionStatus.OFF_TRACK)
    plan.action.refresh_from_db()
    assert plan.action.status == ActionStatus.ON_TRACK


def test_a_viewer_and_another_lead_cannot_write_the_update(plan):
    other = make_plan(plan.partnership, name="Training of community researchers")
    with pytest.raises(PermissionDenied):
        write_update(plan, plan.viewer)
    with pytest.raises(PermissionDenied):
        write_update(plan, other.lead)
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"progress": "  "}, "progress"),
        ({"status": "stalled"}, "status"),
        ({"risks": [{"risk": "Funding", "rating": "dire"}]}, "risks"),
        ({"risks": [{"risk": "", "rating": "low"}]}, "risks"),
        ({"next_steps": [{"step": "x" * 1001, "timescale": ""}]}, "next_steps"),
    ],
)
def test_bad_updates_say_which_field_and_save_nothing(plan, fields, key):
    with pytest.raises(ValidationError) as error:
        write_update(plan, **fields)
    assert key in error.value.message_dict
    assert not ActionUpdate.objects.exists()


def test_empty_risk_and_step_rows_are_dropped(plan):
    update = write_update(
        plan,
        risks=[{"risk": "", "rating": ""}],
        next_steps=[{"step": "", "timescale": ""}],
    )
    assert update.risks == [] and update.next_steps == []


def test_the_quarter_submit_includes_the_leads_updates(plan):
    write_update(plan)
    result = review.quarter_submit(
        partnership=plan.partnership, quarter=Q2, actor=plan.lead
    )
    assert result.others == {"action_updates": 1}
    assert result.messages() == ["Submitted 1 action update for review."]
    update = ActionUpdate.objects.get()
    assert update.review_status == ReviewStatus.SUBMITTED
    assert update.submitted_by == plan.lead
    # Submitted: the lead can no longer change it; an admin can.
    with pytest.raises(ValidationError):
        write_update(plan, progress="Changed")
    with pytest.raises(ValidationError, match="nothing new to submit"):
        review.quarter_submit(partnership=plan.partnership, quarter=Q2, actor=plan.lead)


def test_return_approve_and_lock(plan):
    update = write_update(plan)
    review.quarter_submit(partnership=plan.partnership, quarter=Q2, actor=plan.lead)
    with pytest.raises(PermissionDenied):
        services.action_update_approve(
            partnership=plan.partnership, update_id=update.pk, actor=plan.lead
        )
    with pytest.raises(ValidationError) as error:
        services.action_update_return(
            partnership=plan.partnership,
            update_id=update.pk,
            actor=plan.admin,
            reason="",
        )
    assert "reason" in error.value.message_dict
    returned = services.action_update_return(
        partnership=plan.partnership,
        update_id=update.pk,
        actor=plan.admin,
        reason="Say when IT will answer.",
    )
    assert returned.review_status == ReviewStatus.RETURNED
    # The lock waits for the update.
    with pytest.raises(ValidationError, match="1 action update of .* not approved"):
        review.period_lock(partnership=plan.partnership, quarter=Q2, actor=plan.admin)
    write_update(plan, next_steps=[{"step": "IT to answer", "timescale": "March"}])
    review.quarter_submit(partnership=plan.partnership, quarter=Q2, actor=plan.lead)
    approved = services.action_update_approve(
        partnership=plan.partnership, update_id=update.pk, actor=plan.admin
    )
    assert approved.review_status == ReviewStatus.APPROVED
    review.period_lock(partnership=plan.partnership, quarter=Q2, actor=plan.admin)

    # Locked: no service and no path changes it.
    with pytest.raises(ValidationError, match="is locked"):
        write_update(plan, plan.admin, progress="Changed after the lock")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionUpdate.objects.filter(pk=update.pk).update(progress="Raw change")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionUpdate.objects.filter(pk=update.pk).delete()
    update.refresh_from_db()
    assert update.progress.startswith("Agreement across partners")


def test_an_admins_change_to_an_approved_update_needs_approving_again(plan):
    update = write_update(plan)
    review.quarter_submit(partnership=plan.partnership, quarter=Q2, actor=plan.lead)
    services.action_update_approve(
        partnership=plan.partnership, update_id=update.pk, actor=plan.admin
    )
    ActionUpdate.objects.filter(pk=update.pk).update(progress="Edited in the admin")
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.SUBMITTED


def test_the_updates_history_is_kept(plan):
    with pghistory.context(path="test"):
        update = write_update(plan)
        write_update(plan, progress="Second version")
    events = list(update.events.order_by("pgh_id").values_list("progress", flat=True))
    assert events == [
        "Agreement across partners to adopt VOICE standards.",
        "Second version",
    ]


def test_another_partnerships_update_cannot_be_reviewed(plan):
    other = make_plan()
    update = write_update(other)
    with pytest.raises(ActionUpdate.DoesNotExist):
        services.action_update_approve(
            partnership=plan.partnership, update_id=update.pk, actor=plan.admin
        )
