import pytest

from kpis.models import Aggregation, ValueType
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(import_storage):
    """Every test here keeps its uploads in its own folder."""
    return import_storage


class World:
    """A partnership (September years) with an admin, a lead, a viewer and measures."""

    def __init__(self):
        self.partnership = PartnershipFactory(reporting_year_start_month=9)
        self.admin = UserFactory()
        self.lead = UserFactory()
        self.viewer = UserFactory()
        for user, role in (
            (self.admin, Role.ADMIN),
            (self.lead, Role.LEAD),
            (self.viewer, Role.VIEWER),
        ):
            MembershipFactory(partnership=self.partnership, user=user, role=role)
        p = self.partnership
        self.count = MeasureFactory(partnership=p, code="CU1", name="Schools")
        self.rate = MeasureFactory(
            partnership=p,
            code="CU2",
            name="Satisfied",
            value_type=ValueType.PERCENTAGE,
            aggregation=Aggregation.RATIO_OF_SUMS,
            annual_target=80,
        )
        self.other = MeasureFactory(partnership=p, code="KW1", name="Champions")
        MeasureLeadFactory(measure=self.count, user=self.lead)
        MeasureLeadFactory(measure=self.rate, user=self.lead)


@pytest.fixture
def world(db):
    return World()
