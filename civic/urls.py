from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from exchange import views as exchange_views
from kpis import views as kpis_views
from partnerships import views as partnership_views
from partnerships.apiconf import not_found as api_not_found
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
    path("data/", exchange_views.data, name="data"),
    path("data/import/", exchange_views.import_upload, name="import_upload"),
    path("data/import/<int:pk>/", exchange_views.import_job, name="import_job"),
    path(
        "data/import/<int:pk>/confirm/",
        exchange_views.import_confirm,
        name="import_confirm",
    ),
    path(
        "data/values-template/",
        exchange_views.values_template,
        name="values_template",
    ),
    path("data/values/", exchange_views.values_export, name="values_export"),
    path("data/framework/", exchange_views.framework_export, name="framework_export"),
    path(
        "data/framework-template/",
        exchange_views.framework_template,
        name="framework_template",
    ),
    path(
        "data/framework-example/",
        exchange_views.framework_example,
        name="framework_example",
    ),
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
    path("account/tokens/", partnership_views.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        partnership_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("p/<slug:slug>/", include(tenant_patterns)),
    path("api/v1/", include("civic.api_urls")),
    re_path(r"^api/", api_not_found),
]
