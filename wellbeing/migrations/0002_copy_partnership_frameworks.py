from django.db import migrations

# Row-level security on the new table binds the migrating role too: the copy
# runs in the platform context (transaction-local, as tenancy.scope sets it).
PLATFORM = "SELECT set_config('civic.platform', 'on', true)"


class Migration(migrations.Migration):
    """Each partnership's framework, from Partnership.framework (which
    partnerships/0007 then drops) into FrameworkAdoption."""

    dependencies = [
        ("wellbeing", "0001_initial"),
        ("partnerships", "0006_merge_population_data"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                PLATFORM,
                "INSERT INTO wellbeing_frameworkadoption (partnership_id, framework_id)"
                " SELECT id, framework_id FROM partnerships_partnership"
                " WHERE framework_id IS NOT NULL",
            ],
            reverse_sql=[
                PLATFORM,
                "UPDATE partnerships_partnership p SET framework_id = a.framework_id"
                " FROM wellbeing_frameworkadoption a WHERE a.partnership_id = p.id",
                "DELETE FROM wellbeing_frameworkadoption",
            ],
        ),
    ]
