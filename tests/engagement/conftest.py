"""A partnership with a year from April (as Wakefield Together's), two
partner organisations, a "Community" dimension and one standard, and its
people: an admin, a lead of each organisation, a steering-group member."""

import datetime
from dataclasses import dataclass

import pytest

from engagement.models import ActivityStatus, ContinuumLevel, EngagementStandard
from engagement.services import ActivityInput, activity_create
from partnerships.models import Role
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)


@dataclass
class Log:
    partnership: object
    council: object
    health: object
    admin: object
    council_lead: object
    health_lead: object
    viewer: object
    eastmoor: object
    warwick: object
    young_people: object
    standard: object

    def activity(self, actor=None, **fields):
        data = {
            "title": "Drop-in",
            "starts_on": datetime.date(2026, 5, 4),
            "ends_on": datetime.date(2026, 5, 4),
            "level": ContinuumLevel.FORUMS_FOR_DEBATE,
            "status": ActivityStatus.HELD,
            "participants": 10,
            "organisation_ids": [self.council.pk],
        }
        data.update(fields)
        return activity_create(
            partnership=self.partnership,
            actor=actor or self.admin,
            data=ActivityInput(**data),
        )


@pytest.fixture
def log(db, clock):
    return make_log()


def make_log() -> Log:
    partnership = PartnershipFactory(
        name="Wakeley Together", reporting_year_start_month=4
    )
    council = OrganisationFactory(partnership=partnership, name="Council")
    health = OrganisationFactory(partnership=partnership, name="Health board")

    def member(role, organisation=None):
        return MembershipFactory(
            partnership=partnership, role=role, organisation=organisation
        ).user

    community = DimensionFactory(partnership=partnership, name="Community")
    age = DimensionFactory(partnership=partnership, name="Age group")
    return Log(
        partnership=partnership,
        council=council,
        health=health,
        admin=member(Role.ADMIN),
        council_lead=member(Role.LEAD, council),
        health_lead=member(Role.LEAD, health),
        viewer=member(Role.VIEWER, council),
        eastmoor=DimensionCategoryFactory(dimension=community, name="Eastmoor"),
        warwick=DimensionCategoryFactory(dimension=community, name="Warwick"),
        young_people=DimensionCategoryFactory(dimension=age, name="Under 25"),
        standard=EngagementStandard.objects.create(
            partnership=partnership, name="Feedback given"
        ),
    )
