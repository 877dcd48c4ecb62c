from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kpis import views as kpis_views
from partnerships import views as partnership_views
from reports import views as report_views

tenant_patterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("my-measures/", kpis_views.my_measures, name="my_measures"),
    path(
        "my-measures/submit/",
        kpis_views.my_measures_submit,
        name="my_measures_submit",
    ),
    path("quarter/", kpis_views.quarter_review, name="quarter_review"),
    path(
        "quarter/values/<int:pk>/",
        kpis_views.quarter_review_value,
        name="quarter_review_value",
    ),
    path("quarter/lock/", kpis_views.quarter_lock, name="quarter_lock"),
    path("quarter/reopen/", kpis_views.quarter_reopen, name="quarter_reopen"),
    path("setup/", kpis_views.reporting_setup, name="reporting_setup"),
    path(
        "setup/measures/<int:pk>/",
        kpis_views.measure_checks,
        name="measure_checks",
    ),
    path(
        "quarter/settings/",
        kpis_views.reporting_settings,
        name="reporting_settings",
    ),
    path("measures/<int:pk>/", kpis_views.measure_detail, name="measure_detail"),
    path("contribution/", report_views.contribution, name="contribution"),
    path(
        "indicators/<int:number>/",
        report_views.indicator_detail,
        name="indicator_detail",
    ),
    path(
        "contribution/indicators/",
        report_views.contribution_indicators,
        name="contribution_indicators",
    ),
    path(
        "contribution/framework/",
        report_views.contribution_framework,
        name="contribution_framework",
    ),
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
