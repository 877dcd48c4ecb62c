from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpRequest

from kpis.periods import Quarter, year_label
from kpis.selectors import current_quarter, period_list
from partnerships import policy as roles
from partnerships.decorators import recent_authentication_required, tenant_view
from partnerships.models import SecurityEventKind
from partnerships.replica import replica_view
from partnerships.security import security_event_record

from . import exports, framework, services, values
from .models import ImportKind
from .selectors import import_job_list
from .spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes

FORMATS = [("xlsx", gettext_lazy("Excel (.xlsx)")), ("csv", gettext_lazy("CSV"))]
# What a CSV export holds (an Excel export holds all three, a sheet each).
EXPORT_TABLES = {
    "figures": gettext_lazy("Quarterly figures"),
    "summary": gettext_lazy("Year summary"),
    "breakdowns": gettext_lazy("Breakdowns"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


def _quarter_choices(partnership) -> list[tuple[str, str]]:
    current = current_quarter(partnership=partnership)
    return [(q.key, q.label) for q in reversed(current.back(8))]


def _year_choices(partnership) -> list[tuple[int, str]]:
    years = sorted(
        set(period_list(partnership=partnership).values_list("year", flat=True)),
        reverse=True,
    )
    return [(y, year_label(y, partnership.reporting_year_start_month)) for y in years]


def _download(content: bytes, name: str, file_format: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE if file_format == "xlsx" else CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _format(request) -> str:
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


@tenant_view
@require_GET
def data(request: HttpRequest, slug: str) -> HttpResponse:
    """Import and export: templates, uploads, exports and recent imports."""
    partnership, membership = request.partnership, request.membership
    jobs = list(import_job_list(membership=membership)[:20])
    context = {
        "jobs": jobs,
        "pending": any(j.is_pending for j in jobs),
        "years": _year_choices(partnership),
        "quarters": _quarter_choices(partnership),
        "formats": FORMATS,
        "tables": list(EXPORT_TABLES.items()),
        "values_form": UploadForm(initial={"kind": ImportKind.VALUES}),
        "framework_form": UploadForm(initial={"kind": ImportKind.FRAMEWORK}),
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    template = "exchange/data.html"
    if request.htmx:
        template += "#job-list"
    return render(request, template, context)


@tenant_view
@require_POST
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.import_job_create(
                partnership=request.partnership,
                membership=request.membership,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            return redirect("exchange:import_job", slug=slug, pk=job.pk)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("exchange:data", slug=slug)


@tenant_view
@require_GET
def import_job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = get_object_or_404(import_job_list(membership=request.membership), pk=pk)
    problems_by_sheet: dict[str, list[dict]] = {}
    for problem in job.problems:
        sheet = framework.sheet_label(problem.get("sheet") or "") or _("File")
        problems_by_sheet.setdefault(sheet, []).append(problem)
    # The preview names each row's sheet; shown in the reader's language.
    preview_rows = [
        {**row, "sheet": framework.sheet_label(row["sheet"])} if "sheet" in row else row
        for row in job.preview.get("rows") or []
    ]
    context = {
        "job": job,
        "preview_rows": preview_rows,
        "problems_by_sheet": problems_by_sheet,
        # The job keeps the first problems; the count covers them all.
        "problem_count": max(job.preview.get("problem_count") or 0, len(job.problems)),
        "can_confirm": job.status == "ready"
        and (
            job.created_by_id == request.user.pk
            or roles.may_see_others_imports(request.membership)
        ),
    }
    template = "exchange/job.html"
    if request.htmx:
        template += "#job-status"
    return render(request, template, context)


@tenant_view
@require_POST
def import_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    get_object_or_404(import_job_list(membership=request.membership), pk=pk)
    try:
        services.import_job_confirm(
            partnership=request.partnership,
            membership=request.membership,
            job_id=pk,
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Importing. This page shows when it is done."))
    return redirect("exchange:import_job", slug=slug, pk=pk)


@tenant_view
@require_GET
def values_template(request: HttpRequest, slug: str) -> HttpResponse:
    membership = request.membership
    if not roles.may_import(membership, roles.FIGURES):
        raise PermissionDenied
    wanted = request.GET.get("quarter", "")
    quarter = current_quarter(partnership=request.partnership)
    for value, _label in _quarter_choices(request.partnership):
        if value == wanted:
            quarter = Quarter.parse_key(value, quarter.start_month)
    file_format = _format(request)
    rows = values.values_template_rows(membership=membership, quarter=quarter)
    content = values.values_file(rows, file_format=file_format, guide=True)
    name = f"{slug}-figures-{quarter.label.replace('/', '-').replace(' ', '-')}"
    return _download(content, f"{name}.{file_format}", file_format)


@tenant_view
@require_GET
@recent_authentication_required
@replica_view
def values_export(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = request.partnership
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdecimal() and len(year_text) <= 4 else None
    file_format = _format(request)
    table = request.GET.get("table")
    if table not in EXPORT_TABLES:
        table = "figures"
    if file_format == "csv" and table == "summary":
        content = csv_bytes(
            exports.summary_headers(),
            exports.year_summary_rows(partnership=partnership, year=year),
        )
    elif file_format == "csv" and table == "breakdowns":
        content = csv_bytes(
            exports.breakdown_headers(),
            exports.breakdown_rows(partnership=partnership, year=year),
        )
    elif file_format == "csv":
        content = values.values_file(
            values.values_export_rows(partnership=partnership, year=year),
            file_format=file_format,
            guide=False,
        )
    else:
        content = exports.figures_workbook(partnership=partnership, year=year)
    if file_format == "xlsx":
        table = "all"
    security_event_record(
        kind=SecurityEventKind.EXPORTED,
        actor=request.user,
        partnership=partnership,
        request=request,
        detail={
            "export": "figures",
            "year": year,
            "format": file_format,
            "table": table,
        },
    )
    part = (
        year_label(year, partnership.reporting_year_start_month).replace("/", "-")
        if year is not None
        else "all"
    )
    what = {"summary": "year-summary", "breakdowns": "breakdowns"}.get(table, "figures")
    return _download(content, f"{slug}-{what}-{part}.{file_format}", file_format)


@tenant_view
@require_GET
@recent_authentication_required
@replica_view
def framework_export(request: HttpRequest, slug: str) -> HttpResponse:
    if not roles.may_export(request.membership, roles.FRAMEWORK):
        raise PermissionDenied
    content = framework.framework_file(partnership=request.partnership)
    security_event_record(
        kind=SecurityEventKind.EXPORTED,
        actor=request.user,
        partnership=request.partnership,
        request=request,
        detail={"export": "framework", "format": "xlsx"},
    )
    stamp = timezone.localdate().isoformat()
    return _download(content, f"{slug}-framework-{stamp}.xlsx", "xlsx")


@tenant_view
@require_http_methods(["GET"])
def framework_template(request: HttpRequest, slug: str) -> HttpResponse:
    content = framework.framework_file(partnership=None)
    return _download(content, "civic-framework-template.xlsx", "xlsx")


@tenant_view
@require_GET
def framework_example(request: HttpRequest, slug: str) -> HttpResponse:
    """Seed 001's action plan filled into the template: a worked example.

    The shipped file in docs/import/ in the request's language, which the
    demo writes (``scripts/make-import-examples.py``) and a test holds to
    the demo's data.
    """
    name = framework.example_file_name(get_language())
    content = (framework.EXAMPLES_DIR / name).read_bytes()
    return _download(content, "example-community-cohesion-framework.xlsx", "xlsx")
