from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk

PUBLISHED = "is_published"
# The published copy is readable while its partnership is published.
SNAPSHOT_PUBLISHED = (
    "EXISTS (SELECT 1 FROM public_publication p "
    "WHERE p.partnership_id = public_publicsnapshot.partnership_id "
    "AND p.is_published)"
)


def public_read(table: str, condition: str) -> migrations.RunSQL:
    """Anyone may read the rows meeting ``condition`` (writes stay the tenant's)."""
    return migrations.RunSQL(
        sql=f"CREATE POLICY public_read ON {table} FOR SELECT USING ({condition})",
        reverse_sql=f"DROP POLICY IF EXISTS public_read ON {table}",
    )


# What the public page shows: a write to any of these moves the partnership's
# data version on, in the writer's own transaction (a statement-level trigger
# per table and event, over the rows the statement touched), whichever path
# wrote it: a service, the admin site, a bulk update, raw SQL.
WATCHED = [
    "outcomes_mission",
    "outcomes_priority",
    "outcomes_outcome",
    "kpis_performancemeasure",
    "kpis_measuretarget",
    "kpis_quarterlyvalue",
    "kpis_dimension",
    "kpis_dimensioncategory",
    "reports_annualreport",
    "public_publishedpriority",
    "public_publishedmeasure",
    "public_publishedreport",
]

FUNCTION = """
CREATE FUNCTION public_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_publication SET data_version = data_version + 1, updated_at = now()
    WHERE partnership_id IN (SELECT DISTINCT partnership_id FROM changed_rows);
    RETURN NULL;
END
$$
"""

PARTNERSHIP_FUNCTION = """
CREATE FUNCTION public_partnership_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_publication SET data_version = data_version + 1, updated_at = now()
    WHERE partnership_id IN (SELECT id FROM changed_rows);
    RETURN NULL;
END
$$
"""


def triggers(table: str, function: str) -> migrations.RunSQL:
    sql, reverse = [], []
    for event, transition in (
        ("INSERT", "NEW"),
        ("UPDATE", "NEW"),
        ("DELETE", "OLD"),
    ):
        name = f"{table}_public_{event.lower()}"[:63]
        sql.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS changed_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        reverse.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    return migrations.RunSQL(sql=sql, reverse_sql=reverse)


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_publication"),
        ("outcomes", "0006_texts_in_welsh"),
        ("kpis", "0022_period_lock_guard_lock_history_append_only"),
        ("reports", "0004_failure_codes_from_old_reasons"),
    ]

    operations = [
        enable_rls("public_publication"),
        public_read("public_publication", PUBLISHED),
        enable_rls("public_publishedpriority"),
        enable_rls("public_publishedmeasure"),
        enable_rls("public_publishedreport"),
        enable_rls("public_publicsnapshot"),
        public_read("public_publicsnapshot", SNAPSHOT_PUBLISHED),
        same_partnership_fk(
            "public_publishedpriority", ["priority_id"], "outcomes_priority"
        ),
        same_partnership_fk(
            "public_publishedmeasure", ["measure_id"], "kpis_performancemeasure"
        ),
        migrations.RunSQL(
            sql=FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS public_data_changed()"
        ),
        migrations.RunSQL(
            sql=PARTNERSHIP_FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS public_partnership_changed()",
        ),
        *[triggers(table, "public_data_changed") for table in WATCHED],
        triggers("partnerships_partnership", "public_partnership_changed"),
    ]

