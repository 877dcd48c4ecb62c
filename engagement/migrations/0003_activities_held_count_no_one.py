"""Measures computed as "activities held" count events, not people: public
pages show their small figures as they are (kpis 0027's counts_people)."""

from django.db import migrations


def activities_count_no_one(apps, schema_editor):
    # Every partnership's rows (platform work, for this migration's
    # transaction), as reports 0004 does.
    schema_editor.execute("SELECT set_config('civic.platform', 'on', true)")
    ComputedMeasure = apps.get_model("engagement", "ComputedMeasure")
    PerformanceMeasure = apps.get_model("kpis", "PerformanceMeasure")
    PerformanceMeasure.objects.filter(
        pk__in=ComputedMeasure.objects.filter(kind="activities").values("measure_id")
    ).update(counts_people=False)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_tenant_and_locked_quarter_guards"),
        ("kpis", "0027_measure_counts_people"),
    ]

    operations = [
        migrations.RunPython(activities_count_no_one, migrations.RunPython.noop),
    ]
