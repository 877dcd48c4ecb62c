"""The platform scope needs the application's proof, not a bare setting.

Every tenant policy said ``current_setting('civic.platform') = 'on'``, which
the runtime role could set by itself; each now asks the owner's
``civic_platform_active()`` (partnerships/platform_scope.py). Tables whose
policies a later migration creates get the new form from partnerships.rls.
"""

from django.db import migrations

from partnerships.platform_scope import (
    INSTALL_FUNCTIONS,
    OLD_PLATFORM_MATCH,
    rewrite_policies_sql,
)

NEW_PLATFORM_MATCH = r"\( SELECT civic_platform_active\(\) AS civic_platform_active\)"


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0014_runtime_role_grants"),
        ("exchange", "0004_failure_codes_from_old_reasons"),
        ("kpis", "0022_period_lock_guard_lock_history_append_only"),
        ("outcomes", "0006_texts_in_welsh"),
        ("reports", "0004_failure_codes_from_old_reasons"),
        ("wellbeing", "0005_welsh_names_load"),
    ]

    operations = [
        migrations.RunSQL(INSTALL_FUNCTIONS, migrations.RunSQL.noop),
        migrations.RunSQL(
            rewrite_policies_sql(
                old=OLD_PLATFORM_MATCH, new="(SELECT civic_platform_active())"
            ),
            rewrite_policies_sql(
                old=NEW_PLATFORM_MATCH,
                new="current_setting('civic.platform'::text, true) = 'on'::text",
            ),
        ),
    ]
