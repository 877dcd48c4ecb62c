from django.db.models import QuerySet

from .models import ApiToken, Membership, Partnership, SecurityEvent, User


def membership_for_slug(*, user: User, slug: str) -> Membership | None:
    """The user's membership of the partnership with this slug, if any."""
    return (
        Membership.objects.select_related("partnership", "organisation")
        .filter(user=user, partnership__slug=slug)
        .first()
    )


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
