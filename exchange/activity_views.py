"""The engagement log's import and export page (exchange.activities)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpRequest

from engagement.services import may_log
from partnerships import policy as roles
from partnerships.decorators import tenant_view
from partnerships.models import SecurityEventKind
from partnerships.security import security_event_record

from . import activities
from .spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    SheetSpec,
    SpreadsheetError,
    csv_bytes,
    read_upload,
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
            "max_rows": activities.MAX_ROWS,
            "max_bytes": settings.IMPORT_MAX_BYTES,
        },
        status=status,
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def activities_data(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        return _render(request, ActivityUploadForm())
    if not may_log(request.membership):
        raise PermissionDenied
    form = ActivityUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, status=422)
    upload = form.cleaned_data["file"]
    try:
        workbook = read_upload(upload.read(), filename=upload.name)
    except SpreadsheetError as error:
        form.add_error("file", str(error))
        return _render(request, form, status=422)
    sheet = workbook.sheet(str(activities.SHEET)) or workbook.sheets[0]
    try:
        result = activities.activities_import(
            partnership=request.partnership, actor=request.user, sheet=sheet
        )
    except activities.ActivityImportError as error:
        form.add_error(
            "file", _("Nothing was imported: put right the rows listed below.")
        )
        return _render(request, form, problems=error.problems, status=422)
    messages.success(
        request,
        ngettext(
            "%(added)s activity added; %(changed)s changed.",
            "%(added)s activities added; %(changed)s changed.",
            result.added,
        )
        % {"added": result.added, "changed": result.changed},
    )
    return redirect("engagement:log", slug=slug)


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
