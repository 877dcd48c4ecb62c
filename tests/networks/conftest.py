"""A network of three partnerships, two sharing one count measure's figures."""

from dataclasses import dataclass

import pytest

from kpis.models import Question, ValueType
from networks import services
from networks.models import Network, SharedMeasure
from partnerships.models import Membership, Partnership, Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
    UserFactory,
)


@dataclass
class Member:
    partnership: Partnership
    admin: Membership
    measure: object


@dataclass
class Three:
    network: Network
    shared: SharedMeasure
    staff: object
    ours: Member
    theirs: Member
    quiet: Member
    outsider: Member


def _member(name: str, values: list[int], story: str = "") -> Member:
    partnership = PartnershipFactory(name=name)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    measure = MeasureFactory(partnership=partnership, name=f"{name} volunteers")
    for quarter, value in enumerate(values, start=1):
        QuarterlyValueFactory(
            measure=measure,
            period=PeriodFactory(partnership=partnership, year=2024, quarter=quarter),
            value=value,
            story=story if quarter == 1 else "",
        )
    return Member(partnership, admin, measure)


def join(three_or_network, member: Member, staff) -> None:
    network = getattr(three_or_network, "network", three_or_network)
    services.network_invite(
        actor=staff, network=network, partnership=member.partnership
    )
    services.invitation_respond(
        partnership=member.partnership,
        membership=member.admin,
        network_id=network.pk,
        accept=True,
    )


def adopt(three: Three, member: Member, *, share: bool):
    return services.adoption_set(
        partnership=member.partnership,
        membership=member.admin,
        actor=member.admin.user,
        shared_measure=three.shared,
        measure_id=member.measure.pk,
        is_shared=share,
    )


@pytest.fixture
def three(db) -> Three:
    staff = UserFactory(is_staff=True)
    network = services.network_save(
        actor=staff,
        english={"name": "Action learning", "description": "Twelve partnerships."},
        welsh={"name": "Dysgu gweithredol", "description": ""},
    )
    shared = services.shared_measure_save(
        actor=staff,
        network=network,
        question=Question.HOW_MUCH,
        value_type=ValueType.COUNT,
        english={
            "name": "Volunteers recruited",
            "definition": "People.",
            "data_source": "",
        },
        welsh={"name": "Gwirfoddolwyr", "definition": "", "data_source": ""},
    )
    ours = _member("Ours", [12, 14, 3, 20], story="Our first quarter story.")
    theirs = _member("Theirs", [30, 31, 2, 40], story="Their open day brought many.")
    quiet = _member("Quiet", [777, 778, 779, 780], story="Quiet secret story.")
    outsider = _member("Outsider", [5, 6, 7, 8])
    result = Three(network, shared, staff, ours, theirs, quiet, outsider)
    for member in (ours, theirs, quiet):
        join(network, member, staff)
    adopt(result, ours, share=True)
    adopt(result, theirs, share=True)
    adopt(result, quiet, share=False)
    return result
