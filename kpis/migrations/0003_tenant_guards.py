from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0002_initial"),
        ("outcomes", "0003_tenant_guards"),
    ]

    operations = [
        enable_rls("kpis_period"),
        enable_rls("kpis_performancemeasure"),
        enable_rls("kpis_measurelead"),
        enable_rls("kpis_quarterlyvalue"),
        same_partnership_fk(
            "kpis_performancemeasure", ["priority_id"], "outcomes_priority"
        ),
        same_partnership_fk("kpis_performancemeasure", ["outcome_id"], "outcomes_outcome"),
        same_partnership_fk(
            "kpis_performancemeasure", ["baseline_period_id"], "kpis_period"
        ),
        same_partnership_fk("kpis_measurelead", ["measure_id"], "kpis_performancemeasure"),
        same_partnership_fk("kpis_quarterlyvalue", ["period_id"], "kpis_period"),
        # Keeps each value's copy of its measure's kind equal to the measure's,
        # so the value's check constraint always applies the right rule; a
        # change of a measure's kind that its values do not fit is refused.
        same_partnership_fk(
            "kpis_quarterlyvalue",
            ["measure_id", "value_type"],
            "kpis_performancemeasure",
            ["id", "value_type"],
            on_update_cascade=True,
        ),
    ]
