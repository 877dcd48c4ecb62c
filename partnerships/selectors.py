from functools import cache

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from . import tenancy
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


def membership_enter(*, user: User, slug: str) -> Membership | None:
    """The user's membership of the partnership with this slug, if any, as
    ``membership_for_slug`` reads it (its partnership, ``data_version``),
    and the current transaction pointed at that partnership
    (``tenancy.set_partnership``), in one statement.

    Every signed-in page and API call starts here, so it is written once as
    SQL rather than compiled by the ORM each time, and the partnership is
    set by the same statement: ``set_config`` runs in the select list, that
    is only for the row that passed the join and the filters (a membership
    of this user, visible under row-level security by ``civic.user_id``).
    With no such membership nothing is set and None is returned. Inside a
    tenant scope (it names the user).
    """
    sql, membership_fields, partnership_fields = _membership_enter_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenancy.PARTNERSHIP, user.pk, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    split = 1 + len(membership_fields)
    membership = Membership.from_db(connection.alias, membership_fields, row[1:split])
    partnership = Partnership.from_db(
        connection.alias, partnership_fields, row[split:-1]
    )
    membership.data_version = row[-1]
    # Both are known: reading them again would be a query each.
    Membership.partnership.field.set_cached_value(membership, partnership)
    Membership.user.field.set_cached_value(membership, user)
    return membership


@cache
def _membership_enter_sql() -> tuple[str, list[str], list[str]]:
    membership = [f for f in Membership._meta.concrete_fields]
    partnership = [f for f in Partnership._meta.concrete_fields]
    columns = [f'm."{f.column}"' for f in membership] + [
        f'p."{f.column}"' for f in partnership
    ]
    sql = (
        "SELECT set_config(%s, m.partnership_id::text, true), "
        + ", ".join(columns)
        + ", COALESCE((SELECT v.version FROM "
        + f'"{DataVersion._meta.db_table}" v '
        + "WHERE v.partnership_id = m.partnership_id), 0) "
        + f'FROM "{Membership._meta.db_table}" m '
        + f'JOIN "{Partnership._meta.db_table}" p '
        + f'ON p."{Partnership._meta.pk.column}" = m.partnership_id '
        + "WHERE m.user_id = %s AND p.slug = %s"
    )
    return sql, [f.attname for f in membership], [f.attname for f in partnership]


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
