import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from . import policy
from .models import (
    ApiToken,
    Membership,
    Organisation,
    Partnership,
    Role,
    SecurityEventKind,
    User,
)
from .security import security_event_record

API_TOKEN_PREFIX = "civic_"
# Enough for any one person's scripts; a limit keeps a leak's blast radius
# (and the page) small.
API_TOKENS_PER_USER = 20


@transaction.atomic
def partnership_create(
    *, name: str, slug: str, reporting_year_start_month: int = 4, is_demo: bool = False
) -> Partnership:
    # A new partnership reports from the quarter it is made in; an admin who
    # brings earlier figures sets an earlier first reporting quarter.
    today = timezone.localdate()
    months_in = (today.month - reporting_year_start_month) % 12
    partnership = Partnership(
        name=name,
        slug=slug,
        reporting_year_start_month=reporting_year_start_month,
        is_demo=is_demo,
        first_reporting_year=today.year
        if today.month >= reporting_year_start_month
        else today.year - 1,
        first_reporting_quarter=months_in // 3 + 1,
    )
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def partnership_welsh_status_set(*, partnership: Partnership, status: str) -> None:
    """Mark the partnership's Welsh texts a draft translation, checked, or neither."""
    if partnership.welsh_status != status:
        partnership.welsh_status = status
        partnership.full_clean()
        partnership.save(update_fields=["welsh_status"])


@transaction.atomic
def organisation_create(*, partnership: Partnership, name: str) -> Organisation:
    organisation = Organisation(partnership=partnership, name=name)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def membership_grant(
    *,
    partnership: Partnership,
    user: User,
    role: Role | str,
    organisation: Organisation | None = None,
    actor: User | None = None,
) -> Membership:
    if organisation is not None and organisation.partnership_id != partnership.pk:
        raise ValidationError(
            {
                "organisation": gettext(
                    "The organisation belongs to another partnership."
                )
            }
        )
    previous = (
        Membership.objects.filter(partnership=partnership, user=user)
        .values_list("role", flat=True)
        .first()
    )
    membership, _ = Membership.objects.update_or_create(
        partnership=partnership,
        user=user,
        defaults={"role": role, "organisation": organisation},
    )
    if previous != membership.role:
        security_event_record(
            kind=(
                SecurityEventKind.MEMBERSHIP_GRANTED
                if previous is None
                else SecurityEventKind.ROLE_CHANGED
            ),
            actor=actor,
            partnership=partnership,
            detail={
                "user_id": user.pk,
                "email": user.email,
                "role": str(membership.role),
                "previous_role": previous,
            },
        )
    return membership


def api_token_digest(secret: str) -> str:
    """The SHA-256 of a token's secret: all that is stored of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, request=None) -> tuple[ApiToken, str]:
    """A new token for the user, and its secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": _("Name the token after what will use it, like “Power BI”.")}
        )
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.count() >= API_TOKENS_PER_USER:
        raise ValidationError(
            _("You have %(count)s tokens. Revoke one you no longer use first.")
            % {"count": API_TOKENS_PER_USER}
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(API_TOKEN_PREFIX) + 6],
        digest=api_token_digest(secret),
    )
    security_event_record(
        kind=SecurityEventKind.TOKEN_CREATED,
        actor=user,
        request=request,
        detail={"token_id": token.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(
    *, user: User, token_id: int, actor: User | None = None, request=None
) -> ApiToken:
    """Stop a token working at once; only its own user can revoke it."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(
            kind=SecurityEventKind.TOKEN_REVOKED,
            # Platform staff revoke others' tokens in the admin site.
            actor=actor or user,
            request=request,
            detail={
                "token_id": token.pk,
                "name": token.name,
                "prefix": token.prefix,
                "owner": user.email,
            },
        )
    return token


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Record the language a person reads: their emails and sign-in land in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose English or Cymraeg.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def partnership_second_factor_requirement_set(
    *, partnership: Partnership, required: bool, actor: User, request=None
) -> Partnership:
    """Ask a second factor of every member (admins must have one anyway).

    Members without one are sent to add one the next time they open the
    partnership's pages (partnerships.middleware.SecondFactorMiddleware), and
    cannot remove their last one while the requirement stands."""
    membership = Membership.objects.filter(partnership=partnership, user=actor).first()
    if not policy.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    if required == partnership.members_need_second_factor:
        return partnership
    partnership.members_need_second_factor = required
    partnership.save(update_fields=["members_need_second_factor"])
    security_event_record(
        kind=SecurityEventKind.MFA_REQUIREMENT_CHANGED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"members_need_second_factor": required},
    )
    return partnership


def user_digest_set(*, user: User, wants: bool) -> User:
    """Turn the admins' daily digest on or off for this person."""
    if user.wants_daily_digest != wants:
        user.wants_daily_digest = wants
        user.save(update_fields=["wants_daily_digest"])
    return user
