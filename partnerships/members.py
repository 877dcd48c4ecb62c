"""Every write about who belongs to a partnership: invitations, members'
roles and organisations, removal, and the organisations themselves.

Each service locks the partnership's row (``FOR NO KEY UPDATE``, which does
not block inserts that merely reference the partnership) before it reads
who the admins are, so two admins demoting or removing each other at once
are serialised and the second sees the first's change: the partnership
always keeps an admin. Every change is a security event (who, when, what),
which the members page lists.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import tenancy
from .models import (
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Role,
    SecurityEventKind,
    User,
)
from .security import security_event_record

INVITATION_VALID_FOR = datetime.timedelta(days=7)


class InvitationUnusable(Exception):
    """The link is unknown, used, revoked or expired; ``message`` says which."""

    def __init__(self, message: str, *, status: int = 410):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    # The link with its secret: emailed, never stored.
    url: str


def invitation_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_url(secret: str, language: str) -> str:
    """The emailed link, to the acceptance page in the invitation's language
    (/cy/invitations/... for Welsh), as the email itself is."""
    with translation.override(language):
        path = reverse("partnerships:invitation_accept", kwargs={"secret": secret})
    return settings.SITE_URL.rstrip("/") + path


def _language_code(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if language in codes:
        return language
    current = translation.get_language()
    return current if current in codes else settings.LANGUAGE_CODE


def _lock(partnership: Partnership) -> None:
    Partnership.objects.select_for_update(no_key=True).filter(pk=partnership.pk).first()


def _admin_count(partnership: Partnership) -> int:
    return Membership.objects.filter(partnership=partnership, role=Role.ADMIN).count()


def _check_role(role: str, field: str = "role") -> str:
    if role not in Role.values:
        raise ValidationError({field: _("Choose one of the roles listed.")})
    return role


def _check_organisation(
    partnership: Partnership, organisation: Organisation | None
) -> Organisation | None:
    if organisation is not None and organisation.partnership_id != partnership.pk:
        raise ValidationError(
            {"organisation": _("Choose one of this partnership's organisations.")}
        )
    return organisation


def _send_invitation_email(invitation: Invitation, url: str) -> None:
    context = {
        "name": invitation.full_name,
        "partnership": invitation.partnership.name,
        "inviter": invitation.invited_by.get_full_name()
        if invitation.invited_by
        else "",
        "role": invitation.role,
        "url": url,
        "expires_at": invitation.expires_at,
    }
    with translation.override(invitation.language):
        context["role"] = Role(invitation.role).label
        subject = render_to_string("partnerships/email/invitation_subject.txt", context)
        body = render_to_string("partnerships/email/invitation.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()), body=body, to=[invitation.email]
    ).send()


def _queue_email(invitation: Invitation, url: str) -> None:
    # The secret exists only in this process: the email is sent once the
    # invitation is committed, not through the broker.
    transaction.on_commit(lambda: _send_invitation_email(invitation, url))


def _new_secret() -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return secret, invitation_digest(secret)


@transaction.atomic
def invitation_create(
    *,
    partnership: Partnership,
    email: str,
    role: str,
    actor: User | None,
    full_name: str = "",
    organisation: Organisation | None = None,
    language: str | None = None,
    request=None,
) -> SentInvitation:
    """Invite someone by email; the email goes out when this commits."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Enter an email address, like name@example.org.")}
        ) from None
    if len(email) > 254:
        raise ValidationError(
            {"email": _("Keep the email address under 254 characters.")}
        )
    if len(full_name) > 200:
        raise ValidationError({"full_name": _("Keep the name under 200 characters.")})
    _check_role(role)
    _check_organisation(partnership, organisation)
    _lock(partnership)
    if Membership.objects.filter(
        partnership=partnership, user__email__iexact=email
    ).exists():
        raise ValidationError(
            {
                "email": _(
                    "%(email)s is already a member: change their role in the list "
                    "of members instead."
                )
                % {"email": email}
            }
        )
    now = timezone.now()
    for open_one in Invitation.objects.select_for_update().filter(
        partnership=partnership,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ):
        if not open_one.is_expired(now):
            raise ValidationError(
                {
                    "email": _(
                        "%(email)s has been invited already: send that invitation "
                        "again, or revoke it first."
                    )
                    % {"email": email}
                }
            )
        # An expired invitation gives way to the new one.
        open_one.revoked_at = now
        open_one.save(update_fields=["revoked_at"])
    secret, digest = _new_secret()
    invitation = Invitation.objects.create(
        partnership=partnership,
        email=email,
        full_name=full_name,
        role=role,
        organisation=organisation,
        language=_language_code(language),
        digest=digest,
        invited_by=actor,
        created_at=now,
        sent_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    security_event_record(
        kind=SecurityEventKind.INVITATION_SENT,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"email": email, "role": role, "invitation_id": invitation.pk},
    )
    url = invitation_url(secret, invitation.language)
    _queue_email(invitation, url)
    return SentInvitation(invitation=invitation, url=url)


