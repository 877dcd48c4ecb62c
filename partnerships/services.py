from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Membership, Organisation, Partnership, Role, User


@transaction.atomic
def partnership_create(
    *, name: str, slug: str, reporting_year_start_month: int = 4, is_demo: bool = False
) -> Partnership:
    partnership = Partnership(
        name=name,
        slug=slug,
        reporting_year_start_month=reporting_year_start_month,
        is_demo=is_demo,
    )
    partnership.full_clean()
    partnership.save()
    return partnership


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
) -> Membership:
    if organisation is not None and organisation.partnership_id != partnership.pk:
        raise ValidationError(
            {"organisation": "The organisation belongs to another partnership."}
        )
    membership, _ = Membership.objects.update_or_create(
        partnership=partnership,
        user=user,
        defaults={"role": role, "organisation": organisation},
    )
    return membership
