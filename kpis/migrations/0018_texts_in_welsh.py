import pgtrigger.compiler
import pgtrigger.migrations
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
        ("kpis", "0017_measure_lead_is_a_member"),
        ("partnerships", "0008_security_events"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="performancemeasure",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="performancemeasure",
            name="update_update",
        ),
        migrations.AddField(
            model_name="dimension",
            name="name_cy",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="dimension",
            name="name_en",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="dimensioncategory",
            name="name_cy",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="dimensioncategory",
            name="name_en",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="data_source_cy",
            field=models.CharField(
                blank=True, max_length=300, null=True, verbose_name="data source"
            ),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="data_source_en",
            field=models.CharField(
                blank=True, max_length=300, null=True, verbose_name="data source"
            ),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="definition_cy",
            field=models.TextField(blank=True, null=True, verbose_name="definition"),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="definition_en",
            field=models.TextField(blank=True, null=True, verbose_name="definition"),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="name_cy",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="name_en",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="unit_cy",
            field=models.CharField(
                blank=True, max_length=60, null=True, verbose_name="unit"
            ),
        ),
        migrations.AddField(
            model_name="measureevent",
            name="unit_en",
            field=models.CharField(
                blank=True, max_length=60, null=True, verbose_name="unit"
            ),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="data_source_cy",
            field=models.CharField(
                blank=True, max_length=300, null=True, verbose_name="data source"
            ),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="data_source_en",
            field=models.CharField(
                blank=True, max_length=300, null=True, verbose_name="data source"
            ),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="definition_cy",
            field=models.TextField(blank=True, null=True, verbose_name="definition"),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="definition_en",
            field=models.TextField(blank=True, null=True, verbose_name="definition"),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="name_cy",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="name_en",
            field=models.CharField(max_length=300, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="unit_cy",
            field=models.CharField(
                blank=True, max_length=60, null=True, verbose_name="unit"
            ),
        ),
        migrations.AddField(
            model_name="performancemeasure",
            name="unit_en",
            field=models.CharField(
                blank=True, max_length=60, null=True, verbose_name="unit"
            ),
        ),
        # Before the history triggers return: copying is no change to a measure.
        migrations.RunPython(
            copy_texts_to_english(
                {
                    "kpis_dimension": ("name",),
                    "kpis_dimensioncategory": ("name",),
                    "kpis_performancemeasure": (
                        "name",
                        "unit",
                        "definition",
                        "data_source",
                    ),
                }
            ),
            migrations.RunPython.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="performancemeasure",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "kpis_measureevent" ("aggregation", "annual_target", "baseline_period_id", "baseline_value", "breakdown_first_id", "breakdown_second_id", "change_threshold", "code", "data_source", "data_source_cy", "data_source_en", "definition", "definition_cy", "definition_en", "direction", "id", "is_headline", "name", "name_cy", "name_en", "outcome_id", "partnership_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority_id", "question", "unit", "unit_cy", "unit_en", "value_type") VALUES (NEW."aggregation", NEW."annual_target", NEW."baseline_period_id", NEW."baseline_value", NEW."breakdown_first_id", NEW."breakdown_second_id", NEW."change_threshold", NEW."code", NEW."data_source", NEW."data_source_cy", NEW."data_source_en", NEW."definition", NEW."definition_cy", NEW."definition_en", NEW."direction", NEW."id", NEW."is_headline", NEW."name", NEW."name_cy", NEW."name_en", NEW."outcome_id", NEW."partnership_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."priority_id", NEW."question", NEW."unit", NEW."unit_cy", NEW."unit_en", NEW."value_type"); RETURN NULL;',
                    hash="b87e5bf61f8193e1979f541305519e6edd95a5e1",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_b5661",
                    table="kpis_performancemeasure",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="performancemeasure",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."aggregation" IS DISTINCT FROM (NEW."aggregation") OR OLD."annual_target" IS DISTINCT FROM (NEW."annual_target") OR OLD."baseline_period_id" IS DISTINCT FROM (NEW."baseline_period_id") OR OLD."baseline_value" IS DISTINCT FROM (NEW."baseline_value") OR OLD."breakdown_first_id" IS DISTINCT FROM (NEW."breakdown_first_id") OR OLD."breakdown_second_id" IS DISTINCT FROM (NEW."breakdown_second_id") OR OLD."change_threshold" IS DISTINCT FROM (NEW."change_threshold") OR OLD."code" IS DISTINCT FROM (NEW."code") OR OLD."data_source" IS DISTINCT FROM (NEW."data_source") OR OLD."data_source_cy" IS DISTINCT FROM (NEW."data_source_cy") OR OLD."data_source_en" IS DISTINCT FROM (NEW."data_source_en") OR OLD."definition" IS DISTINCT FROM (NEW."definition") OR OLD."definition_cy" IS DISTINCT FROM (NEW."definition_cy") OR OLD."definition_en" IS DISTINCT FROM (NEW."definition_en") OR OLD."direction" IS DISTINCT FROM (NEW."direction") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."is_headline" IS DISTINCT FROM (NEW."is_headline") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."name_cy" IS DISTINCT FROM (NEW."name_cy") OR OLD."name_en" IS DISTINCT FROM (NEW."name_en") OR OLD."outcome_id" IS DISTINCT FROM (NEW."outcome_id") OR OLD."partnership_id" IS DISTINCT FROM (NEW."partnership_id") OR OLD."priority_id" IS DISTINCT FROM (NEW."priority_id") OR OLD."question" IS DISTINCT FROM (NEW."question") OR OLD."unit" IS DISTINCT FROM (NEW."unit") OR OLD."unit_cy" IS DISTINCT FROM (NEW."unit_cy") OR OLD."unit_en" IS DISTINCT FROM (NEW."unit_en") OR OLD."value_type" IS DISTINCT FROM (NEW."value_type"))',
                    func='INSERT INTO "kpis_measureevent" ("aggregation", "annual_target", "baseline_period_id", "baseline_value", "breakdown_first_id", "breakdown_second_id", "change_threshold", "code", "data_source", "data_source_cy", "data_source_en", "definition", "definition_cy", "definition_en", "direction", "id", "is_headline", "name", "name_cy", "name_en", "outcome_id", "partnership_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority_id", "question", "unit", "unit_cy", "unit_en", "value_type") VALUES (NEW."aggregation", NEW."annual_target", NEW."baseline_period_id", NEW."baseline_value", NEW."breakdown_first_id", NEW."breakdown_second_id", NEW."change_threshold", NEW."code", NEW."data_source", NEW."data_source_cy", NEW."data_source_en", NEW."definition", NEW."definition_cy", NEW."definition_en", NEW."direction", NEW."id", NEW."is_headline", NEW."name", NEW."name_cy", NEW."name_en", NEW."outcome_id", NEW."partnership_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."priority_id", NEW."question", NEW."unit", NEW."unit_cy", NEW."unit_en", NEW."value_type"); RETURN NULL;',
                    hash="5d6aec440d611c8cf47eafe29cc13187607bd292",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_c3bc7",
                    table="kpis_performancemeasure",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="dimension",
            constraint=models.UniqueConstraint(
                fields=("partnership", "name_en"), name="dimension_name_unique-en"
            ),
        ),
        migrations.AddConstraint(
            model_name="dimension",
            constraint=models.UniqueConstraint(
                fields=("partnership", "name_cy"), name="dimension_name_unique-cy"
            ),
        ),
        migrations.AddConstraint(
            model_name="dimensioncategory",
            constraint=models.UniqueConstraint(
                fields=("partnership", "dimension", "name_en"),
                name="dimension_category_name_unique-en",
            ),
        ),
        migrations.AddConstraint(
            model_name="dimensioncategory",
            constraint=models.UniqueConstraint(
                fields=("partnership", "dimension", "name_cy"),
                name="dimension_category_name_unique-cy",
            ),
        ),
    ]
