"""Security events: written to the append-only table and to the log."""

import json
import logging

from django.db import connection

from .models import Partnership, SecurityEvent, SecurityEventKind, User

logger = logging.getLogger("civic.security")


def client_address(request) -> str | None:
    """The client's address as the sign-in lockout counts it (django-axes'
    reading of REMOTE_ADDR and, behind trusted proxies, X-Forwarded-For)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _insert(event: SecurityEvent) -> None:
    """One statement: the next id, and the row INSERTed with it.

    Without RETURNING (which the ORM always adds): returning a row needs the
    right to read it, and an event outside any partnership (a failed
    sign-in) is readable only in the platform scope, though anyone may write
    one. The id comes back from the CTE that draws it, not from the table.
    A single statement needs no savepoint: it is written whole or not at all.
    """
    table = SecurityEvent._meta.db_table
    columns = ["occurred_at", "kind", "actor", "email", "partnership", "address"]
    fields = [SecurityEvent._meta.get_field(name) for name in columns]
    fields.append(SecurityEvent._meta.get_field("detail"))
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in fields
    ]
    names = ", ".join(["id"] + [field.column for field in fields])
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id), "
            f"inserted AS (INSERT INTO {table} ({names}) "
            f"VALUES ((SELECT id FROM new), {marks})) "
            "SELECT id FROM new",
            [table, *values],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = "default"


def security_event_record(
    *,
    kind: SecurityEventKind | str,
    actor: User | None = None,
    email: str = "",
    partnership: Partnership | None = None,
    request=None,
    detail: dict | None = None,
) -> SecurityEvent:
    """Record an event: a row (refused by the database ever after to change)
    and one structured JSON line in the log."""
    if actor is not None and not email:
        email = actor.email
    event = SecurityEvent(
        kind=kind,
        actor=actor,
        email=email[:254],
        partnership=partnership,
        address=client_address(request),
        detail=detail or {},
    )
    _insert(event)
    logger.info(
        json.dumps(
            {
                "event": "security",
                "kind": str(event.kind),
                "at": event.occurred_at.isoformat(),
                "actor_id": event.actor_id,
                "email": event.email,
                "partnership_id": event.partnership_id,
                "address": event.address,
                "detail": event.detail,
            },
            sort_keys=True,
            default=str,
        )
    )
    return event
