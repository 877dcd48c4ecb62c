"""A small partnership with an action plan, for the delivery tests."""

from types import SimpleNamespace

from delivery import services
from delivery.models import ActionStatus
from kpis import services as kpi_services
from kpis.periods import Quarter
from partnerships.models import Organisation, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)

# With the factories' September start, 2024/25 Q2 runs December to February.
Q2 = Quarter(2024, 2, 9)
Q1 = Q2.previous()


def member(partnership, role, **fields):
    return MembershipFactory(partnership=partnership, role=role, **fields).user


def make_plan(partnership=None, *, name="Develop a community engagement data base"):
    partnership = partnership or PartnershipFactory()
    admin = member(partnership, Role.ADMIN)
    lead = member(partnership, Role.LEAD)
    priority = PriorityFactory(partnership=partnership)
    outcome = OutcomeFactory(partnership=partnership, priority=priority)
    wmdc, nhswd = (
        Organisation.objects.filter(partnership=partnership, name=name).first()
        or OrganisationFactory(partnership=partnership, name=name)
        for name in ("WMDC", "NHSWD")
    )
    action = services.action_create(
        partnership=partnership,
        actor=admin,
        fields=services.ActionFields(
            name=name,
            priority_id=priority.pk,
            lead_agency_ids=(wmdc.pk, nhswd.pk),
            lead_person_id=lead.pk,
            start_quarter=Q1,
            due_quarter=Q2.next(),
            status=ActionStatus.ON_TRACK,
            outcome_ids=(outcome.pk,),
        ),
    )
    return SimpleNamespace(
        partnership=partnership,
        admin=admin,
        lead=lead,
        viewer=member(partnership, Role.VIEWER),
        priority=priority,
        outcome=outcome,
        wmdc=wmdc,
        nhswd=nhswd,
        action=action,
        period=kpi_services.period_get_or_create(partnership=partnership, quarter=Q2),
    )


def write_update(plan, actor=None, *, quarter=Q2, **fields):
    values = {
        "status": ActionStatus.AT_RISK,
        "progress": "Agreement across partners to adopt VOICE standards.",
        "risks": [
            {
                "risk": "IT problems identified re multi-agency input and access "
                "to joint data base.",
                "rating": "high",
            }
        ],
        "next_steps": [{"step": "Negotiations commenced with IT", "timescale": "Q3"}],
    }
    values.update(fields)
    return services.action_update_save(
        partnership=plan.partnership,
        action=plan.action,
        quarter=quarter,
        actor=actor or plan.lead,
        **values,
    )