def _open_invitation(partnership: Partnership, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "invited_by")
        .filter(partnership=partnership, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Invitation.DoesNotExist
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has been accepted already."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been revoked."))
    return invitation


@transaction.atomic
def invitation_resend(
    *, partnership: Partnership, invitation_id: int, actor: User | None, request=None
) -> SentInvitation:
    """Send an open invitation again with a new link, valid for 7 days from
    now; the link sent before stops working."""
    invitation = _open_invitation(partnership, invitation_id)
    secret, invitation.digest = _new_secret()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_VALID_FOR
    invitation.save(update_fields=["digest", "sent_at", "expires_at"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_RESENT,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"email": invitation.email, "invitation_id": invitation.pk},
    )
    url = invitation_url(secret, invitation.language)
    _queue_email(invitation, url)
    return SentInvitation(invitation=invitation, url=url)


@transaction.atomic
def invitation_revoke(
    *, partnership: Partnership, invitation_id: int, actor: User | None, request=None
) -> Invitation:
    invitation = _open_invitation(partnership, invitation_id)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_REVOKED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"email": invitation.email, "invitation_id": invitation.pk},
    )
    return invitation


def invitation_for_secret(*, secret: str, for_update: bool = False) -> Invitation:
    """The invitation a link names, if it can still be used; otherwise
    ``InvitationUnusable`` saying why (a forged link and one that never
    existed look the same)."""
    digest = invitation_digest(secret or "")
    tenancy.set_invitation(digest)
    invitations = Invitation.objects.select_related("partnership")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(digest=digest).first()
    if invitation is None:
        raise InvitationUnusable(
            _(
                "This invitation link is not valid. Check it is the whole link "
                "from the most recent email, or ask for a new invitation."
            ),
            status=404,
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusable(
            _("This invitation has been used already. Sign in to continue.")
        )
    if invitation.revoked_at is not None:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Ask the partnership for a new one.")
        )
    if invitation.is_expired():
        raise InvitationUnusable(
            _(
                "This invitation expired on %(date)s. Ask the partnership to send "
                "it again."
            )
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")}
        )
    return invitation


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def invitation_accept(
    *,
    secret: str,
    user: User | None = None,
    full_name: str = "",
    password: str | None = None,
    request=None,
) -> Membership:
    """Join the partnership the link names: as the signed-in ``user`` (whose
    email must be the invited one), or as a new account with ``password``.
    The link is single-use."""
    invitation = invitation_for_secret(secret=secret, for_update=True)
    partnership = invitation.partnership
    tenancy.set_partnership(partnership.pk)
    if user is None:
        if account_exists(invitation.email):
            raise ValidationError(
                _("An account already uses this email address: sign in to accept.")
            )
        full_name = (full_name or invitation.full_name).strip()[:200]
        candidate = User(email=invitation.email, full_name=full_name)
        try:
            validate_password(password or "", user=candidate)
        except ValidationError as error:
            raise ValidationError({"new_password1": error.messages}) from None
        # The language they were invited in is their choice until they
        # change it: their pages after signing in and their emails.
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name,
            language=invitation.language,
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationUnusable(
            _(
                "This invitation is for %(email)s. Sign out, then open the link "
                "again and sign in as %(email)s."
            )
            % {"email": invitation.email},
            status=403,
        )
    _lock(partnership)
    membership = Membership.objects.filter(partnership=partnership, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            partnership=partnership,
            user=user,
            role=invitation.role,
            # By id: the organisation was out of sight (row-level security)
            # when the invitation was read, before the partnership was known.
            organisation_id=invitation.organisation_id,
        )
        security_event_record(
            kind=SecurityEventKind.MEMBERSHIP_GRANTED,
            actor=user,
            partnership=partnership,
            request=request,
            detail={
                "user_id": user.pk,
                "email": user.email,
                "role": membership.role,
                "previous_role": None,
            },
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_ACCEPTED,
        actor=user,
        partnership=partnership,
        request=request,
        detail={"email": invitation.email, "invitation_id": invitation.pk},
    )
    return membership


