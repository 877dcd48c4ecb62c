"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from kpis import api as kpis_api
from outcomes import api as outcomes_api
from partnerships import api as partnerships_api
from partnerships.apiconf import not_found
from reports import api as reports_api

app_name = "api"

tenant_patterns = [
    path("mission/", outcomes_api.MissionDetail.as_view(), name="mission"),
    path("priorities/", outcomes_api.PriorityList.as_view(), name="priority_list"),
    path(
        "priorities/<int:pk>/",
        outcomes_api.PriorityDetail.as_view(),
        name="priority_detail",
    ),
    path("outcomes/", outcomes_api.OutcomeList.as_view(), name="outcome_list"),
    path(
        "outcomes/<int:pk>/",
        outcomes_api.OutcomeDetail.as_view(),
        name="outcome_detail",
    ),
    path("projects/", outcomes_api.ProjectList.as_view(), name="project_list"),
    path(
        "projects/<int:pk>/",
        outcomes_api.ProjectDetail.as_view(),
        name="project_detail",
    ),
    path("measures/", kpis_api.MeasureList.as_view(), name="measure_list"),
    # Measure codes are the partnership's own ("CR-01", "2.3a"): anything but
    # a slash.
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/$",
        kpis_api.MeasureDetail.as_view(),
        name="measure_detail",
    ),
    path("values/", kpis_api.ValueList.as_view(), name="value_list"),
    path("values/bulk/", kpis_api.ValueBulk.as_view(), name="value_bulk"),
    path("values/<int:pk>/", kpis_api.ValueDetail.as_view(), name="value_detail"),
    path("reports/", reports_api.ReportList.as_view(), name="report_list"),
    path("reports/<int:pk>/", reports_api.ReportDetail.as_view(), name="report_detail"),
    path(
        "reports/<int:pk>/download/",
        reports_api.ReportDownload.as_view(),
        name="report_download",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path(
        "partnerships/",
        partnerships_api.PartnershipList.as_view(),
        name="partnership_list",
    ),
    path("p/<slug:slug>/", include(tenant_patterns)),
    re_path(r"", not_found),
]
