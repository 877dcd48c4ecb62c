"""Writes for imports: the upload, the check, the confirmation, the import.

The web request only stores the file and queues the check; a Celery worker
reads and checks it (progress shown on the job's page), the person confirms
the preview, and a worker imports it. Both tasks are safe to deliver twice:
each moves the job on from one status only, under the job's row lock, and
the import writes everything, the job's "done" included, in one transaction,
so a worker that dies half-way leaves nothing written and the job to the
next delivery.
"""

import logging
import uuid
from pathlib import PurePath

import pghistory
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engagement.services import may_log
from jobs.services import job_claim, job_fail, job_send, jobs_resend
from partnerships import policy as roles
from partnerships.models import Membership, Partnership, User
from partnerships.tenancy import partnership_scope

from . import activities, framework, values
from .models import ImportJob, ImportKind, ImportStatus, import_storage
from .parsing import Problems
from .spreadsheets import SpreadsheetError, read_upload

logger = logging.getLogger(__name__)

# How many problems a job keeps: enough to fix a file, not a second copy of it.
MAX_PROBLEMS = 500


class _Rollback(Exception):
    def __init__(self, problems: Problems):
        super().__init__("The import has problems.")
        self.problems = problems


def may_import(membership: Membership | None, kind: str) -> bool:
    """Who may import what: the engagement log as they may log activity."""
    if kind == ImportKind.ACTIVITIES:
        return may_log(membership)
    return roles.may_import(membership, kind)


def import_job_create(
    *,
    partnership: Partnership,
    membership: Membership | None,
    kind: str,
    upload,
    actor: User,
) -> ImportJob:
    """Store the uploaded file and queue its check."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    if not may_import(membership, kind):
        raise PermissionDenied(_("You cannot import this."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _(
                    "The file is %(size)s; files up to %(limit)s can be imported."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    original = PurePath(upload.name or "upload").name[:200]
    suffix = PurePath(original).suffix.lower()[:8]
    stored = import_storage().save(
        f"{partnership.pk}/{uuid.uuid4().hex}{suffix}", upload
    )
    from .tasks import check_import

    with transaction.atomic():
        job = ImportJob.objects.create(
            partnership=partnership,
            kind=kind,
            original_name=original,
            file_name=stored,
            size_bytes=upload.size,
            created_by=actor,
            language=_uploader_language(),
            progress_text=_("Waiting for a worker to check the file…"),
        )
        job_id, partnership_id = job.pk, partnership.pk
        transaction.on_commit(
            lambda: job_send(
                ImportJob, pk=job_id, partnership_id=partnership_id, task=check_import
            )
        )
    return job


def import_jobs_resend() -> int:
    """Send again the checks and imports the broker refused (``jobs_resend``)."""
    from .tasks import apply_import, check_import

    return jobs_resend(
        ImportJob,
        tasks={ImportStatus.QUEUED: check_import, ImportStatus.CONFIRMED: apply_import},
    )


def _progress(job_id: int, partnership_id: int, percent: int, text: str) -> None:
    with partnership_scope(partnership_id):
        ImportJob.objects.filter(partnership_id=partnership_id, pk=job_id).update(
            progress=min(percent, 100), progress_text=text
        )


def _read(job: ImportJob, *, progress=None):
    with import_storage().open(job.file_name, "rb") as handle:
        data = handle.read()
    return read_upload(data, filename=job.original_name, progress=progress)


def _problems_json(problems) -> list[dict]:
    return [p.as_dict() for p in problems[:MAX_PROBLEMS]]


def _plan(job: ImportJob, workbook, *, lock: bool):
    if job.kind == ImportKind.FRAMEWORK:
        return framework.framework_plan(partnership=job.partnership, workbook=workbook)
    if job.kind == ImportKind.ACTIVITIES:
        if lock:
            # The import writes the rows itself, in its own transaction.
            return activities.ActivitiesPlan(Problems())
        return activities.activities_plan(
            partnership=job.partnership, actor=job.created_by, workbook=workbook
        )
    return values.values_plan(
        partnership=job.partnership,
        actor=job.created_by,
        workbook=workbook,
        lock=lock,
    )


def _claim(
    job_id: int,
    partnership_id: int,
    *,
    waiting: tuple[str, ...],
    status: str,
    progress: tuple[int, str],
    gave_up: str,
) -> ImportJob | None:
    """Take a job for a task's step (``jobs.services.job_claim``).

    A redelivered task takes its step again; None when the job is not waiting
    for this step, or when the step has died ``MAX_ATTEMPTS`` times (the job
    is then failed with ``gave_up``).
    """
    with partnership_scope(partnership_id):
        return job_claim(
            ImportJob.objects.filter(partnership_id=partnership_id),
            pk=job_id,
            waiting=waiting,
            status=status,
            gave_up=gave_up,
            progress=progress[0],
            progress_text=progress[1],
        )


def _uploader_language() -> str:
    """The site language the upload was made in (the request's)."""
    active = get_language() or settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.LANGUAGES]
    for code in codes:
        if active == code or active.split("-")[0] == code.split("-")[0]:
            return code
    return settings.LANGUAGE_CODE


