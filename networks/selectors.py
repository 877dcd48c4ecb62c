"""Every read of the learning networks, in the reader's tenant scope.

The network page reads the shared copies alone (``network_page_get``), after
rebuilding any that are stale; the tables' policies (migration 0002) admit
only an accepted member's session to a network's copies.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from partnerships.models import Partnership

from .copies import copies_refresh
from .models import (
    Adoption,
    MembershipStatus,
    Network,
    NetworkMembership,
    SharedCopy,
    SharedMeasure,
)


def network_membership_list(*, partnership: Partnership) -> QuerySet[NetworkMembership]:
    """The partnership's invitations and networks (declined ones too)."""
    return (
        NetworkMembership.objects.filter(partnership=partnership)
        .select_related("network")
        .order_by("network__name")
    )


def network_list(*, partnership: Partnership) -> QuerySet[Network]:
    """The networks the partnership is an accepted member of."""
    return Network.objects.filter(
        memberships__partnership=partnership,
        memberships__status=MembershipStatus.ACCEPTED,
    )


def invited_network_get(*, partnership: Partnership, pk: int) -> Network:
    """A network whose invitation is open; DoesNotExist otherwise."""
    return Network.objects.get(
        pk=pk,
        memberships__partnership=partnership,
        memberships__status=MembershipStatus.INVITED,
    )


def shared_measure_list(*, network: Network) -> QuerySet[SharedMeasure]:
    return SharedMeasure.objects.filter(network=network)


def adoption_map(*, partnership: Partnership, network: Network) -> dict:
    """The partnership's adoptions in the network, by shared measure id."""
    return {
        a.shared_measure_id: a
        for a in Adoption.objects.filter(
            partnership=partnership, network=network
        ).select_related("measure")
    }


@dataclass
class SharedMeasurePage:
    shared_measure: SharedMeasure
    adoption: Adoption | None
    copies: list[SharedCopy] = field(default_factory=list)


def network_page_get(
    *, partnership: Partnership, network: Network
) -> list[SharedMeasurePage]:
    """Each shared measure with the partnership's adoption and every sharing
    member's copy (rebuilt first where stale), by partnership name."""
    copies_refresh(network_id=network.pk)
    adoptions = adoption_map(partnership=partnership, network=network)
    pages = {
        sm.pk: SharedMeasurePage(sm, adoptions.get(sm.pk))
        for sm in shared_measure_list(network=network)
    }
    for copy in SharedCopy.objects.filter(network=network).order_by(
        "partnership_name", "partnership_id"
    ):
        if copy.shared_measure_id in pages:
            pages[copy.shared_measure_id].copies.append(copy)
    return list(pages.values())


# Platform staff (inside the platform scope) --------------------------------


def staff_network_list() -> QuerySet[Network]:
    return Network.objects.order_by("name")


def staff_membership_list(*, network: Network) -> QuerySet[NetworkMembership]:
    return (
        NetworkMembership.objects.filter(network=network)
        .select_related("partnership")
        .order_by("partnership__name")
    )
