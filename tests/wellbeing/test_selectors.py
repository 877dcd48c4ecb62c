"""The framework a partnership adopts: read through wellbeing.selectors."""

import pytest
from django.db import ProgrammingError

from partnerships import tenancy
from partnerships.models import Role
from tests.factories import (
    MembershipFactory,
    NationalFrameworkFactory,
    PartnershipFactory,
)
from wellbeing import services
from wellbeing.models import FrameworkAdoption
from wellbeing.selectors import framework_for, framework_id_for

pytestmark = pytest.mark.django_db


def test_framework_for_never_returns_another_partnerships_framework():
    theirs = PartnershipFactory(framework=NationalFrameworkFactory())
    ours = PartnershipFactory()
    assert framework_for(partnership=ours) is None
    assert framework_id_for(partnership=ours) is None
    assert framework_for(partnership=theirs) is not None


def test_framework_adopt_switches_and_clears_the_one_adoption():
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    first, second = NationalFrameworkFactory(), NationalFrameworkFactory()
    services.framework_adopt(partnership=partnership, framework=first, actor=admin)
    services.framework_adopt(partnership=partnership, framework=second, actor=admin)
    assert framework_for(partnership=partnership) == second
    assert framework_id_for(partnership=partnership) == second.pk
    assert FrameworkAdoption.objects.filter(partnership=partnership).count() == 1
    services.framework_adopt(partnership=partnership, framework=None, actor=admin)
    assert framework_for(partnership=partnership) is None
    assert not FrameworkAdoption.objects.filter(partnership=partnership).exists()


def test_row_level_security_keeps_adoptions_to_their_partnership():
    framework = NationalFrameworkFactory()
    ours = PartnershipFactory(framework=framework)
    theirs = PartnershipFactory(framework=framework)
    with tenancy.partnership_scope(ours.pk):
        assert framework_for(partnership=ours) == framework
        assert framework_for(partnership=theirs) is None
        assert list(
            FrameworkAdoption.objects.values_list("partnership", flat=True)
        ) == [ours.pk]
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        tenancy.partnership_scope(ours.pk),
    ):
        FrameworkAdoption.objects.create(
            partnership=PartnershipFactory(), framework=framework
        )
