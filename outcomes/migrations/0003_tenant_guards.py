from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_initial"),
        ("partnerships", "0002_tenant_guards"),
    ]

    operations = [
        enable_rls("outcomes_mission"),
        enable_rls("outcomes_priority"),
        enable_rls("outcomes_outcome"),
        enable_rls("outcomes_project"),
        same_partnership_fk("outcomes_outcome", ["priority_id"], "outcomes_priority"),
        same_partnership_fk("outcomes_project", ["priority_id"], "outcomes_priority"),
        same_partnership_fk("outcomes_project", ["outcome_id"], "outcomes_outcome"),
        same_partnership_fk(
            "outcomes_project", ["lead_organisation_id"], "partnerships_organisation"
        ),
    ]
