"""The engagement log's import and export page (exchange.activities)."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpRequest

from engagement.services import may_log
from partnerships import policy as roles
from partnerships.decorators import tenant_view
from partnerships.models import SecurityEventKind
from partnerships.security import security_event_record

from . import activities, services
from .models import ImportKind
from .spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    SheetSpec,
    csv_bytes,
    xlsx_bytes,
)


class ActivityUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file with the export's columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


def _render(request, form, problems=(), status=200):
    return render(
        request,
        "exchange/activities.html",
        {
            "form": form,
            "problems": problems,
            "may_log": may_log(request.membership),
            "may_administer": roles.may_administer(request.membership),
            "max_rows": f"{activities.MAX_ROWS:,}",
            "max_bytes": settings.IMPORT_MAX_BYTES,
        },
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def activities_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The log's export, and its import: the upload is checked and imported
    by a worker, as the other imports are (the job's page follows it)."""
    if request.method == "GET":
        return _render(request, ActivityUploadForm())
    if not may_log(request.membership):
        raise PermissionDenied
    form = ActivityUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, status=422)
    try:
        job = services.import_job_create(
            partnership=request.partnership,
            membership=request.membership,
            kind=ImportKind.ACTIVITIES,
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _render(request, form, status=422)
    return redirect("exchange:import_job", slug=slug, pk=job.pk)


@tenant_view
@require_GET
def activities_export(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = request.partnership
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    rows = activities.activity_rows(partnership=partnership)
    if file_format == "csv":
        content = csv_bytes(activities.headers(), rows)
    else:
        content = xlsx_bytes(
            [
                SheetSpec(
                    str(activities.SHEET),
                    activities.headers(),
                    rows,
                    activities.WIDTHS,
                )
            ]
        )
    security_event_record(
        kind=SecurityEventKind.EXPORTED,
        actor=request.user,
        partnership=partnership,
        request=request,
        detail={"export": "activities", "format": file_format},
    )
    response = HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE if file_format == "xlsx" else CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{slug}-engagement-activities.{file_format}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
