import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from exchange import services
from exchange.models import ImportJob
from partnerships.models import Membership

VALUE_HEADERS = [
    "Quarter",
    "Code",
    "Name",
    "Kind",
    "Value",
    "Numerator",
    "Denominator",
    "Story",
]


def csv_upload(rows, *, headers=VALUE_HEADERS, name="figures.csv", encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), "text/csv")


def checked_job(partnership, user, upload, *, kind="values") -> ImportJob:
    """Upload through the service and run the check as the worker would."""
    membership = Membership.objects.get(partnership=partnership, user=user)
    job = services.import_job_create(
        partnership=partnership,
        membership=membership,
        kind=kind,
        upload=upload,
        actor=user,
    )
    services.import_job_check(job_id=job.pk, partnership_id=partnership.pk)
    job.refresh_from_db()
    return job


def confirmed(job, user) -> ImportJob:
    membership = Membership.objects.get(partnership=job.partnership, user=user)
    services.import_job_confirm(
        partnership=job.partnership, membership=membership, job_id=job.pk, actor=user
    )
    services.import_job_apply(job_id=job.pk, partnership_id=job.partnership_id)
    job.refresh_from_db()
    return job


def messages_of(job) -> list[str]:
    return [p["message"] for p in job.problems] + (
        [job.failure_message] if job.failure_message else []
    )
