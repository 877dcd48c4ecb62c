"""The contribution map's links: admin-only services, tenant isolation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from partnerships import tenancy
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    ProjectFactory,
    WayOfWorkingFactory,
    WellbeingGoalFactory,
)
from wellbeing import services
from wellbeing.models import Contribution
from wellbeing.selectors import contribution_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return NationalFrameworkFactory()


def _partnership_with_admin(framework):
    partnership = PartnershipFactory(framework=framework)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    return partnership, admin


def test_an_admin_links_every_kind_of_work_to_every_kind_of_target(framework):
    partnership, admin = _partnership_with_admin(framework)
    sources = [
        PriorityFactory(partnership=partnership),
        OutcomeFactory(partnership=partnership),
        MeasureFactory(partnership=partnership),
        ProjectFactory(partnership=partnership),
    ]
    targets = [
        WellbeingGoalFactory(framework=framework),
        WayOfWorkingFactory(framework=framework),
        NationalIndicatorFactory(framework=framework),
    ]
    for source in sources:
        for target in targets:
            link, created = services.contribution_link(
                partnership=partnership, source=source, target=target, actor=admin
            )
            assert created and link.source == source and link.target == target
    assert contribution_list(partnership=partnership).count() == 12


def test_linking_twice_is_a_no_op_and_unlinking_removes_the_link(framework):
    partnership, admin = _partnership_with_admin(framework)
    priority = PriorityFactory(partnership=partnership)
    goal = WellbeingGoalFactory(framework=framework)
    first, _ = services.contribution_link(
        partnership=partnership, source=priority, target=goal, actor=admin
    )
    again, created = services.contribution_link(
        partnership=partnership, source=priority, target=goal, actor=admin
    )
    assert again == first and not created
    assert services.contribution_unlink(
        partnership=partnership, contribution_id=first.pk, actor=admin
    )
    assert not Contribution.objects.exists()
    assert not services.contribution_unlink(
        partnership=partnership, contribution_id=first.pk, actor=admin
    )


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
def test_only_admins_link_and_unlink(framework, role):
    partnership, admin = _partnership_with_admin(framework)
    member = MembershipFactory(partnership=partnership, role=role).user
    priority = PriorityFactory(partnership=partnership)
    goal = WellbeingGoalFactory(framework=framework)
    with pytest.raises(PermissionDenied):
        services.contribution_link(
            partnership=partnership, source=priority, target=goal, actor=member
        )
    link, _ = services.contribution_link(
        partnership=partnership, source=priority, target=goal, actor=admin
    )
    with pytest.raises(PermissionDenied):
        services.contribution_unlink(
            partnership=partnership, contribution_id=link.pk, actor=member
        )


def test_a_link_to_another_partnerships_measure_is_refused(framework):
    ours, admin = _partnership_with_admin(framework)
    theirs = PartnershipFactory(framework=framework)
    their_measure = MeasureFactory(partnership=theirs)
    indicator = NationalIndicatorFactory(framework=framework)
    with pytest.raises(ValidationError, match="another partnership"):
        services.contribution_link(
            partnership=ours, source=their_measure, target=indicator, actor=admin
        )
    # The database refuses it too, whatever path the write takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            partnership=ours, measure=their_measure, indicator=indicator
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_unlinking_another_partnerships_link_does_nothing(framework):
    ours, our_admin = _partnership_with_admin(framework)
    theirs, their_admin = _partnership_with_admin(framework)
    goal = WellbeingGoalFactory(framework=framework)
    theirs_link, _ = services.contribution_link(
        partnership=theirs,
        source=PriorityFactory(partnership=theirs),
        target=goal,
        actor=their_admin,
    )
    assert not services.contribution_unlink(
        partnership=ours, contribution_id=theirs_link.pk, actor=our_admin
    )
    assert Contribution.objects.filter(pk=theirs_link.pk).exists()


def test_targets_must_belong_to_the_partnerships_framework(framework):
    partnership, admin = _partnership_with_admin(framework)
    elsewhere = WellbeingGoalFactory()  # another framework's goal
    with pytest.raises(ValidationError, match="another framework"):
        services.contribution_link(
            partnership=partnership,
            source=PriorityFactory(partnership=partnership),
            target=elsewhere,
            actor=admin,
        )


def test_a_partnership_with_no_framework_cannot_link(framework):
    partnership, admin = _partnership_with_admin(None)
    with pytest.raises(ValidationError, match="Choose the partnership"):
        services.contribution_link(
            partnership=partnership,
            source=PriorityFactory(partnership=partnership),
            target=WellbeingGoalFactory(framework=framework),
            actor=admin,
        )
    assert not contribution_list(partnership=partnership).exists()


def test_a_link_has_exactly_one_source_and_one_target(framework):
    partnership, _admin = _partnership_with_admin(framework)
    priority = PriorityFactory(partnership=partnership)
    goal = WellbeingGoalFactory(framework=framework)
    way = WayOfWorkingFactory(framework=framework)
    for fields in (
        {"goal": goal},
        {"priority": priority},
        {"priority": priority, "goal": goal, "way_of_working": way},
        {
            "priority": priority,
            "measure": MeasureFactory(partnership=partnership),
            "goal": goal,
        },
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Contribution.objects.create(partnership=partnership, **fields)


def test_switching_framework_hides_the_old_links_and_switching_back_finds_them(
    framework,
):
    partnership, admin = _partnership_with_admin(framework)
    services.contribution_link(
        partnership=partnership,
        source=PriorityFactory(partnership=partnership),
        target=WellbeingGoalFactory(framework=framework),
        actor=admin,
    )
    services.framework_adopt(
        partnership=partnership, framework=NationalFrameworkFactory(), actor=admin
    )
    assert not contribution_list(partnership=partnership).exists()
    services.framework_adopt(partnership=partnership, framework=framework, actor=admin)
    assert contribution_list(partnership=partnership).count() == 1


def test_choosing_the_framework_is_for_admins(framework):
    partnership, _admin = _partnership_with_admin(None)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    with pytest.raises(PermissionDenied):
        services.framework_adopt(
            partnership=partnership, framework=framework, actor=viewer
        )


def test_the_selector_and_the_database_never_show_another_partnerships_links(
    framework,
):
    ours, our_admin = _partnership_with_admin(framework)
    theirs, their_admin = _partnership_with_admin(framework)
    goal = WellbeingGoalFactory(framework=framework)
    for partnership, admin in ((ours, our_admin), (theirs, their_admin)):
        services.contribution_link(
            partnership=partnership,
            source=PriorityFactory(partnership=partnership),
            target=goal,
            actor=admin,
        )
    assert {c.partnership_id for c in contribution_list(partnership=ours)} == {ours.pk}
    with tenancy.partnership_scope(ours.pk):
        assert {c.partnership_id for c in Contribution.objects.all()} == {ours.pk}
