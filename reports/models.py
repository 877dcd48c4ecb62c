from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob
from partnerships.models import Partnership


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def report_storage():
    """Where finished PDFs live: ``STORAGES["reports"]``, never a public URL.

    Looked up at each use rather than bound to a field, so that the storage
    follows the settings (and a test's override of them).
    """
    return storages["reports"]


class AnnualReport(BackgroundJob):
    """One request for a partnership's annual report PDF, and its outcome.

    ``data_version`` is a digest of the document's content (everything but
    the date it was produced). The database holds at most one live report
    (queued, rendering or ready) per partnership, year and data version, so
    asking again for unchanged data returns the report already made.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("reporting year"))
    year_label = models.CharField(max_length=20)
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
            models.UniqueConstraint(
                fields=["partnership", "year", "data_version"],
                condition=~Q(status=ReportStatus.FAILED),
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
        return (
            f"{self.partnership.slug}-annual-report-"
            f"{self.year_label.replace('/', '-')}.pdf"
        )
