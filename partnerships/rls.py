"""SQL for the database's own tenant guards, used by the apps' migrations.

Two guards, both enforced by PostgreSQL whatever path a write takes (views,
the admin site, bulk updates, raw SQL):

* row-level security on every tenant table, FORCEd so that it binds the
  table owner too (the application's role owns its tables but is neither a
  superuser nor BYPASSRLS);
* composite foreign keys ``(partnership_id, x_id) -> parent (partnership_id,
  id)``, so that a child row can never point at another partnership's parent.
"""

from django.db import migrations

from .platform_scope import INSTALL_FUNCTIONS, PLATFORM_ACTIVE

# The platform scope is the owner's function's to grant (platform_scope.py).
TENANT_MATCH = (
    "partnership_id = NULLIF(current_setting('civic.partnership_id', true), '')::bigint"
    f" OR {PLATFORM_ACTIVE}"
)
OWN_MEMBERSHIP = "user_id = NULLIF(current_setting('civic.user_id', true), '')::bigint"


def enable_rls(table: str, *, extra_read: str | None = None) -> migrations.RunSQL:
    using = f"({TENANT_MATCH})"
    if extra_read:
        using = f"({TENANT_MATCH} OR {extra_read})"
    return migrations.RunSQL(
        sql=[
            *INSTALL_FUNCTIONS,
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {table} USING {using} "
            f"WITH CHECK ({TENANT_MATCH})",
        ],
        reverse_sql=[
            f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ],
    )


def same_partnership_fk(
    table: str,
    columns: list[str],
    parent: str,
    parent_columns: list[str] | None = None,
    *,
    on_update_cascade: bool = False,
) -> migrations.RunSQL:
    name = f"{table}_{'_'.join(columns)}_same_partnership"[:63]
    parent_columns = parent_columns or ["id"]
    cascade = " ON UPDATE CASCADE" if on_update_cascade else ""
    return migrations.RunSQL(
        sql=(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY "
            f"(partnership_id, {', '.join(columns)}) REFERENCES {parent} "
            f"(partnership_id, {', '.join(parent_columns)}){cascade} "
            "DEFERRABLE INITIALLY DEFERRED"
        ),
        reverse_sql=f"ALTER TABLE {table} DROP CONSTRAINT {name}",
    )


def enable_rls_platform_events(table: str) -> migrations.RunSQL:
    """Row-level security for a log with rows outside any partnership.

    Reads: a partnership's own rows, or every row in the platform scope (a
    row without a partnership matches no partnership, so only platform staff
    see those). Writes: a row for the current partnership, or for none (a
    sign-in happens before any partnership is chosen); never one for another
    partnership.
    """
    return migrations.RunSQL(
        sql=[
            *INSTALL_FUNCTIONS,
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_read ON {table} FOR SELECT USING ({TENANT_MATCH})",
            f"CREATE POLICY tenant_write ON {table} FOR INSERT "
            f"WITH CHECK (partnership_id IS NULL OR {TENANT_MATCH})",
        ],
        reverse_sql=[
            f"DROP POLICY IF EXISTS tenant_write ON {table}",
            f"DROP POLICY IF EXISTS tenant_read ON {table}",
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ],
    )


# The data version (partnerships.models.DataVersion): one statement-level
# trigger function for every table whose rows a cached read model shows. It
# bumps each partnership the statement touched, once per statement however
# many rows it changed, and skips a partnership being deleted (its version
# row goes with it). A first version is a random number, so that a database
# made again from scratch (the tests', a restored one) never repeats the
# versions a shared cache has already seen.
DATA_VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION partnerships_data_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partnerships_dataversion AS current (partnership_id, version)
    SELECT touched.partnership_id, floor(random() * 1e15)::bigint
    FROM (
        SELECT DISTINCT changed.partnership_id FROM changed_rows AS changed
        WHERE changed.partnership_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM partnerships_partnership p
            WHERE p.id = changed.partnership_id
        )
    ) AS touched
    ORDER BY 1
    ON CONFLICT (partnership_id) DO UPDATE SET version = current.version + 1;
    RETURN NULL;
END
$$
"""


def data_version_triggers(table: str) -> migrations.RunSQL:
    """Bump the data version of the partnerships a statement on ``table``
    changes (its ``partnership_id`` column): inserts, updates and deletes."""
    events = (
        ("insert", "INSERT", "NEW"),
        ("update", "UPDATE", "NEW"),
        ("delete", "DELETE", "OLD"),
    )
    return migrations.RunSQL(
        sql=[
            f"CREATE TRIGGER data_version_{name} AFTER {event} ON {table} "
            f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION partnerships_data_version_bump()"
            for name, event, rows in events
        ],
        reverse_sql=[
            f"DROP TRIGGER IF EXISTS data_version_{name} ON {table}"
            for name, _event, _rows in events
        ],
    )
