from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kpis import views as kpis_views
from partnerships import views as partnership_views
from reports import views as report_views

tenant_patterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("my-measures/", kpis_views.my_measures, name="my_measures"),
    path("measures/<int:pk>/", kpis_views.measure_detail, name="measure_detail"),
    path("reports/", report_views.reports, name="reports"),
    path(
        "reports/<int:pk>/download/",
        report_views.report_download,
        name="report_download",
    ),
]

urlpatterns = [
    path("", partnership_views.home, name="home"),
    path("healthz", partnership_views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path(settings.ADMIN_URL_PREFIX.lstrip("/"), admin.site.urls),
    path("p/<slug:slug>/", include(tenant_patterns)),
]
