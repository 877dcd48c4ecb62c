from django.db import migrations, models


def load(apps, schema_editor):
    # The loader again, now that the tables have their Welsh columns: every
    # row still as shipped gains its Welsh name; a row staff edited is kept.
    from wellbeing.frameworks import load_frameworks

    load_frameworks(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("wellbeing", "0004_names_in_welsh"),
    ]

    operations = [
        migrations.AddField(
            model_name="wayofworking",
            name="welsh_confirmed",
            field=models.BooleanField(
                default=False,
                help_text="The Welsh name checked against the official Welsh text.",
                verbose_name="Welsh name confirmed",
            ),
        ),
        migrations.AddField(
            model_name="wellbeinggoal",
            name="welsh_confirmed",
            field=models.BooleanField(
                default=False,
                help_text="The Welsh name checked against the official Welsh text.",
                verbose_name="Welsh name confirmed",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
