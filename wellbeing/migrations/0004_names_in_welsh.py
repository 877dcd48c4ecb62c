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
        ("wellbeing", "0003_load_frameworks"),
    ]

    operations = [
        migrations.AddField(
            model_name="nationalframework",
            name="name_cy",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="nationalframework",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="nationalindicator",
            name="title_cy",
            field=models.CharField(max_length=400, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="nationalindicator",
            name="title_en",
            field=models.CharField(max_length=400, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="wayofworking",
            name="name_cy",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="wayofworking",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="wellbeinggoal",
            name="name_cy",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="wellbeinggoal",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.RunPython(
            copy_texts_to_english(
                {
                    "kpis_nationalframework": ("name",),
                    "kpis_wellbeinggoal": ("name",),
                    "kpis_wayofworking": ("name",),
                    "kpis_nationalindicator": ("title",),
                }
            ),
            migrations.RunPython.noop,
        ),
    ]
