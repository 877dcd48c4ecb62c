from django.db import migrations


class Migration(migrations.Migration):
    # The framework a partnership adopts lives in wellbeing now
    # (wellbeing.FrameworkAdoption); wellbeing/0002 copied every partnership's
    # framework there first. Reversing re-adds the column empty, and reversing
    # wellbeing/0002 then fills it back.
    dependencies = [
        ("partnerships", "0006_merge_population_data"),
        ("wellbeing", "0002_copy_partnership_frameworks"),
    ]

    operations = [
        migrations.RemoveField(model_name="partnership", name="framework"),
    ]
