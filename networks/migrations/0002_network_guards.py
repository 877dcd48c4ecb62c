"""Row-level security for the networks' tables, and the triggers that keep
the shared copies' source version moving.

* A network and its library: readable by platform staff and by the
  partnerships with a membership row in it (the library by those invited or
  accepted only); written in the platform scope alone.
* Memberships and adoptions: the partnership's own rows (the tenant policy).
* Shared copies: readable by the sessions of the network's accepted members
  (and platform staff); written, only ever for itself and only while it is an
  accepted member, by the sharing partnership. The tenant tables' own
  policies are untouched: another member never reads them.
"""

from django.db import migrations

from partnerships.platform_scope import INSTALL_FUNCTIONS, PLATFORM_ACTIVE
from partnerships.rls import TENANT_MATCH, enable_rls, same_partnership_fk

CURRENT = "NULLIF(current_setting('civic.partnership_id', true), '')::bigint"


def member_of(network_column: str, statuses: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{s}'" for s in statuses)
    return (
        "EXISTS (SELECT 1 FROM networks_networkmembership m "
        f"WHERE m.network_id = {network_column} AND m.partnership_id = {CURRENT} "
        f"AND m.status IN ({listed}))"
    )


def policies(table: str, statements: list[str]) -> migrations.RunSQL:
    names = [s.split()[2] for s in statements]
    return migrations.RunSQL(
        sql=[
            *INSTALL_FUNCTIONS,
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            *statements,
        ],
        reverse_sql=[
            *[f"DROP POLICY IF EXISTS {n} ON {table}" for n in names],
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ],
    )


ANY_STATUS = ("invited", "accepted", "declined", "left")
INVITED_OR_MEMBER = ("invited", "accepted")
MEMBER = ("accepted",)

# What a shared copy shows: a write to any of these moves the sharing
# partnership's copies' source version on, in the writer's transaction
# (a statement-level trigger per table and event), whichever path wrote it.
WATCHED = [
    "kpis_performancemeasure",
    "kpis_measuretarget",
    "kpis_quarterlyvalue",
    "kpis_dimension",
    "kpis_dimensioncategory",
    "kpis_curvestory",
    "public_publication",
]

FUNCTION = """
CREATE FUNCTION networks_source_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE networks_sharedcopy SET source_version = source_version + 1
    WHERE partnership_id IN (SELECT DISTINCT partnership_id FROM changed_rows);
    RETURN NULL;
END
$$
"""

PARTNERSHIP_FUNCTION = """
CREATE FUNCTION networks_partnership_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE networks_sharedcopy SET source_version = source_version + 1
    WHERE partnership_id IN (SELECT id FROM changed_rows);
    RETURN NULL;
END
$$
"""


def triggers(table: str, function: str, events=("INSERT", "UPDATE", "DELETE")):
    sql, reverse = [], []
    for event in events:
        transition = "OLD" if event == "DELETE" else "NEW"
        name = f"{table}_networks_{event.lower()}"[:63]
        sql.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS changed_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        reverse.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    return migrations.RunSQL(sql=sql, reverse_sql=reverse)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_networks"),
        ("public", "0002_tenant_guards_and_data_version"),
        ("wellbeing", "0008_merge_curve_stories_text_limits"),
    ]

    operations = [
        policies(
            "networks_network",
            [
                "CREATE POLICY network_read ON networks_network FOR SELECT USING "
                f"({PLATFORM_ACTIVE} OR {member_of('networks_network.id', ANY_STATUS)})",
                "CREATE POLICY network_write ON networks_network FOR ALL "
                f"USING ({PLATFORM_ACTIVE}) WITH CHECK ({PLATFORM_ACTIVE})",
            ],
        ),
        policies(
            "networks_sharedmeasure",
            [
                "CREATE POLICY library_read ON networks_sharedmeasure FOR SELECT "
                f"USING ({PLATFORM_ACTIVE} OR "
                f"{member_of('networks_sharedmeasure.network_id', INVITED_OR_MEMBER)})",
                "CREATE POLICY library_write ON networks_sharedmeasure FOR ALL "
                f"USING ({PLATFORM_ACTIVE}) WITH CHECK ({PLATFORM_ACTIVE})",
            ],
        ),
        enable_rls("networks_networkmembership"),
        enable_rls("networks_adoption"),
        same_partnership_fk(
            "networks_adoption", ["measure_id"], "kpis_performancemeasure"
        ),
        policies(
            "networks_sharedcopy",
            [
                "CREATE POLICY copy_read ON networks_sharedcopy FOR SELECT USING "
                f"({TENANT_MATCH} OR "
                f"{member_of('networks_sharedcopy.network_id', MEMBER)})",
                "CREATE POLICY copy_insert ON networks_sharedcopy FOR INSERT "
                f"WITH CHECK (({TENANT_MATCH}) AND "
                f"{member_of('networks_sharedcopy.network_id', MEMBER).replace(CURRENT, 'networks_sharedcopy.partnership_id')})",
                "CREATE POLICY copy_update ON networks_sharedcopy FOR UPDATE "
                f"USING ({TENANT_MATCH}) WITH CHECK ({TENANT_MATCH})",
                "CREATE POLICY copy_delete ON networks_sharedcopy FOR DELETE "
                f"USING ({TENANT_MATCH})",
            ],
        ),
        same_partnership_fk("networks_sharedcopy", ["adoption_id"], "networks_adoption"),
        migrations.RunSQL(
            sql=FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS networks_source_changed()",
        ),
        migrations.RunSQL(
            sql=PARTNERSHIP_FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS networks_partnership_changed()",
        ),
        *[triggers(table, "networks_source_changed") for table in WATCHED],
        triggers("partnerships_partnership", "networks_partnership_changed", ("UPDATE",)),
    ]
