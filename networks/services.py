"""Every write of the learning networks.

Platform staff run the networks (create, invite, keep the library) in the
platform scope; a partnership's admins answer invitations, adopt shared
measures, choose what to share and leave, in their own tenant scope.
Sharing builds the published copy at once, in the same transaction, and a
task rebuilds it after commit; withdrawing (or leaving) deletes it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpis.models import PerformanceMeasure, ValueType
from kpis.selectors import measure_list
from kpis.services import measure_create
from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships import tenancy
from partnerships.bilingual import texts_set
from partnerships.models import Membership, Partnership, User

from .copies import copy_build
from .models import (
    Adoption,
    MembershipStatus,
    Network,
    NetworkMembership,
    SharedCopy,
    SharedMeasure,
)

NETWORK_TEXTS = ("name", "description")
SHARED_MEASURE_TEXTS = ("name", "definition", "data_source")

# The kinds of value that compare on one chart: a percentage with the
# percentage of a "number and %", but never a count with a rate.
COMPATIBLE = {
    ValueType.COUNT: {ValueType.COUNT},
    ValueType.PERCENTAGE: {ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE},
    ValueType.NUMBER_AND_PERCENTAGE: {
        ValueType.NUMBER_AND_PERCENTAGE,
        ValueType.PERCENTAGE,
    },
    ValueType.SCORE: {ValueType.SCORE},
    ValueType.MILESTONE: {ValueType.MILESTONE},
}


def _require_staff(actor: User | None) -> None:
    """Platform staff, or (``actor`` None) the platform itself: a command or
    the demo loader already running in the platform scope."""
    if actor is None:
        if tenancy.current_context()[tenancy.PLATFORM] != "on":
            raise PermissionDenied(_("Only platform staff can do this."))
        return
    if not actor.is_staff:
        raise PermissionDenied(_("Only platform staff can do this."))


def _require_admin(membership: Membership | None) -> None:
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))


def _texts(obj, english: dict, welsh: dict, required: tuple[str, ...]) -> None:
    errors = {
        field: _("This field is required.")
        for field in required
        if not (english.get(field) or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    texts_set(
        obj,
        english={k: (v or "").strip() for k, v in english.items()},
        welsh=welsh,
    )


# Platform staff -----------------------------------------------------------------


def network_save(
    *,
    actor: User | None,
    network: Network | None = None,
    english: dict,
    welsh: dict,
) -> Network:
    """Create a network, or change its name and description (both languages)."""
    _require_staff(actor)
    with tenancy.platform_scope():
        network = network or Network()
        _texts(network, english, welsh, ("name",))
        network.save()
    return network


def network_invite(*, actor: User | None, network: Network, partnership: Partnership):
    """Invite a partnership (again, after a decline or a leave)."""
    _require_staff(actor)
    with tenancy.platform_scope():
        membership, created = NetworkMembership.objects.get_or_create(
            network=network, partnership=partnership
        )
        if not created:
            if membership.status in (
                MembershipStatus.INVITED,
                MembershipStatus.ACCEPTED,
            ):
                raise ValidationError(
                    {
                        "partnership": _(
                            "This partnership is invited or a member already."
                        )
                    }
                )
            membership.status = MembershipStatus.INVITED
            membership.invited_at = timezone.now()
            membership.responded_at = None
            membership.save(update_fields=["status", "invited_at", "responded_at"])
    return membership


def shared_measure_save(
    *,
    actor: User | None,
    network: Network,
    shared_measure: SharedMeasure | None = None,
    question: str,
    value_type: str,
    english: dict,
    welsh: dict,
) -> SharedMeasure:
    """Add a shared measure to the network's library, or change one. Its kind
    of value stays once partnerships have adopted it (their figures were
    compared as that kind)."""
    _require_staff(actor)
    with tenancy.platform_scope():
        shared_measure = shared_measure or SharedMeasure(
            network=network,
            position=SharedMeasure.objects.filter(network=network).count(),
        )
        if (
            shared_measure.pk
            and value_type != shared_measure.value_type
            and Adoption.objects.filter(shared_measure=shared_measure).exists()
        ):
            raise ValidationError(
                {
                    "value_type": _(
                        "Partnerships have adopted this measure: its kind of value "
                        "cannot change."
                    )
                }
            )
        shared_measure.question = question
        shared_measure.value_type = value_type
        _texts(shared_measure, english, welsh, ("name",))
        shared_measure.full_clean(exclude=["network"])
        shared_measure.save()
    return shared_measure


# Partnership admins ----------------------------------------------------------------


def _own_membership(partnership: Partnership, network_id: int) -> NetworkMembership:
    membership = NetworkMembership.objects.filter(
        partnership=partnership, network_id=network_id
    ).first()
    if membership is None:
        raise NetworkMembership.DoesNotExist
    return membership


@transaction.atomic
def invitation_respond(
    *,
    partnership: Partnership,
    membership: Membership | None,
    network_id: int,
    accept: bool,
) -> NetworkMembership:
    """Accept or decline the network's invitation."""
    _require_admin(membership)
    own = _own_membership(partnership, network_id)
    if own.status != MembershipStatus.INVITED:
        raise ValidationError(_("There is no open invitation to this network."))
    own.status = MembershipStatus.ACCEPTED if accept else MembershipStatus.DECLINED
    own.responded_at = timezone.now()
    own.save(update_fields=["status", "responded_at"])
    return own