def _member(partnership: Partnership, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .filter(partnership=partnership, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Membership.DoesNotExist
    return membership


@transaction.atomic
def membership_change(
    *,
    partnership: Partnership,
    membership_id: int,
    actor: User | None,
    role: str | None = None,
    organisation: Organisation | None = None,
    change_organisation: bool = False,
    request=None,
) -> Membership:
    """Change a member's role, organisation or both. The partnership's last
    admin cannot be made anything else."""
    _lock(partnership)
    membership = _member(partnership, membership_id)
    fields = []
    if role is not None and role != membership.role:
        _check_role(role)
        if membership.role == Role.ADMIN and _admin_count(partnership) <= 1:
            raise ValidationError(
                {
                    "role": _(
                        "%(name)s is the partnership's only admin. Make someone "
                        "else an admin first."
                    )
                    % {"name": membership.user.get_full_name()}
                }
            )
        previous = membership.role
        membership.role = role
        fields.append("role")
        security_event_record(
            kind=SecurityEventKind.ROLE_CHANGED,
            actor=actor,
            partnership=partnership,
            request=request,
            detail={
                "user_id": membership.user_id,
                "email": membership.user.email,
                "role": role,
                "previous_role": previous,
            },
        )
    if change_organisation and organisation != membership.organisation:
        _check_organisation(partnership, organisation)
        previous_name = membership.organisation.name if membership.organisation else ""
        membership.organisation = organisation
        fields.append("organisation")
        security_event_record(
            kind=SecurityEventKind.MEMBER_ORGANISATION_CHANGED,
            actor=actor,
            partnership=partnership,
            request=request,
            detail={
                "user_id": membership.user_id,
                "email": membership.user.email,
                "organisation": organisation.name if organisation else "",
                "previous_organisation": previous_name,
            },
        )
    if fields:
        membership.save(update_fields=fields)
    return membership


@transaction.atomic
def membership_remove(
    *, partnership: Partnership, membership_id: int, actor: User | None, request=None
) -> Membership:
    """Remove someone from the partnership. Their figures and history stay;
    the database drops their lead assignments with the membership (kpis
    migration 0017), so their measures show no lead. The last admin cannot
    be removed."""
    _lock(partnership)
    membership = _member(partnership, membership_id)
    if membership.role == Role.ADMIN and _admin_count(partnership) <= 1:
        raise ValidationError(
            _(
                "%(name)s is the partnership's only admin and cannot be removed. "
                "Make someone else an admin first."
            )
            % {"name": membership.user.get_full_name()}
        )
    # The measures, reached through the relation's name: partnerships
    # imports no other app.
    led = sorted(
        membership.user.assigned_measures.filter(partnership=partnership).values_list(
            "code", flat=True
        )
    )
    membership.delete()
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_REMOVED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={
            "user_id": membership.user_id,
            "email": membership.user.email,
            "role": membership.role,
            "measures_led": led,
        },
    )
    return membership


def _organisation_name(partnership: Partnership, name: str, *, exclude=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter the organisation's name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("Keep the name under 200 characters.")})
    clash = Organisation.objects.annotate(lower=Lower("name")).filter(
        partnership=partnership, lower=name.lower()
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("The partnership has an organisation of that name already.")}
        )
    return name


@transaction.atomic
def organisation_add(
    *, partnership: Partnership, name: str, actor: User | None, request=None
) -> Organisation:
    _lock(partnership)
    name = _organisation_name(partnership, name)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                partnership=partnership, name=name
            )
    except IntegrityError:
        raise ValidationError(
            {"name": _("The partnership has an organisation of that name already.")}
        ) from None
    security_event_record(
        kind=SecurityEventKind.ORGANISATION_ADDED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"organisation": name},
    )
    return organisation


