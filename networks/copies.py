"""The shared copies: built by the sharing partnership, read by the network.

A copy is made, inside the sharing partnership's own tenant scope, of exactly
the one measure it has chosen to share, by the public pages' builder
(``public.snapshot.measure_copy``: disclosure control applied before anything
leaves it) plus the measure's turn-the-curve stories. The network page reads
the copies alone. A copy whose source version has moved on (the database's
triggers move it, whatever path wrote the figures: migration 0002) or that was
built on an earlier day is rebuilt before it is read, so the figures are
always the sharing partnership's current ones.
"""

from django.db import transaction
from django.utils import timezone

from partnerships import tenancy
from partnerships.models import Partnership
from public.disclosure import DEFAULT_THRESHOLD
from public.models import Publication
from public.snapshot import measure_copy
from wellbeing.models import CurveStory

from .models import Adoption, MembershipStatus, NetworkMembership, SharedCopy


def _threshold(partnership: Partnership) -> int:
    publication = Publication.objects.filter(partnership=partnership).first()
    return publication.threshold if publication else DEFAULT_THRESHOLD


def _stories(partnership: Partnership, measure_id: int) -> list[dict]:
    return [
        {
            "year": story.year,
            "story": story.story,
            "partners": story.partners,
            "what_works": story.what_works,
            "action_plan": story.action_plan,
        }
        for story in CurveStory.objects.filter(
            partnership=partnership, measure_id=measure_id
        ).order_by("-year")
        if story.story or story.what_works or story.action_plan or story.partners
    ]


def copy_build(*, partnership: Partnership, adoption_id: int) -> SharedCopy | None:
    """Make (or remake) the partnership's copy of one adoption, or drop it
    when the adoption is no longer shared or the partnership no longer a
    member. Runs in the partnership's own scope, whoever asked."""
    with tenancy.partnership_scope(partnership.pk):
        adoption = (
            Adoption.objects.select_related("shared_measure")
            .filter(partnership=partnership, pk=adoption_id)
            .first()
        )
        member = (
            adoption is not None
            and NetworkMembership.objects.filter(
                partnership=partnership,
                network_id=adoption.network_id,
                status=MembershipStatus.ACCEPTED,
            ).exists()
        )
        if adoption is None or not adoption.is_shared or not member:
            SharedCopy.objects.filter(
                partnership=partnership, adoption_id=adoption_id
            ).delete()
            return None
        copy = (
            SharedCopy.objects.select_for_update()
            .filter(partnership=partnership, adoption=adoption)
            .first()
        )
        if copy is None:
            # A copy left behind by an earlier adoption of the same shared
            # measure goes first (one copy per partnership and shared measure).
            SharedCopy.objects.filter(
                partnership=partnership, shared_measure=adoption.shared_measure
            ).delete()
            copy = SharedCopy.objects.create(
                partnership=partnership,
                network_id=adoption.network_id,
                shared_measure=adoption.shared_measure,
                adoption=adoption,
                partnership_name=partnership.name,
            )
        version = copy.source_version
        copy.payload = {
            "threshold": (threshold := _threshold(partnership)),
            "languages": measure_copy(
                partnership=partnership,
                measure_id=adoption.measure_id,
                threshold=threshold,
            ),
            "curve_stories": _stories(partnership, adoption.measure_id),
        }
        copy.partnership_name = partnership.name
        copy.built_version = version
        copy.built_on = timezone.localdate()
        copy.save(
            update_fields=["payload", "partnership_name", "built_version", "built_on"]
        )
        return copy


def copies_refresh(*, network_id: int) -> int:
    """Rebuild the network's stale copies (as the reader's scope sees them:
    a member's sees every member's); the number rebuilt."""
    today = timezone.localdate()
    rows = SharedCopy.objects.filter(network_id=network_id).values_list(
        "partnership_id", "adoption_id", "built_version", "source_version", "built_on"
    )
    stale = [
        (partnership_id, adoption_id)
        for partnership_id, adoption_id, built, source, built_on in rows
        if built != source or built_on != today
    ]
    partnerships = Partnership.objects.in_bulk({p for p, _a in stale})
    for partnership_id, adoption_id in stale:
        with transaction.atomic():
            copy_build(
                partnership=partnerships[partnership_id], adoption_id=adoption_id
            )
    return len(stale)
