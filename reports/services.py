"""Writes for annual reports: asking for one, and rendering it in a worker.

The request runs in the web process: it checks the role, takes the digest of
the document's content and either returns the live report that already has
that content or creates a queued one and queues the render on commit.

The render runs in a Celery worker and is safe to run more than once for the
same report (a redelivered message, a worker killed half-way): the row lock
held for the length of the render lets one worker at a time work on a report,
a finished report is never rendered again, and the file's name is fixed by the
report, so a second render overwrites rather than adds.
"""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.services import job_claim, job_fail, job_send, jobs_fail_stale, jobs_resend
from partnerships import policy as roles
from partnerships.models import Membership, Partnership, User
from partnerships.tenancy import partnership_scope

from .annual import annual_report_document, render_pdf, report_years
from .models import (
    DEAD_STATUSES,
    NO_FIGURES_MESSAGE,
    AnnualReport,
    ReportLanguage,
    ReportStatus,
    report_files_delete,
    report_storage,
)

logger = logging.getLogger(__name__)


def annual_report_request(
    *,
    partnership: Partnership,
    membership: Membership | None,
    year: int,
    language: str = ReportLanguage.ENGLISH,
    actor: User,
) -> tuple[AnnualReport, bool]:
    """The report for this year's current data in ``language``, and whether new."""
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only partnership admins can request reports."))
    years = dict(report_years(partnership=partnership))
    if year not in years:
        raise ValidationError({"year": str(NO_FIGURES_MESSAGE)})
    if language not in ReportLanguage.values:
        raise ValidationError({"language": _("Choose English, Welsh or bilingual.")})
    from .tasks import render_annual_report

    with transaction.atomic():
        # One request at a time per partnership, so two admins asking at once
        # get the same report rather than a unique-constraint error.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        _fail_stale(partnership)
        version = annual_report_document(
            partnership=partnership, year=year, language=language
        ).data_version
        existing = (
            AnnualReport.objects.filter(
                partnership=partnership,
                year=year,
                language=language,
                data_version=version,
            )
            .exclude(status__in=DEAD_STATUSES)
            .first()
        )
        if existing is not None:
            return existing, False
        report = AnnualReport.objects.create(
            partnership=partnership,
            year=year,
            year_label=years[year],
            language=language,
            data_version=version,
            requested_by=actor,
        )
        report_id, partnership_id = report.pk, partnership.pk
        transaction.on_commit(
            lambda: job_send(
                AnnualReport,
                pk=report_id,
                partnership_id=partnership_id,
                task=render_annual_report,
            )
        )
    return report, True


def annual_report_withdraw(
    *,
    partnership: Partnership,
    membership: Membership | None,
    report_id: int,
    actor: User,
) -> AnnualReport:
    """Take a ready report back: listed as withdrawn, by whom and when.

    Its PDF is deleted once the withdrawal commits, so no link to it works
    again; asking for the year again makes a new report. Withdrawing a report
    already withdrawn changes nothing. Another partnership's report does not
    exist here (``AnnualReport.DoesNotExist``).
    """
    if not roles.may_administer(membership):
        raise PermissionDenied(_("Only partnership admins can withdraw reports."))
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(
            partnership=partnership, pk=report_id
        )
        if report.status == ReportStatus.WITHDRAWN:
            return report
        if report.status != ReportStatus.READY:
            raise ValidationError(_("Only a ready report can be withdrawn."))
        report.status = ReportStatus.WITHDRAWN
        report.withdrawn_at = timezone.now()
        report.withdrawn_by = actor
        report.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
        # Its PDF and every other edition's (a public one, for instance).
        transaction.on_commit(lambda: report_files_delete(report))
    logger.info(
        "Annual report %s of partnership %s withdrawn by user %s",
        report.pk,
        partnership.pk,
        actor.pk,
    )
    return report


def annual_reports_resend() -> int:
    """Send again the renders the broker refused (``jobs.services.jobs_resend``)."""
    from .tasks import render_annual_report

    return jobs_resend(AnnualReport, tasks={ReportStatus.QUEUED: render_annual_report})


def stale_after() -> timedelta:
    """How long a render can look unfinished before it is taken as lost.

    Past the visibility timeout the broker has redelivered the message of a
    dead worker; a minute later a live worker would have picked it up.
    """
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return timedelta(seconds=timeout + settings.REPORT_RENDER_HARD_TIME_LIMIT + 60)


def _fail_stale(partnership: Partnership) -> None:
    jobs_fail_stale(
        AnnualReport.objects.filter(partnership=partnership),
        pending=(ReportStatus.QUEUED, ReportStatus.RENDERING),
        started_field="requested_at",
        older_than=stale_after(),
        code="lost",
    )


def _fail(
    report_id: int, partnership_id: int, code: str, params: dict | None = None
) -> None:
    """Fail the report with one of ``AnnualReport.FAILURE_MESSAGES``."""
    with partnership_scope(partnership_id):
        job_fail(
            AnnualReport.objects.filter(partnership_id=partnership_id),
            pk=report_id,
            code=code,
            params=params,
            unless=(ReportStatus.READY,),
        )


def annual_report_render(*, report_id: int, partnership_id: int) -> None:
    """Render a queued report into its PDF; a no-op once it is finished."""
    with partnership_scope(partnership_id):
        report = job_claim(
            AnnualReport.objects.filter(partnership_id=partnership_id),
            pk=report_id,
            waiting=(ReportStatus.QUEUED, ReportStatus.RENDERING),
            status=ReportStatus.RENDERING,
            gave_up="gave_up",
            started_at=timezone.now(),
        )
        if report is None:
            return

    try:
        _render(report_id, partnership_id)
    except SoftTimeLimitExceeded:
        _fail(
            report_id,
            partnership_id,
            "timeout",
            {"seconds": settings.REPORT_RENDER_TIME_LIMIT},
        )
    except _Superseded:
        _fail(report_id, partnership_id, "superseded")
    except OSError as error:
        logger.exception("Annual report %s could not be stored", report_id)
        _fail(
            report_id,
            partnership_id,
            "storage",
            {"error": str(error.strerror or error)},
        )
    except Exception as error:
        logger.exception("Annual report %s failed to render", report_id)
        _fail(
            report_id, partnership_id, "render_error", {"error": type(error).__name__}
        )


def _render(report_id: int, partnership_id: int) -> None:
    with partnership_scope(partnership_id):
        # Held until this transaction ends: a second delivery of the same
        # message waits here, then finds the report finished. A killed
        # worker's connection closes and PostgreSQL releases the lock.
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("partnership")
            .get(partnership_id=partnership_id, pk=report_id)
        )
        if report.status != ReportStatus.RENDERING:
            return
        started = time.perf_counter()
        document = annual_report_document(
            partnership=report.partnership,
            year=report.year,
            language=report.language,
        )
        if document.data_version != report.data_version:
            # The data changed between the request and the render: this
            # report holds the newer data, unless another report already does.
            if (
                AnnualReport.objects.filter(
                    partnership_id=partnership_id,
                    year=report.year,
                    language=report.language,
                    data_version=document.data_version,
                )
                .exclude(status__in=DEAD_STATUSES)
                .exists()
            ):
                raise _Superseded
            report.data_version = document.data_version
        pdf = render_pdf(document.html)
        name = f"{report.file_prefix}{report.data_version[:16]}.pdf"
        report.file_name = report_storage().save(name, ContentFile(pdf.content))
        report.status = ReportStatus.READY
        report.page_count = pdf.page_count
        report.size_bytes = len(pdf.content)
        report.render_seconds = round(time.perf_counter() - started, 3)
        report.finished_at = timezone.now()
        report.save()


class _Superseded(Exception):
    pass
