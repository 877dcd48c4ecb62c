"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages.

Each app routes its own endpoints (``<app>/api_urls.py``); they share the one
``api`` namespace (``api:measure_list``), whose names are unique across apps.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from partnerships.apiconf import not_found

app_name = "api"

tenant_patterns = [
    path("", include("partnerships.api_member_urls")),
    path("", include("outcomes.api_urls")),
    path("", include("kpis.api_urls")),
    path("", include("delivery.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("engagement.api_urls")),
    path("", include("exchange.api_urls")),
    path("", include("public.api_urls")),
    path("", include("networks.api_urls")),
]

# The documentation pages keep the site's Content-Security-Policy, relaxed
# only where Swagger UI and Redoc need it: both draw icons from data: URIs,
# and Redoc adds <style> elements as it renders (so no nonce for its styles:
# a nonce would switch 'unsafe-inline' off) and searches in a blob: worker.
# Swagger UI's start-up script is served as a file (the split view).
docs = csp_replace({"img-src": [SELF, "data:"]})(
    SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="api/swagger_ui.html"
    )
)
redoc = csp_replace(
    {
        "img-src": [SELF, "data:"],
        "style-src": [SELF, UNSAFE_INLINE],
        "worker-src": [SELF, "blob:"],
    }
)(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("redoc/", redoc, name="redoc"),
    path("", include("partnerships.api_urls")),
    path("p/<slug:slug>/", include(tenant_patterns)),
    re_path(r"", not_found),
]
