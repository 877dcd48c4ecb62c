from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0008_national_frameworks_contributions"),
        ("outcomes", "0004_project_partnership_id_unique"),
    ]

    # The framework tables themselves are shared reference data: no
    # partnership, no row-level security; their trigger refuses writes
    # outside the platform context.
    operations = [
        enable_rls("kpis_contribution"),
        same_partnership_fk("kpis_contribution", ["priority_id"], "outcomes_priority"),
        same_partnership_fk("kpis_contribution", ["outcome_id"], "outcomes_outcome"),
        same_partnership_fk(
            "kpis_contribution", ["measure_id"], "kpis_performancemeasure"
        ),
        same_partnership_fk("kpis_contribution", ["project_id"], "outcomes_project"),
    ]
