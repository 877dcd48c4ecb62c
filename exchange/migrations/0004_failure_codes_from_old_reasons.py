"""Give the failures stored as English text before codes their code.

Only the messages without parameters can be matched exactly; any other old
failure keeps its text in ``failure_reason``, which ``failure_message`` shows
as it is.
"""

from django.db import migrations

OLD_REASONS = {
    "The uploaded file could not be read back.": "unreadable_upload",
    "Checking the file took too long and was stopped.": "check_timeout",
    "The file could not be checked because of an error on our side.": "check_error",
    "Nothing to import: everything in the file is already stored.": (
        "nothing_unchanged"
    ),
    "Nothing to import: the file has no rows to import.": "nothing_no_rows",
    "Nothing was imported: the file has problems now (see below).": "problems_now",
    "Nothing was imported: someone saved some of these figures while the import "
    "ran. Upload the file again to see them in the preview.": (
        "changed_while_importing"
    ),
    "The import took too long and was stopped; nothing was imported.": (
        "import_timeout"
    ),
    "The file is empty.": "file_empty",
}


def forwards(apps, schema_editor):
    # Every partnership's rows: row-level security admits them to platform
    # work only (partnerships.tenancy), for this migration's transaction.
    schema_editor.execute("SELECT set_config('civic.platform', 'on', true)")
    ImportJob = apps.get_model("exchange", "ImportJob")
    for reason, code in OLD_REASONS.items():
        ImportJob.objects.filter(failure_code="", failure_reason=reason).update(
            failure_code=code, failure_params={}, failure_reason=""
        )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_job_failure_codes_and_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
