from django.db import migrations


def load(apps, schema_editor):
    # The same loader as `manage.py load_frameworks`, on the historical models.
    from kpis.frameworks import load_frameworks

    load_frameworks(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0009_contribution_tenant_guards"),
        ("partnerships", "0004_partnership_framework"),
    ]

    # Reversing leaves the reference rows: 0008's reversal drops the tables.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
