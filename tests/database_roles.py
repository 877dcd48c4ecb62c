"""The two database roles, as the tests use them.

The tests connect as the runtime role (DATABASE_URL), as the application
does; the test databases are created, migrated, copied, emptied and dropped
by the owner role (DATABASE_OWNER_URL), as a deployment's `migrate` is run.
"""

import os
from contextlib import contextmanager

import dj_database_url
import pytest
from django.db import connections


def owner_settings() -> dict:
    url = os.environ.get("DATABASE_OWNER_URL", "")
    if not url:
        raise pytest.UsageError(
            "DATABASE_OWNER_URL is not set: the tests migrate as the owner role and "
            "run as the runtime role (scripts/test-services.sh prints both URLs)."
        )
    return dj_database_url.parse(url)


@contextmanager
def as_database_owner(alias: str = "default"):
    """Connect ``alias`` as the owner role until the block ends."""
    connection = connections[alias]
    owner = owner_settings()
    settings_dict = connection.settings_dict
    runtime = settings_dict["USER"], settings_dict["PASSWORD"]
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = owner["USER"], owner["PASSWORD"]
    try:
        yield
    finally:
        connection.close()
        settings_dict["USER"], settings_dict["PASSWORD"] = runtime


@contextmanager
def owner_connection():
    """A connection of its own as the owner role, in a transaction rolled
    back at the end: for a test of what even the owner cannot do."""
    import psycopg

    owner = owner_settings()
    database = connections["default"].settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=owner["USER"],
        password=owner["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    ) as conn:
        try:
            yield conn
        finally:
            conn.rollback()
