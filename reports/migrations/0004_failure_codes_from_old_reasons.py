"""Give the failures stored as English text before codes their code.

Only the messages without parameters can be matched exactly; any other old
failure keeps its text in ``failure_reason``, which ``failure_message`` shows
as it is.
"""

from django.db import migrations

OLD_REASONS = {
    "The render was lost (no worker finished it). Ask again.": "lost",
    "The data changed after this request; a newer report holds it.": "superseded",
}


def forwards(apps, schema_editor):
    # Every partnership's rows: row-level security admits them to platform
    # work only (partnerships.tenancy), for this migration's transaction.
    schema_editor.execute("SELECT set_config('civic.platform', 'on', true)")
    AnnualReport = apps.get_model("reports", "AnnualReport")
    for reason, code in OLD_REASONS.items():
        AnnualReport.objects.filter(failure_code="", failure_reason=reason).update(
            failure_code=code, failure_params={}, failure_reason=""
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_report_language_and_failure_codes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
