"""Reads from a streaming replica, for the pages that only read.

With ``DATABASE_REPLICA_URL`` set (settings: the ``replica`` alias and
``ReplicaRouter``), the views marked ``@replica_view`` (dashboards, the
measure page, reports, exports) run their reads on the replica, a PostgreSQL
hot standby streaming from the primary. Everything else reads from the
primary, and every write goes to the primary wherever it is made.

Row-level security binds the replica as it binds the primary: the reads run
in a read-only transaction on the replica that carries the same tenant
context (``civic.partnership_id``, ``civic.user_id``, ``civic.platform``)
as the request's transaction on the primary.

Read your writes: a replica lags the primary by a moment. A session that has
just changed something (any POST, PUT, PATCH or DELETE it made in the last
``REPLICA_READ_YOUR_WRITES_SECONDS``) reads from the primary, so the page it
comes back to shows what it saved.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import tenancy

REPLICA = "replica"
WROTE_AT_KEY = "civic_wrote_at"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reading = ContextVar("civic_replica_reads", default=False)


class ReplicaRouter:
    """Reads inside ``replica_reads`` go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # Also for an instance read from the replica and then saved.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's very rows.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reading_from_replica() -> bool:
    return _reading.get() and replica_configured()


@contextmanager
def replica_reads() -> Iterator[None]:
    """Route the block's reads to the replica (when there is one), in a
    read-only transaction carrying the primary's current tenant context."""
    if not replica_configured() or _reading.get():
        yield
        return
    context = tenancy.current_context()
    with transaction.atomic(using=REPLICA):
        with connections[REPLICA].cursor() as cursor:
            # One snapshot for the whole view: a data version read on the
            # replica belongs to the very figures read with it.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            names = list(context)
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                [item for name in names for item in (name, context[name])],
            )
        token = _reading.set(True)
        try:
            yield
        finally:
            _reading.reset(token)


def wrote_recently(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    wrote_at = session.get(WROTE_AT_KEY)
    window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
    return wrote_at is not None and time.time() - wrote_at < window


def replica_view(view: Callable) -> Callable:
    """A page that only reads: its reads go to the replica, unless the
    request changes something or its session wrote a moment ago."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in SAFE_METHODS and not wrote_recently(request):
            with replica_reads():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


class ReadYourWritesMiddleware:
    """Notes in the session when it last sent a request that may change
    something, so that its next pages read from the primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            request.method not in SAFE_METHODS
            and session is not None
            and replica_configured()
        ):
            session[WROTE_AT_KEY] = time.time()
        return response
