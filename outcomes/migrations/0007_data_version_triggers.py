from django.db import migrations

from partnerships.rls import data_version_triggers

# What the cached read models (the dashboard) show of the strategy.
TABLES = ["outcomes_mission", "outcomes_priority", "outcomes_outcome"]


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0006_texts_in_welsh"),
        ("partnerships", "0015_data_version"),
    ]

    operations = [data_version_triggers(table) for table in TABLES]
