"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages.

Each app routes its own endpoints (``<app>/api_urls.py``); they share the one
``api`` namespace (``api:measure_list``), whose names are unique across apps.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from partnerships.apiconf import not_found

app_name = "api"

tenant_patterns = [
    path("", include("outcomes.api_urls")),
    path("", include("kpis.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("partnerships.api_urls")),
    path("p/<slug:slug>/", include(tenant_patterns)),
    re_path(r"", not_found),
]
