from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import BackgroundJob
from partnerships.models import Partnership


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A report in one of these no longer stands for its data: another may be made.
DEAD_STATUSES = (ReportStatus.FAILED, ReportStatus.WITHDRAWN)


class ReportLanguage(models.TextChoices):
    """The language of an annual report's text.

    Bilingual puts both in one document, Welsh first (``annual.py``).
    """

    ENGLISH = "en-gb", pgettext_lazy("report language", "English")
    WELSH = "cy", pgettext_lazy("report language", "Welsh")
    BILINGUAL = (
        "bilingual",
        pgettext_lazy("report language", "Bilingual (Welsh and English)"),
    )


# The order of the languages in a report in each language.
REPORT_LANGUAGES = {
    ReportLanguage.ENGLISH: ("en-gb",),
    ReportLanguage.WELSH: ("cy",),
    ReportLanguage.BILINGUAL: ("cy", "en-gb"),
}

NO_FIGURES_MESSAGE = _(
    "Choose a reporting year that has figures: a year without any would report "
    "nothing but “No data yet”."
)

FAILURE_MESSAGES = {
    "gave_up": _("The render stopped %(count)s times without finishing."),
    "lost": _("The render was lost (no worker finished it). Ask again."),
    "timeout": _("The render took longer than %(seconds)s seconds and was stopped."),
    "superseded": _("The data changed after this request; a newer report holds it."),
    "storage": _("The PDF could not be stored: %(error)s."),
    "render_error": _("The report could not be rendered (%(error)s)."),
}


def report_storage():
    """Where finished PDFs live: ``STORAGES["reports"]``, never a public URL.

    Looked up at each use rather than bound to a field, so that the storage
    follows the settings (and a test's override of them).
    """
    return storages["reports"]


class AnnualReport(BackgroundJob):
    """One request for a partnership's annual report PDF, and its outcome.

    ``data_version`` is a digest of the document's content (everything but
    the date it was produced) and its language. The database holds at most
    one live report (queued, rendering or ready) per partnership, year,
    language and data version, so asking again for unchanged data in the same
    language returns the report already made, and an English and a Welsh
    report of the same year live side by side.
    """

    FAILURE_MESSAGES = FAILURE_MESSAGES

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("reporting year"))
    year_label = models.CharField(max_length=20)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=ReportLanguage.choices,
        default=ReportLanguage.ENGLISH,
    )
    data_version = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    # An admin took the report back (wrong figures, sent too soon): it stays
    # listed, with who and when, and its PDF is gone.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="annualreport_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.READY)
                | (Q(page_count__isnull=False) & ~Q(file_name="")),
                name="annualreport_ready_has_file",
            ),
            models.CheckConstraint(
                condition=Q(language__in=ReportLanguage.values),
                name="annualreport_language_known",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ReportStatus.WITHDRAWN) & Q(withdrawn_at__isnull=False)
                )
                | (~Q(status=ReportStatus.WITHDRAWN) & Q(withdrawn_at__isnull=True)),
                name="annualreport_withdrawn_has_when",
            ),
            models.UniqueConstraint(
                fields=["partnership", "year", "language", "data_version"],
                condition=~Q(status__in=DEAD_STATUSES),
                name="annualreport_one_live_per_version",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "year"])]

    def __str__(self) -> str:
        return f"{self.partnership} annual report {self.year_label} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RENDERING)

    @property
    def download_name(self) -> str:
        suffix = {
            ReportLanguage.ENGLISH: "",
            ReportLanguage.WELSH: "-cy",
            ReportLanguage.BILINGUAL: "-cy-en",
        }.get(self.language, "")
        return (
            f"{self.partnership.slug}-annual-report-"
            f"{self.year_label.replace('/', '-')}{suffix}.pdf"
        )

    @property
    def file_prefix(self) -> str:
        """The start of the name of every file of this report: its PDF and
        any other edition's (``edition_file_name``), so that withdrawing the
        report deletes them all."""
        return f"{self.partnership_id}/annual-report-{self.year}-{self.pk}-"

    def edition_file_name(self, edition: str) -> str:
        """Where another edition of this report (reports.editions) is stored."""
        return f"{self.file_prefix}{edition}.pdf"


def report_files_delete(report: AnnualReport) -> None:
    """Delete the report's PDF and every other edition's."""
    storage = report_storage()
    folder, start = report.file_prefix.rsplit("/", 1)
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for name in files:
        if name.startswith(start):
            storage.delete(f"{folder}/{name}")
    if report.file_name:
        storage.delete(report.file_name)