def _job_language(job_id: int, partnership_id: int) -> str:
    with partnership_scope(partnership_id):
        language = (
            ImportJob.objects.filter(partnership_id=partnership_id, pk=job_id)
            .values_list("language", flat=True)
            .first()
        )
    return language or settings.LANGUAGE_CODE


def import_job_check(*, job_id: int, partnership_id: int) -> None:
    """Read and check a queued upload; leaves the job ready or rejected.

    Runs in the language the file was uploaded in, so that the progress and
    the problems found row by row read in the uploader's language (the
    job's failure itself is a code, read in any reader's language).
    """
    with translation.override(_job_language(job_id, partnership_id)):
        _check(job_id=job_id, partnership_id=partnership_id)


def _check(*, job_id: int, partnership_id: int) -> None:
    job = _claim(
        job_id,
        partnership_id,
        waiting=(ImportStatus.QUEUED, ImportStatus.CHECKING),
        status=ImportStatus.CHECKING,
        progress=(5, _("Reading the file…")),
        gave_up="check_gave_up",
    )
    if job is None:
        return

    def reading(rows: int) -> None:
        _progress(
            job_id,
            partnership_id,
            min(60, 5 + rows // 2000),
            _("Reading the file: %(rows)s rows so far…") % {"rows": rows},
        )

    try:
        workbook = _read(job, progress=reading)
    except SpreadsheetError as error:
        _finish_check(
            job_id,
            partnership_id,
            preview={},
            problems=[],
            failure=(f"file_{error.code}", error.params),
        )
        return
    except OSError:
        _finish_check(
            job_id,
            partnership_id,
            preview={},
            problems=[],
            failure=("unreadable_upload", {}),
        )
        return
    except SoftTimeLimitExceeded:
        _finish_check(
            job_id,
            partnership_id,
            preview={},
            problems=[],
            failure=("check_timeout", {}),
        )
        return
    _progress(job_id, partnership_id, 70, _("Checking every row…"))
    try:
        with partnership_scope(partnership_id):
            job = ImportJob.objects.select_related("partnership", "created_by").get(
                partnership_id=partnership_id, pk=job_id
            )
            plan = _plan(job, workbook, lock=False)
    except Exception:
        logger.exception("Import %s could not be checked", job_id)
        _finish_check(
            job_id,
            partnership_id,
            preview={},
            problems=[],
            failure=("check_error", {}),
        )
        return
    preview = plan.preview()
    preview["notes"] = workbook.notes
    preview["problem_count"] = len(plan.problems)
    _finish_check(
        job_id,
        partnership_id,
        preview=preview,
        problems=_problems_json(plan.problems),
        failure=None,
    )


def _finish_check(
    job_id,
    partnership_id,
    *,
    preview,
    problems,
    failure: tuple[str, dict] | None,
) -> None:
    """Leave the checked job ready, or rejected (``failure``: code, params)."""
    with partnership_scope(partnership_id):
        job = (
            ImportJob.objects.select_for_update()
            .filter(partnership_id=partnership_id, pk=job_id)
            .first()
        )
        if job is None or job.status != ImportStatus.CHECKING:
            return
        nothing = (
            not failure
            and not problems
            and not any(preview.get("counts", {}).get(k) for k in ("create", "update"))
        )
        if nothing and not failure:
            failure = (
                "nothing_unchanged"
                if preview.get("counts", {}).get("unchanged")
                else "nothing_no_rows",
                {},
            )
        if failure:
            job.status = ImportStatus.REJECTED
            job.failure_code, job.failure_params = failure
            job.failure_reason = ""
        elif problems:
            job.status = ImportStatus.REJECTED
        else:
            job.status = ImportStatus.READY
        job.preview = preview
        job.problems = problems
        job.progress = 100
        job.progress_text = ""
        job.save(
            update_fields=[
                "status",
                "failure_code",
                "failure_params",
                "failure_reason",
                "preview",
                "problems",
                "progress",
                "progress_text",
            ]
        )


def import_job_confirm(
    *, partnership: Partnership, membership: Membership | None, job_id: int, actor: User
) -> ImportJob:
    """The person has seen the preview: queue the import."""
    from .tasks import apply_import

    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(partnership=partnership, pk=job_id)
            .first()
        )
        if job is None:
            raise ImportJob.DoesNotExist
        if not may_import(membership, job.kind) or (
            job.created_by_id != actor.pk
            and not roles.may_see_others_imports(membership)
        ):
            raise PermissionDenied(_("You cannot import this."))
        if job.status in (ImportStatus.CONFIRMED, ImportStatus.IMPORTING):
            return job
        if job.status != ImportStatus.READY:
            raise ValidationError(_("This file cannot be imported as it stands."))
        job.status = ImportStatus.CONFIRMED
        job.confirmed_by = actor
        job.confirmed_at = timezone.now()
        job.progress, job.progress_text = 0, _("Waiting for a worker to import it…")
        job.attempts = 0
        job.save(
            update_fields=[
                "status",
                "confirmed_by",
                "confirmed_at",
                "progress",
                "progress_text",
                "attempts",
            ]
        )
        job_pk, partnership_id = job.pk, partnership.pk
        transaction.on_commit(
            lambda: job_send(
                ImportJob, pk=job_pk, partnership_id=partnership_id, task=apply_import
            )
        )
    return job


