from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0003_curve_story_actions"),
        ("wellbeing", "0006_curve_stories_for_measures"),
    ]

    operations = [
        enable_rls("delivery_curvestoryaction"),
        same_partnership_fk(
            "delivery_curvestoryaction", ["action_id"], "delivery_action"
        ),
        same_partnership_fk(
            "delivery_curvestoryaction", ["story_id"], "kpis_curvestory"
        ),
    ]
