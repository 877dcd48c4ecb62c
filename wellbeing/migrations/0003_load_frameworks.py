from django.db import migrations


def load(apps, schema_editor):
    # The same loader as `manage.py load_frameworks`, on the historical models.
    # kpis/0010 did this before the models moved; on a database it already
    # filled, the loader finds every row unchanged and writes nothing.
    from wellbeing.frameworks import load_frameworks

    load_frameworks(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0002_copy_partnership_frameworks")]

    # Reversing leaves the reference rows, as kpis/0010's reversal did.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
