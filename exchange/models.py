from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob
from partnerships.models import Partnership

from .spreadsheets import SPREADSHEET_ERRORS


class ImportKind(models.TextChoices):
    FRAMEWORK = "framework", _("Framework")
    VALUES = "values", _("Quarterly figures")
    ACTIVITIES = "activities", _("Engagement activities")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    READY = "ready", _("Ready to import")
    REJECTED = "rejected", _("Has problems")
    CONFIRMED = "confirmed", _("Waiting to be imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


PENDING = (
    ImportStatus.QUEUED,
    ImportStatus.CHECKING,
    ImportStatus.CONFIRMED,
    ImportStatus.IMPORTING,
)


# Why a check or an import failed, by the code the job stores. A file that
# cannot be read at all stores ``file_`` and the spreadsheet error's code.
FAILURE_MESSAGES = {
    "check_gave_up": _("The check stopped %(count)s times."),
    "import_gave_up": _("The import stopped %(count)s times; nothing was imported."),
    "unreadable_upload": _("The uploaded file could not be read back."),
    "check_timeout": _("Checking the file took too long and was stopped."),
    "check_error": _("The file could not be checked because of an error on our side."),
    "nothing_unchanged": _(
        "Nothing to import: everything in the file is already stored."
    ),
    "nothing_no_rows": _("Nothing to import: the file has no rows to import."),
    "problems_now": _("Nothing was imported: the file has problems now (see below)."),
    "changed_while_importing": _(
        "Nothing was imported: someone saved some of these figures while "
        "the import ran. Upload the file again to see them in the preview."
    ),
    "import_timeout": _(
        "The import took too long and was stopped; nothing was imported."
    ),
    "import_error": _("Nothing was imported because of an error (%(error)s)."),
    **{f"file_{code}": message for code, message in SPREADSHEET_ERRORS.items()},
}


def import_storage():
    """Where uploads wait: ``STORAGES["imports"]``, looked up at each use."""
    return storages["imports"]


class ImportJob(BackgroundJob):
    """One uploaded spreadsheet, from its check and preview to its import.

    ``preview`` holds what the check found (rows to create, update or leave,
    with counts); ``problems`` every problem by sheet, row and column. The
    import itself re-reads the file and checks it again inside the
    transaction that writes, so what it writes obeys the rules of that
    moment (a quarter locked since the preview is refused).
    """

    FAILURE_MESSAGES = FAILURE_MESSAGES

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    original_name = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255)
    size_bytes = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The language the file was uploaded in: the worker checks it in that
    # language, so the problems it lists read in the uploader's language.
    language = models.CharField(max_length=10, default="en-gb")
    progress = models.PositiveSmallIntegerField(default=0)
    progress_text = models.CharField(max_length=200, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="importjob_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="importjob_status_known",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="importjob_progress_percent"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.original_name} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING
