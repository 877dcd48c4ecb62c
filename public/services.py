"""Publishing: an admin chooses what the partnership's public page shows,
and the worker makes each published annual report's public edition."""

import logging
import time
from collections.abc import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import job_claim, job_fail, job_send, jobs_resend
from kpis.selectors import measure_list
from outcomes.selectors import priority_list
from partnerships import policy as roles
from partnerships.models import Membership, Partnership
from partnerships.tenancy import partnership_scope
from reports.annual import annual_report_document, render_pdf
from reports.models import ReportStatus, report_storage
from reports.selectors import annual_report_list

from .models import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    EditionStatus,
    Publication,
    PublicSnapshot,
    PublishedMeasure,
    PublishedPriority,
    PublishedReport,
)
from .report_edition import PublicFigures

logger = logging.getLogger(__name__)


def _chosen(queryset, ids: Iterable[int], field: str) -> set[int]:
    ids = set(ids)
    found = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        raise ValidationError({field: _("Choose only this partnership's own items.")})
    return found


def _replace(model, partnership, field: str, ids: set[int]) -> None:
    rows = model.objects.filter(partnership=partnership)
    rows.exclude(**{f"{field}__in": ids}).delete()
    have = set(rows.values_list(field, flat=True))
    model.objects.bulk_create(
        [model(partnership=partnership, **{field: pk}) for pk in ids - have]
    )


def _editions_replace(partnership, report_ids: set[int], threshold: int) -> None:
    """The published reports, each with a public edition at ``threshold``.

    A report newly chosen, one whose edition was made at another threshold
    and one whose render failed are queued for a render on commit; a report
    no longer chosen loses its edition, and the edition's file goes once the
    change commits.
    """
    rows = PublishedReport.objects.filter(partnership=partnership)
    dropped = rows.exclude(report_id__in=report_ids)
    stale = rows.filter(report_id__in=report_ids).filter(
        ~Q(threshold=threshold) | Q(status=EditionStatus.FAILED)
    )
    old_files = [
        name
        for name in [
            *dropped.values_list("file_name", flat=True),
            *stale.values_list("file_name", flat=True),
        ]
        if name
    ]
    dropped.delete()
    requeued = list(stale.values_list("pk", flat=True))
    stale.update(
        status=EditionStatus.QUEUED,
        threshold=threshold,
        requested_at=timezone.now(),
        attempts=0,
        file_name="",
        page_count=None,
        size_bytes=None,
        failure_code="",
        failure_params={},
        failure_reason="",
        finished_at=None,
    )
    have = set(rows.values_list("report_id", flat=True))
    created = PublishedReport.objects.bulk_create(
        [
            PublishedReport(partnership=partnership, report_id=pk, threshold=threshold)
            for pk in report_ids - have
        ]
    )
    queued = requeued + [row.pk for row in created]
    partnership_id = partnership.pk

    def after_commit():
        storage = report_storage()
        for name in old_files:
            storage.delete(name)
        from .tasks import render_public_report

        for pk in queued:
            job_send(
                PublishedReport,
                pk=pk,
                partnership_id=partnership_id,
                task=render_public_report,
            )

    transaction.on_commit(after_commit)


