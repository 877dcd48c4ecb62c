from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnerships.decorators import tenant_view

from .selectors import dashboard_get


@tenant_view
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The steering overview: is each priority on track, is the curve turning."""
    year = request.GET.get("year", "")
    dashboard = dashboard_get(
        partnership=request.partnership, year=int(year) if year.isdigit() else None
    )
    return render(request, "reports/dashboard.html", {"dashboard": dashboard})
