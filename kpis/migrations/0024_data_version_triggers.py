from django.db import migrations

from partnerships.rls import data_version_triggers

# What the cached read models (the dashboard) show of kpis.
TABLES = [
    "kpis_quarterlyvalue",
    "kpis_performancemeasure",
    "kpis_measuretarget",
    "kpis_measurelead",
    "kpis_period",
    "kpis_dimension",
    "kpis_dimensioncategory",
]


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0023_locked_quarter_guard_by_primary_key"),
        ("partnerships", "0015_data_version"),
    ]

    operations = [data_version_triggers(table) for table in TABLES]