@transaction.atomic
def publication_update(
    *,
    partnership: Partnership,
    membership: Membership | None,
    is_published: bool,
    threshold: int,
    priority_ids: Iterable[int] = (),
    measure_ids: Iterable[int] = (),
    report_ids: Iterable[int] = (),
) -> Publication:
    """Publish (or unpublish) the public page and choose what it shows.

    Unpublishing keeps the choices for next time and drops the published
    copy at once; the page, its embeds and open data answer 404 from then.
    """
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only the partnership's admins can do this."))
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise ValidationError(
            {
                "threshold": _("Give a whole number from %(min)s to %(max)s.")
                % {"min": MIN_THRESHOLD, "max": MAX_THRESHOLD}
            }
        )
    priorities = _chosen(
        priority_list(partnership=partnership), priority_ids, "priorities"
    )
    measures = _chosen(measure_list(partnership=partnership), measure_ids, "measures")
    reports = _chosen(
        annual_report_list(partnership=partnership).filter(status=ReportStatus.READY),
        report_ids,
        "reports",
    )
    publication, _created = Publication.objects.get_or_create(partnership=partnership)
    if is_published and not publication.is_published:
        publication.published_at = timezone.now()
    publication.is_published = is_published
    publication.threshold = threshold
    publication.save()
    _replace(PublishedPriority, partnership, "priority_id", priorities)
    _replace(PublishedMeasure, partnership, "measure_id", measures)
    _editions_replace(partnership, reports, threshold)
    if not is_published:
        PublicSnapshot.objects.filter(partnership=partnership).delete()
    # Read again with the data version these writes moved on.
    return Publication.objects.get(pk=publication.pk)


def published_report_render(*, published_report_id: int, partnership_id: int) -> None:
    """Render a published report's public edition; a no-op once it is made.

    Safe to run twice, as the members' render is (reports.services): the
    claim counts attempts, the row lock lets one worker at a time render it,
    and the file's name is fixed by the report and the threshold.
    """
    with partnership_scope(partnership_id):
        job = job_claim(
            PublishedReport.objects.filter(partnership_id=partnership_id),
            pk=published_report_id,
            waiting=(EditionStatus.QUEUED, EditionStatus.RENDERING),
            status=EditionStatus.RENDERING,
            gave_up="gave_up",
            started_at=timezone.now(),
        )
        if job is None:
            return
    code, params = None, {}
    try:
        _edition_render(published_report_id, partnership_id)
    except SoftTimeLimitExceeded:
        code, params = "timeout", {"seconds": settings.REPORT_RENDER_TIME_LIMIT}
    except _Withdrawn:
        code = "withdrawn"
    except OSError as error:
        logger.exception("Public edition %s could not be stored", published_report_id)
        code, params = "storage", {"error": str(error.strerror or error)}
    except Exception as error:
        logger.exception("Public edition %s failed to render", published_report_id)
        code, params = "render_error", {"error": type(error).__name__}
    if code is not None:
        with partnership_scope(partnership_id):
            job_fail(
                PublishedReport.objects.filter(partnership_id=partnership_id),
                pk=published_report_id,
                code=code,
                params=params,
                unless=(EditionStatus.READY,),
            )


class _Withdrawn(Exception):
    pass


def _edition_render(published_report_id: int, partnership_id: int) -> None:
    with partnership_scope(partnership_id):
        edition = (
            PublishedReport.objects.select_for_update()
            .select_related("report", "report__partnership")
            .get(partnership_id=partnership_id, pk=published_report_id)
        )
        if edition.status != EditionStatus.RENDERING:
            return
        report = edition.report
        if report.status != ReportStatus.READY:
            raise _Withdrawn
        started = time.perf_counter()
        document = annual_report_document(
            partnership=report.partnership,
            year=report.year,
            language=report.language,
            produced_on=timezone.localdate(report.finished_at)
            if report.finished_at
            else None,
            guard=PublicFigures(edition.threshold),
        )
        pdf = render_pdf(document.html)
        name = report.edition_file_name(f"public-{edition.threshold}")
        storage = report_storage()
        storage.delete(name)
        edition.file_name = storage.save(name, ContentFile(pdf.content))
        edition.status = EditionStatus.READY
        edition.page_count = pdf.page_count
        edition.size_bytes = len(pdf.content)
        edition.render_seconds = round(time.perf_counter() - started, 3)
        edition.finished_at = timezone.now()
        edition.save()


def published_reports_resend() -> int:
    """Send again the renders the broker refused (``jobs.services.jobs_resend``)."""
    from .tasks import render_public_report

    return jobs_resend(
        PublishedReport, tasks={EditionStatus.QUEUED: render_public_report}
    )
