"""One data version: the public pages are keyed by the partnership's
``partnerships_dataversion`` (the dashboard's), not by a counter of their own.

public 0002's triggers, which bumped ``public_publication.data_version`` on
every statement, go; the tables the public page shows that the dashboard's
triggers do not cover bump the one version instead; and anyone may read a
published partnership's version (public requests have no tenant context).
"""

from django.db import migrations

from partnerships.rls import data_version_triggers

# public 0002's triggers: (table, function).
OLD_TRIGGERS = [
    (table, "public_data_changed")
    for table in (
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
    )
] + [("partnerships_partnership", "public_partnership_changed")]

# What the public page shows beyond the dashboard's tables (kpis 0024,
# outcomes 0007, partnerships 0015 cover the strategy, the measures, their
# targets and figures, and the partnership's own row).
NEWLY_WATCHED = [
    "reports_annualreport",
    "public_publication",
    "public_publishedpriority",
    "public_publishedmeasure",
    "public_publishedreport",
]

PUBLISHED_VERSION = (
    "EXISTS (SELECT 1 FROM public_publication p "
    "WHERE p.partnership_id = partnerships_dataversion.partnership_id "
    "AND p.is_published)"
)


def drop_old_triggers() -> migrations.RunSQL:
    sql = [
        f"DROP TRIGGER IF EXISTS {f'{table}_public_{event}'[:63]} ON {table}"
        for table, _function in OLD_TRIGGERS
        for event in ("insert", "update", "delete")
    ]
    sql += [
        "DROP FUNCTION IF EXISTS public_data_changed()",
        "DROP FUNCTION IF EXISTS public_partnership_changed()",
    ]
    return migrations.RunSQL(sql=sql, reverse_sql=migrations.RunSQL.noop)


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0003_public_report_editions"),
        ("partnerships", "0019_data_version_changed_at"),
    ]

    operations = [
        drop_old_triggers(),
        migrations.RemoveField(model_name="publication", name="data_version"),
        *[data_version_triggers(table) for table in NEWLY_WATCHED],
        migrations.RunSQL(
            sql="CREATE POLICY public_read ON partnerships_dataversion FOR SELECT "
            f"USING ({PUBLISHED_VERSION})",
            reverse_sql="DROP POLICY IF EXISTS public_read ON partnerships_dataversion",
        ),
    ]
