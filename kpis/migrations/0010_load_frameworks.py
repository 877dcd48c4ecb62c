from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0009_contribution_tenant_guards"),
        ("partnerships", "0004_partnership_framework"),
    ]

    # This migration loaded the shipped national frameworks while their models
    # lived in kpis. They live in wellbeing now, which loads them in
    # wellbeing/0003_load_frameworks (the same idempotent loader): a database
    # migrated before the move already holds them, and a fresh one gets them
    # there. Nothing between here and that migration reads them.
    operations = []
