"""What a partnership publishes, and the published copy the public reads.

Publishing is off by default: nothing of a partnership is public until an
admin publishes its page, and then only the priorities, measures and annual
reports chosen here. Public requests carry no tenant context, so the tenant
tables' row-level security admits none of their rows; the public reads
``Publication`` (its published rows only, by a policy of its own) and the
``PublicSnapshot`` built from it, never a tenant table (public/snapshot.py).
"""

import uuid

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import BackgroundJob
from kpis.models import PerformanceMeasure
from outcomes.models import Priority
from partnerships.models import DataVersion, Partnership
from reports.models import AnnualReport

from .disclosure import DEFAULT_THRESHOLD

MIN_THRESHOLD = 2
MAX_THRESHOLD = 100


class PublicationQuerySet(models.QuerySet):
    def with_data_version(self):
        """Each with its partnership's data version (``data_version``) and
        when it last moved (``data_changed_at``), read in the same query:
        the one version (partnerships.models.DataVersion) that the database
        bumps on every write to what the page shows, whatever the path, and
        that the published copy and the rendered pages are keyed by. Anyone
        may read a published partnership's (public migration 0004)."""
        versions = DataVersion.objects.filter(partnership_id=OuterRef("partnership_id"))
        return self.annotate(
            data_version=Coalesce(Subquery(versions.values("version")[:1]), 0),
            data_changed_at=Subquery(versions.values("changed_at")[:1]),
        )


class PublicationManager(models.Manager.from_queryset(PublicationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().with_data_version()


class Publication(models.Model):
    """A partnership's public page: whether it is published, and how."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="publication"
    )
    is_published = models.BooleanField(_("publish the public page"), default=False)
    threshold = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=DEFAULT_THRESHOLD,
        help_text=_(
            "Counts below this show as “fewer than …” on public pages, and "
            "percentages of fewer people are withheld."
        ),
    )
    # Names this publication in ETags and cache keys: a database restored or
    # rebuilt starts its data versions again, and must never be answered
    # with an older database's cached pages.
    cache_key = models.UUIDField(default=uuid.uuid4, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__range=(MIN_THRESHOLD, MAX_THRESHOLD)),
                name="publication_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} public page"


class PublishedPriority(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "priority"], name="published_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return f"published priority {self.priority_id}"


class PublishedMeasure(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    measure = models.ForeignKey(
        PerformanceMeasure, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "measure"], name="published_measure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"published measure {self.measure_id}"


class EditionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


EDITION_FAILURE_MESSAGES = {
    "gave_up": _("The render stopped %(count)s times without finishing."),
    "timeout": _("The render took longer than %(seconds)s seconds and was stopped."),
    "withdrawn": _("The report was withdrawn before its public edition was made."),
    "storage": _("The PDF could not be stored: %(error)s."),
    "render_error": _("The report could not be rendered (%(error)s)."),
}


class PublishedReport(BackgroundJob):
    """An annual report chosen for the public page, and its public edition:
    the same report rendered by a worker with disclosure control applied to
    every figure (public/report_edition.py), stored beside the members' PDF
    and served in its place. ``threshold`` is the one it was made with: a
    change of threshold makes it again."""

    FAILURE_MESSAGES = EDITION_FAILURE_MESSAGES

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=EditionStatus.choices, default=EditionStatus.QUEUED
    )
    threshold = models.PositiveSmallIntegerField(default=DEFAULT_THRESHOLD)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "report"], name="published_report_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values),
                name="publishedreport_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=EditionStatus.READY)
                | (Q(page_count__isnull=False) & ~Q(file_name="")),
                name="publishedreport_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"published report {self.report_id}"


class PublicSnapshot(models.Model):
    """The published copy: what the public page, the embeds and the open data
    show, disclosure control applied, in both languages (plain JSON, no
    model instances). Built under the partnership's own tenant context when
    ``data_version`` or the day has moved on, and readable by anyone only
    while the partnership is published (its policy asks Publication)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="+"
    )
    data_version = models.BigIntegerField()
    built_on = models.DateField()
    built_at = models.DateTimeField(auto_now=True)
    payload = models.JSONField()

    def __str__(self) -> str:
        return f"{self.partnership} public copy v{self.data_version}"
