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
def import_storage(settings, tmp_path):
    """Uploads go to a fresh folder for each test."""
    location = tmp_path / "imports"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


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
