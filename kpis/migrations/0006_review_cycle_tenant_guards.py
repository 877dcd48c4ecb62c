from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0005_review_cycle_history_breakdowns"),
    ]

    operations = [
        enable_rls("kpis_periodlockchange"),
        enable_rls("kpis_dimension"),
        enable_rls("kpis_dimensioncategory"),
        enable_rls("kpis_measureevent"),
        enable_rls("kpis_quarterlyvalueevent"),
        enable_rls("kpis_reminder"),
        same_partnership_fk("kpis_periodlockchange", ["period_id"], "kpis_period"),
        same_partnership_fk(
            "kpis_dimensioncategory", ["dimension_id"], "kpis_dimension"
        ),
        same_partnership_fk(
            "kpis_performancemeasure", ["breakdown_first_id"], "kpis_dimension"
        ),
        same_partnership_fk(
            "kpis_performancemeasure", ["breakdown_second_id"], "kpis_dimension"
        ),
    ]
