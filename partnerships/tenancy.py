"""The tenant context that PostgreSQL row-level security reads.

Every tenant table has a policy that admits a row only when its partnership_id
equals the transaction-local setting ``civic.partnership_id``, or in the
platform scope (platform staff in the admin site, management commands), which
needs ``civic.platform`` 'on' and a proof only the application can make
(partnerships/platform_scope.py). Memberships are also visible to their own user through
``civic.user_id``, so the partnership picker works before a tenant is chosen.
With nothing set the policies admit nothing: a query someone forgot to scope
returns no rows rather than another partnership's.

The settings are transaction-local (``set_config(..., true)``), so they cannot
leak from one request or task to the next through a pooled connection.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from .platform_scope import proof

PARTNERSHIP = "civic.partnership_id"
USER = "civic.user_id"
PLATFORM = "civic.platform"
PLATFORM_PROOF = "civic.platform_proof"
INVITATION = "civic.invitation_digest"


def _apply(values: dict[str, str]) -> None:
    names = list(values)
    sql = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names)
    params = [item for name in names for item in (name, values[name])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _current() -> dict[str, str]:
    names = (PARTNERSHIP, USER, PLATFORM, PLATFORM_PROOF)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s, true)" for _ in names), names
        )
        row = cursor.fetchone()
    return {name: value or "" for name, value in zip(names, row, strict=True)}


def current_context() -> dict[str, str]:
    """The current transaction's tenant settings, by name (to carry them to
    another connection: partnerships.replica)."""
    return _current()


def set_partnership(partnership_id: int | None) -> None:
    """Point the current transaction (inside a scope) at one partnership."""
    _apply({PARTNERSHIP: "" if partnership_id is None else str(partnership_id)})


def set_user(user_id: int | None) -> None:
    """Name the person of the current transaction (inside a scope).

    The middleware names the session's user; an API request authenticated
    by a token is known only once DRF has authenticated it, inside the view.
    """
    _apply({USER: "" if user_id is None else str(user_id)})


def set_invitation(digest: str) -> None:
    """Let the current transaction read the one invitation with this digest.

    Someone opening an invitation link is not yet a member of anything; the
    invitations' policy admits the row whose digest is named here, and no
    other (partnerships migration 0009).
    """
    _apply({INVITATION: digest})


def _platform(on: bool) -> dict[str, str]:
    if not on:
        return {PLATFORM: "off", PLATFORM_PROOF: ""}
    with connection.cursor() as cursor:
        cursor.execute("SELECT civic_platform_nonce()")
        (nonce,) = cursor.fetchone()
    return {PLATFORM: "on", PLATFORM_PROOF: proof(nonce)}


def set_platform() -> None:
    """Open the platform scope in the current transaction (inside a scope)."""
    _apply(_platform(True))


def current_partnership_id() -> int | None:
    value = _current()[PARTNERSHIP]
    return int(value) if value else None


@contextmanager
def scope(
    *,
    partnership_id: int | None = None,
    user_id: int | None = None,
    platform: bool = False,
) -> Iterator[None]:
    """Run the block in a transaction with the given tenant context.

    Nested scopes (a test that makes a request, a task that calls a service
    inside another scope) restore the outer context when they end; the
    outermost scope needs no restore because its transaction ends with it.
    """
    nested = connection.in_atomic_block
    with transaction.atomic():
        previous = _current() if nested else None
        _apply(
            {
                PARTNERSHIP: "" if partnership_id is None else str(partnership_id),
                USER: "" if user_id is None else str(user_id),
                **_platform(platform),
            }
        )
        yield
        if previous is not None:
            _apply(previous)


def partnership_scope(partnership_id: int):
    """One partnership's rows: for Celery tasks and commands acting for it."""
    return scope(partnership_id=partnership_id)


def platform_scope():
    """Every partnership's rows: for platform staff and management commands."""
    return scope(platform=True)


def platform_key_matches() -> bool:
    """Whether the database admits this application to the platform scope:
    False when the key installed by the last ``migrate`` was made from
    another ``SECRET_KEY`` (the platform scope then sees no partnership's
    rows at all; ``migrate`` with this key installs it again)."""
    with platform_scope(), connection.cursor() as cursor:
        cursor.execute("SELECT civic_platform_active()")
        return cursor.fetchone()[0]
