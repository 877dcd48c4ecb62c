from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from .models import (
    ApiToken,
    DataVersion,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    SecurityEvent,
    SecurityEventKind,
    User,
)


def membership_for_slug(*, user: User, slug: str) -> Membership | None:
    """The user's membership of the partnership with this slug, if any, with
    the partnership's ``data_version`` (read with it, not in a query of its
    own)."""
    return (
        Membership.objects.select_related("partnership", "organisation")
        .annotate(data_version=Coalesce(Subquery(_version_of("partnership_id")), 0))
        .filter(user=user, partnership__slug=slug)
        .first()
    )


def _version_of(field: str) -> QuerySet:
    return DataVersion.objects.filter(partnership_id=OuterRef(field)).values("version")[
        :1
    ]


def data_version_get(*, partnership: Partnership) -> int:
    """The partnership's data version (partnerships.models.DataVersion)."""
    version = (
        DataVersion.objects.filter(partnership=partnership)
        .values_list("version", flat=True)
        .first()
    )
    return version or 0


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("partnership")
        .filter(user=user)
        .order_by("partnership__name")
    )


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user)


def security_event_list(*, partnership: Partnership) -> QuerySet[SecurityEvent]:
    """The partnership's own security events, newest first (never those of
    another partnership, nor those outside any: sign-ins, tokens)."""
    return SecurityEvent.objects.select_related("actor").filter(partnership=partnership)


# The security events the members page lists: changes to who belongs, their
# roles and organisations, the invitations and the organisations.
MEMBER_EVENT_KINDS = (
    SecurityEventKind.MEMBERSHIP_GRANTED,
    SecurityEventKind.ROLE_CHANGED,
    SecurityEventKind.MEMBERSHIP_REMOVED,
    SecurityEventKind.MEMBER_ORGANISATION_CHANGED,
    SecurityEventKind.INVITATION_SENT,
    SecurityEventKind.INVITATION_RESENT,
    SecurityEventKind.INVITATION_REVOKED,
    SecurityEventKind.INVITATION_ACCEPTED,
    SecurityEventKind.ORGANISATION_ADDED,
    SecurityEventKind.ORGANISATION_RENAMED,
    SecurityEventKind.ORGANISATION_MERGED,
    SecurityEventKind.PARTNERSHIP_CREATED,
)


def member_list(*, partnership: Partnership) -> QuerySet[Membership]:
    """The partnership's members with their organisation, last sign-in and
    the codes of the measures they lead, in one query.

    The measures are reached through the relation's name (``assigned_measures``,
    kpis' lead assignments): partnerships imports no other app.
    """
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(partnership=partnership)
        .annotate(
            measures_led=ArrayAgg(
                "user__assigned_measures__code",
                filter=Q(user__assigned_measures__partnership=partnership),
                distinct=True,
                default=Value([]),
                ordering="user__assigned_measures__code",
            )
        )
        .order_by(Lower("user__full_name"), Lower("user__email"))
    )


def invitation_list(*, partnership: Partnership) -> QuerySet[Invitation]:
    """The partnership's invitations not yet accepted or revoked (expired
    ones included, to send again), newest first."""
    return Invitation.objects.select_related("organisation", "invited_by").filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True
    )


def organisation_list(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The partnership's organisations with how many members each has."""
    return (
        Organisation.objects.filter(partnership=partnership)
        .annotate(member_count=Count("membership", distinct=True))
        .order_by(Lower("name"))
    )


def member_event_list(*, partnership: Partnership) -> QuerySet[SecurityEvent]:
    return security_event_list(partnership=partnership).filter(
        kind__in=MEMBER_EVENT_KINDS
    )
