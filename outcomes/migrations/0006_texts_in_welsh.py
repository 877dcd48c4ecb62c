from django.db import migrations, models


def copy_texts_to_english(tables: dict[str, tuple[str, ...]]):
    """The texts so far are English: copy each into its ``_en`` column.

    Every partnership's rows (the platform context, as tables FORCE row-level
    security); an empty text stays NULL, as modeltranslation stores it.
    """

    def forwards(apps, schema_editor):
        from partnerships import tenancy

        with tenancy.platform_scope(), schema_editor.connection.cursor() as cursor:
            for table, fields in tables.items():
                assignments = ", ".join(
                    f"{field}_en = NULLIF({field}, '')" for field in fields
                )
                cursor.execute(f"UPDATE {table} SET {assignments}")

    return forwards


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0005_project_priority_follows_outcome"),
        ("partnerships", "0008_security_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="mission",
            name="description_cy",
            field=models.TextField(blank=True, null=True, verbose_name="what it means"),
        ),
        migrations.AddField(
            model_name="mission",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="what it means"),
        ),
        migrations.AddField(
            model_name="mission",
            name="statement_cy",
            field=models.CharField(max_length=300, null=True, verbose_name="mission"),
        ),
        migrations.AddField(
            model_name="mission",
            name="statement_en",
            field=models.CharField(max_length=300, null=True, verbose_name="mission"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="statement_cy",
            field=models.TextField(null=True, verbose_name="outcome"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="statement_en",
            field=models.TextField(null=True, verbose_name="outcome"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="what_it_looks_like_cy",
            field=models.TextField(
                blank=True, null=True, verbose_name="what this will look like"
            ),
        ),
        migrations.AddField(
            model_name="outcome",
            name="what_it_looks_like_en",
            field=models.TextField(
                blank=True, null=True, verbose_name="what this will look like"
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="mission_statement_cy",
            field=models.TextField(
                blank=True, null=True, verbose_name="mission statement"
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="mission_statement_en",
            field=models.TextField(
                blank=True, null=True, verbose_name="mission statement"
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="name_cy",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="priority",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="project",
            name="description_cy",
            field=models.TextField(
                blank=True, null=True, verbose_name="how we will achieve this"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="description_en",
            field=models.TextField(
                blank=True, null=True, verbose_name="how we will achieve this"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="name_cy",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="project",
            name="name_en",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="priority",
            constraint=models.UniqueConstraint(
                fields=("partnership", "name_en"), name="priority_name_unique-en"
            ),
        ),
        migrations.AddConstraint(
            model_name="priority",
            constraint=models.UniqueConstraint(
                fields=("partnership", "name_cy"), name="priority_name_unique-cy"
            ),
        ),
        migrations.RunPython(
            copy_texts_to_english(
                {
                    "outcomes_mission": ("statement", "description"),
                    "outcomes_priority": ("name", "mission_statement"),
                    "outcomes_outcome": ("statement", "what_it_looks_like"),
                    "outcomes_project": ("name", "description"),
                }
            ),
            migrations.RunPython.noop,
        ),
    ]