def import_job_apply(*, job_id: int, partnership_id: int) -> None:
    """Import a confirmed job: everything in one transaction, or nothing.

    In the language of the upload, as the check (``import_job_check``).
    """
    with translation.override(_job_language(job_id, partnership_id)):
        _apply(job_id=job_id, partnership_id=partnership_id)


def _apply(*, job_id: int, partnership_id: int) -> None:
    job = _claim(
        job_id,
        partnership_id,
        waiting=(ImportStatus.CONFIRMED, ImportStatus.IMPORTING),
        status=ImportStatus.IMPORTING,
        progress=(10, _("Importing…")),
        gave_up="import_gave_up",
    )
    if job is None:
        return

    try:
        workbook = _read(job)
        with (
            partnership_scope(partnership_id),
            pghistory.context(user=job.confirmed_by_id, path="import"),
        ):
            # Held to the end: a second delivery waits, then finds it done.
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("partnership", "created_by", "confirmed_by")
                .get(partnership_id=partnership_id, pk=job_id)
            )
            if job.status != ImportStatus.IMPORTING:
                return
            summary = _write(job, workbook)
            job.status = ImportStatus.DONE
            job.progress, job.progress_text = 100, ""
            job.preview = {**job.preview, "written": summary}
            job.finished_at = timezone.now()
            job.save(
                update_fields=[
                    "status",
                    "progress",
                    "progress_text",
                    "preview",
                    "finished_at",
                ]
            )
    except _Rollback as rollback:
        _fail(
            job_id,
            partnership_id,
            "problems_now",
            problems=_problems_json(rollback.problems),
        )
    except SpreadsheetError as error:
        _fail(job_id, partnership_id, f"file_{error.code}", error.params)
    except values.ChangedWhileImporting:
        _fail(job_id, partnership_id, "changed_while_importing")
    except SoftTimeLimitExceeded:
        _fail(job_id, partnership_id, "import_timeout")
    except Exception as error:
        logger.exception("Import %s failed", job_id)
        _fail(job_id, partnership_id, "import_error", {"error": type(error).__name__})


def _write(job: ImportJob, workbook) -> dict:
    """Check again under lock and write; raises _Rollback with the problems."""
    plan = _plan(job, workbook, lock=True)
    if plan.problems:
        raise _Rollback(plan.problems)
    if job.kind == ImportKind.FRAMEWORK:
        problems = framework.framework_write(
            partnership=job.partnership, plan=plan, actor=job.created_by
        )
        if problems:
            raise _Rollback(problems)
        counts = plan.preview()["counts"]
        return {"create": counts["create"], "update": counts["update"]}
    if job.kind == ImportKind.ACTIVITIES:
        # Checked again row by row as it writes, with the rules of this moment
        # (a quarter locked since the preview is refused); the uploader's.
        result, problems = activities.activities_write(
            partnership=job.partnership, actor=job.created_by, workbook=workbook
        )
        if problems:
            raise _Rollback(problems)
        return {"create": result.added, "update": result.changed}
    # Leads may import; the rules were checked for the one who uploaded.
    actor = job.created_by
    values.values_write(partnership=job.partnership, actor=actor, rows=plan.rows)
    counts = plan.preview()["counts"]
    return {"create": counts["create"], "update": counts["update"]}


def _fail(
    job_id: int,
    partnership_id: int,
    code: str,
    params: dict | None = None,
    problems=None,
) -> None:
    """Fail the job with one of ``ImportJob.FAILURE_MESSAGES``."""
    with partnership_scope(partnership_id):
        job_fail(
            ImportJob.objects.filter(partnership_id=partnership_id),
            pk=job_id,
            code=code,
            params=params,
            unless=(ImportStatus.DONE,),
            progress_text="",
            **({} if problems is None else {"problems": problems}),
        )
