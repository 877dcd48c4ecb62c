"""The runtime role reads and writes rows, and nothing more.

Migrations run as the owner role (DATABASE_URL set to the owner's URL), which
owns the schema and every table. The application's runtime role
(settings.DATABASE_RUNTIME_ROLE, "civic") gets only SELECT, INSERT, UPDATE
and DELETE on the tables and USAGE on the sequences: it cannot alter, drop or
truncate a table, disable a trigger or row-level security, or create one.
The default privileges cover every table a later migration creates.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations
from psycopg import sql

GRANTS = [
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    # PostgreSQL 15's default; spelt out for a database first made by an
    # older one.
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
]
REVOKES = [
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
    "REVOKE USAGE, SELECT ON SEQUENCES FROM {role}",
    "REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM {role}",
    "REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
    "FROM {role}",
]


def _run(schema_editor, statements):
    role = settings.DATABASE_RUNTIME_ROLE
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise ImproperlyConfigured(
                f"The runtime database role {role!r} (DATABASE_RUNTIME_ROLE) does "
                "not exist: create it (scripts/postgres-init.sh) before migrating."
            )
        for statement in statements:
            composed = sql.SQL(statement).format(role=sql.Identifier(role))
            cursor.execute(composed.as_string(schema_editor.connection.connection))


def grant(apps, schema_editor):
    _run(schema_editor, GRANTS)


def revoke(apps, schema_editor):
    _run(schema_editor, REVOKES)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0013_user_language")]

    operations = [migrations.RunPython(grant, revoke, elidable=False)]
