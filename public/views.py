"""Public pages: no sign-in, read from the published copy only.

Every answer is keyed by the partnership's data version, the day and the
language: the ETag says so, a matching If-None-Match is answered 304 after
two small queries, and the rendered page is kept in the cache, so a page is
rendered at most once per change (and per day, as quarters end). A
partnership, measure or report that is not published answers 404 exactly as
one that does not exist.
"""

import csv
import io
import json

from csp.decorators import csp_replace
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import http_date, quote_etag
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from partnerships import tenancy
from reports.models import ReportStatus, report_storage

from .models import EditionStatus, PublishedReport
from .snapshot import publication_for_slug, snapshot_get

MAX_AGE = 300
CACHE_SECONDS = 24 * 60 * 60


def _published(slug: str):
    publication = publication_for_slug(slug)
    if publication is None:
        raise Http404("No such public page.")
    return publication


def _language() -> str:
    return "cy" if translation.get_language() == "cy" else "en-gb"


def _etag(publication, kind: str) -> str:
    """Names this answer: the publication, its data version, the day and
    the language."""
    day = timezone.localdate().isoformat()
    return quote_etag(
        f"{publication.cache_key.hex[:12]}-{publication.data_version}-{day}"
        f"-{_language()}-{kind}"
    )


def _cached(request, slug: str, kind: str, render):
    """The response for ``kind`` of this published partnership: 304 when the
    caller has it, else the cached body, else ``render(publication, payload)``
    (which returns (body, content type) or raises Http404)."""
    publication = _published(slug)
    etag = _etag(publication, kind)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        key = f"public:{publication.partnership_id}:{etag}:{request.path}"
        stored = cache.get(key)
        if stored is None:
            stored = render(publication, snapshot_get(publication))
            cache.set(key, stored, CACHE_SECONDS)
        body, content_type = stored
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    changed = max(filter(None, (publication.updated_at, publication.data_changed_at)))
    response["Last-Modified"] = http_date(changed.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _page(payload) -> dict:
    return payload["languages"][_language()]


def _measure(payload, pk: int) -> dict:
    measure = _page(payload)["measures"].get(str(pk))
    if measure is None:
        raise Http404("No such published measure.")
    return measure


def _html(template: str, context: dict) -> tuple[str, str]:
    return render_to_string(template, context), "text/html; charset=utf-8"


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    def render(publication, payload):
        return _html(
            "public/page.html",
            {
                "request": request,
                "slug": slug,
                "payload": payload,
                "page": _page(payload),
            },
        )

    return _cached(request, slug, "page", render)


@require_GET
def measure(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def render(publication, payload):
        return _html(
            "public/measure.html",
            {
                "request": request,
                "slug": slug,
                "payload": payload,
                "page": _page(payload),
                "measure": _measure(payload, pk),
                "embed_code": embed_code(request, slug, _measure(payload, pk)),
            },
        )

    return _cached(request, slug, f"measure-{pk}", render)


def embed_code(request: HttpRequest, slug: str, measure: dict) -> str:
    """The iframe snippet a site pastes in to show the measure's chart."""
    address = request.build_absolute_uri(
        reverse("public:embed", kwargs={"slug": slug, "pk": measure["id"]})
    )
    # Plain text (the page shows it escaped, for copying), its attributes
    # escaped for the page it will be pasted into.
    return (
        f'<iframe src="{escape(address)}" title="{escape(measure["name"]["text"])}" '
        'width="680" height="380" style="border:0"></iframe>'
    )


# Embeds may be framed by any site: only their own addresses relax the
# site's frame-ancestors 'none' and X-Frame-Options DENY.
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_GET
def embed(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def render(publication, payload):
        return _html(
            "public/embed.html",
            {
                "request": request,
                "slug": slug,
                "page": _page(payload),
                "measure": _measure(payload, pk),
            },
        )

    return _cached(request, slug, f"embed-{pk}", render)


OPEN_DATA_FIELDS = [
    "partnership",
    "measure_code",
    "measure",
    "kind",
    "reporting_year",
    "quarter",
    "category",
    "value",
    "disclosure",
    "licence",
]


def open_data_rows(payload) -> list[dict]:
    """One row per published figure: a year, a quarter, or a breakdown cell."""
    english = payload["languages"]["en-gb"]
    licence = payload["licence"]["name"]
    rows = []
    for measure in english["measures"].values():
        base = {
            "partnership": payload["slug"],
            "measure_code": measure["code"],
            "measure": measure["name"]["text"],
            "kind": measure["value_type"],
            "licence": licence,
        }
        for year in measure["years"]:
            rows.append(
                base
                | {
                    "reporting_year": year["label"],
                    "quarter": "",
                    "category": "",
                    "value": year["value"],
                    "disclosure": year["state"],
                }
            )
            for quarter in year["quarters"]:
                rows.append(
                    base
                    | {
                        "reporting_year": year["label"],
                        "quarter": quarter["quarter"],
                        "category": "",
                        "value": quarter["value"],
                        "disclosure": quarter["state"],
                    }
                )
            for cell in (year["breakdown"] or {}).get("open", []):
                rows.append(
                    base
                    | {
                        "reporting_year": year["label"],
                        "quarter": cell["quarter"] or "",
                        "category": cell["category"],
                        "value": cell["value"],
                        "disclosure": cell["state"],
                    }
                )
    return rows


@require_GET
def open_data_csv(request: HttpRequest, slug: str) -> HttpResponse:
    def render(publication, payload):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=OPEN_DATA_FIELDS)
        writer.writeheader()
        for row in open_data_rows(payload):
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return out.getvalue(), "text/csv; charset=utf-8"

    response = _cached(request, slug, "csv", render)
    response["Content-Disposition"] = f'attachment; filename="{slug}-figures.csv"'
    return response


@require_GET
def open_data_json(request: HttpRequest, slug: str) -> HttpResponse:
    def render(publication, payload):
        document = {
            "partnership": payload["slug"],
            "name": payload["languages"]["en-gb"]["name"],
            "licence": payload["licence"],
            "threshold": payload["threshold"],
            "disclosure": {
                "shown": "the figure as reported",
                "small": f"a count from 1 to {payload['threshold'] - 1}: not shown",
                "withheld": "withheld so that a small count cannot be worked out",
            },
            "data_version": payload["data_version"],
            "built_on": payload["built_on"],
            "figures": open_data_rows(payload),
        }
        return json.dumps(document, ensure_ascii=False, indent=1), "application/json"

    return _cached(request, slug, "json", render)


@require_GET
def report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A published annual report's public edition (404 for any other): the
    report with disclosure control applied (public/report_edition.py),
    never the members' PDF."""
    publication = _published(slug)
    payload = snapshot_get(publication)
    listed = next((r for r in _page(payload)["reports"] if r["id"] == pk), None)
    if listed is None:
        raise Http404("No such published report.")
    with tenancy.partnership_scope(publication.partnership_id):
        edition = get_object_or_404(
            PublishedReport.objects.filter(
                partnership_id=publication.partnership_id,
                status=EditionStatus.READY,
                report__status=ReportStatus.READY,
            ),
            report_id=pk,
        )
        try:
            with report_storage().open(edition.file_name, "rb") as handle:
                body = handle.read()
        except FileNotFoundError as missing:
            raise Http404 from missing
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{listed["file_name"]}"'
    response["ETag"] = _etag(publication, f"report-{pk}")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