@transaction.atomic
def network_leave(
    *, partnership: Partnership, membership: Membership | None, network_id: int
) -> NetworkMembership:
    """Leave the network: everything the partnership shared is withdrawn
    (its copies deleted, its adoptions no longer shared)."""
    _require_admin(membership)
    own = _own_membership(partnership, network_id)
    if own.status != MembershipStatus.ACCEPTED:
        raise ValidationError(_("This partnership is not a member of this network."))
    SharedCopy.objects.filter(partnership=partnership, network_id=network_id).delete()
    Adoption.objects.filter(partnership=partnership, network_id=network_id).update(
        is_shared=False, updated_at=timezone.now()
    )
    own.status = MembershipStatus.LEFT
    own.responded_at = timezone.now()
    own.save(update_fields=["status", "responded_at"])
    return own


def compatible(shared_kind: str, measure_kind: str) -> bool:
    return measure_kind in COMPATIBLE.get(shared_kind, set())


def _measure_from(
    *,
    partnership: Partnership,
    actor: User,
    shared_measure: SharedMeasure,
    code: str,
    priority_id: int | None,
) -> PerformanceMeasure:
    priority = (
        priority_list(partnership=partnership).filter(pk=priority_id).first()
        if priority_id
        else None
    )
    if priority is None:
        raise ValidationError(
            {"priority": _("Choose one of this partnership's priorities.")}
        )
    with translation.override("en-gb"):
        measure = measure_create(
            partnership=partnership,
            actor=actor,
            fields={
                "code": code,
                "name": shared_measure.name_en,
                "question": shared_measure.question,
                "value_type": shared_measure.value_type,
                "definition": shared_measure.definition_en or "",
                "data_source": (shared_measure.data_source_en or "")[:300],
                "priority": priority,
            },
        )
    texts_set(
        measure,
        welsh={
            "name": shared_measure.name_cy,
            "definition": shared_measure.definition_cy,
            "data_source": (shared_measure.data_source_cy or "")[:300],
        },
    )
    measure.save(update_fields=["name_cy", "definition_cy", "data_source_cy"])
    return measure


@transaction.atomic
def adoption_set(
    *,
    partnership: Partnership,
    membership: Membership | None,
    actor: User,
    shared_measure: SharedMeasure,
    measure_id: int | None = None,
    new_code: str = "",
    new_priority_id: int | None = None,
    is_shared: bool = False,
) -> Adoption:
    """Adopt a shared measure with one of the partnership's measures (or a new
    one made from it under a priority), and choose whether to share its
    figures with the network. Sharing builds the copy now; not sharing (or
    sharing no more) deletes it."""
    _require_admin(membership)
    own = _own_membership(partnership, shared_measure.network_id)
    if own.status != MembershipStatus.ACCEPTED:
        raise NetworkMembership.DoesNotExist
    if measure_id is None and not new_code:
        raise ValidationError(
            {"measure": _("Choose one of your measures, or make a new one from this.")}
        )
    if measure_id is not None:
        measure = measure_list(partnership=partnership).filter(pk=measure_id).first()
        if measure is None:
            raise ValidationError(
                {"measure": _("Choose one of this partnership's measures.")}
            )
        if not compatible(shared_measure.value_type, measure.value_type):
            raise ValidationError(
                {
                    "measure": _(
                        "This measure is a %(kind)s; the shared measure is a "
                        "%(shared)s. Choose a measure of a kind that compares."
                    )
                    % {
                        "kind": measure.get_value_type_display().lower(),
                        "shared": shared_measure.get_value_type_display().lower(),
                    }
                }
            )
    else:
        measure = _measure_from(
            partnership=partnership,
            actor=actor,
            shared_measure=shared_measure,
            code=new_code,
            priority_id=new_priority_id,
        )
    adoption = Adoption.objects.filter(
        partnership=partnership, shared_measure=shared_measure
    ).first() or Adoption(
        partnership=partnership,
        network_id=shared_measure.network_id,
        shared_measure=shared_measure,
    )
    relinked = adoption.pk is not None and adoption.measure_id != measure.pk
    adoption.measure = measure
    adoption.is_shared = is_shared
    adoption.save()
    if relinked:
        SharedCopy.objects.filter(partnership=partnership, adoption=adoption).delete()
    copy_build(partnership=partnership, adoption_id=adoption.pk)
    _refresh_on_commit(partnership.pk, adoption.pk)
    return adoption


@transaction.atomic
def adoption_remove(
    *,
    partnership: Partnership,
    membership: Membership | None,
    shared_measure: SharedMeasure,
) -> None:
    """Stop adopting a shared measure (its copy goes with it)."""
    _require_admin(membership)
    Adoption.objects.filter(
        partnership=partnership, shared_measure=shared_measure
    ).delete()


def _refresh_on_commit(partnership_id: int, adoption_id: int) -> None:
    from .tasks import shared_copy_refresh

    transaction.on_commit(
        lambda: shared_copy_refresh.delay(partnership_id, adoption_id)
    )
