from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk

ACTION = "delivery_action"


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_action_plans")]

    operations = [
        enable_rls(ACTION),
        enable_rls("delivery_actionleadagency"),
        enable_rls("delivery_actionoutcome"),
        enable_rls("delivery_actionmeasure"),
        enable_rls("delivery_actionupdate"),
        enable_rls("delivery_actionevent"),
        enable_rls("delivery_actionupdateevent"),
        same_partnership_fk(ACTION, ["priority_id"], "outcomes_priority"),
        same_partnership_fk(ACTION, ["start_period_id"], "kpis_period"),
        same_partnership_fk(ACTION, ["due_period_id"], "kpis_period"),
        same_partnership_fk("delivery_actionleadagency", ["action_id"], ACTION),
        same_partnership_fk(
            "delivery_actionleadagency",
            ["organisation_id"],
            "partnerships_organisation",
        ),
        same_partnership_fk("delivery_actionoutcome", ["action_id"], ACTION),
        same_partnership_fk(
            "delivery_actionoutcome", ["outcome_id"], "outcomes_outcome"
        ),
        same_partnership_fk("delivery_actionmeasure", ["action_id"], ACTION),
        same_partnership_fk(
            "delivery_actionmeasure", ["measure_id"], "kpis_performancemeasure"
        ),
        same_partnership_fk("delivery_actionupdate", ["action_id"], ACTION),
        same_partnership_fk("delivery_actionupdate", ["period_id"], "kpis_period"),
    ]