def _organisation(partnership: Partnership, organisation_id: int) -> Organisation:
    organisation = (
        Organisation.objects.select_for_update()
        .filter(partnership=partnership, pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise Organisation.DoesNotExist
    return organisation


@transaction.atomic
def organisation_rename(
    *,
    partnership: Partnership,
    organisation_id: int,
    name: str,
    actor: User | None,
    request=None,
) -> Organisation:
    _lock(partnership)
    organisation = _organisation(partnership, organisation_id)
    name = _organisation_name(partnership, name, exclude=organisation)
    previous = organisation.name
    if name != previous:
        organisation.name = name
        organisation.save(update_fields=["name"])
        security_event_record(
            kind=SecurityEventKind.ORGANISATION_RENAMED,
            actor=actor,
            partnership=partnership,
            request=request,
            detail={"organisation": name, "previous_organisation": previous},
        )
    return organisation


@transaction.atomic
def organisation_merge(
    *,
    partnership: Partnership,
    organisation_id: int,
    into_id: int,
    actor: User | None,
    request=None,
) -> Organisation:
    """Merge one organisation into another: everything that names the merged
    one (members, invitations, projects, whatever app holds them) names the
    kept one, and the merged one is gone."""
    if organisation_id == into_id:
        raise ValidationError(
            {"into": _("Choose another organisation to merge this one into.")}
        )
    _lock(partnership)
    merged = _organisation(partnership, organisation_id)
    try:
        kept = _organisation(partnership, into_id)
    except Organisation.DoesNotExist:
        raise ValidationError(
            {"into": _("Choose one of this partnership's organisations.")}
        ) from None
    moved = {}
    # Every foreign key to organisations, found from the model, so that an
    # app above this one (projects' lead organisation) moves too without
    # partnerships importing it.
    for relation in Organisation._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        count = model._base_manager.filter(
            partnership=partnership, **{relation.field.name: merged}
        ).update(**{relation.field.name: kept})
        moved[model._meta.label_lower] = count
    merged_name = merged.name
    merged.delete()
    security_event_record(
        kind=SecurityEventKind.ORGANISATION_MERGED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={
            "organisation": kept.name,
            "previous_organisation": merged_name,
            "moved": moved,
        },
    )
    return kept


@transaction.atomic
def partnership_create_with_admin(
    *,
    name: str,
    slug: str,
    admin_email: str,
    actor: User | None,
    reporting_year_start_month: int = 4,
    language: str | None = None,
    request=None,
) -> SentInvitation:
    """Platform staff: a new partnership, and an invitation for its first
    admin (who then runs it alone)."""
    from .services import partnership_create

    try:
        validate_email((admin_email or "").strip())
    except ValidationError:
        raise ValidationError(
            {"admin_email": _("Enter an email address, like name@example.org.")}
        ) from None
    if Partnership.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("Another partnership has this short name already.")}
        )
    partnership = partnership_create(
        name=(name or "").strip(),
        slug=slug,
        reporting_year_start_month=reporting_year_start_month,
    )
    # The new partnership's rows are written in its own context.
    tenancy.set_partnership(partnership.pk)
    security_event_record(
        kind=SecurityEventKind.PARTNERSHIP_CREATED,
        actor=actor,
        partnership=partnership,
        request=request,
        detail={"name": partnership.name, "slug": partnership.slug},
    )
    try:
        return invitation_create(
            partnership=partnership,
            email=admin_email,
            role=Role.ADMIN,
            actor=actor,
            language=language,
            request=request,
        )
    except ValidationError as error:
        raise ValidationError({"admin_email": error.messages}) from None
