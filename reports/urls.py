"""A partnership's read-only views: the dashboard, each measure's page, the
contribution map and the annual reports.

Included under /p/<slug>/ by civic/urls.py.
"""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/curve/", views.measure_curve, name="measure_curve"),
    path("contribution/", views.contribution, name="contribution"),
    path(
        "indicators/<int:number>/",
        views.indicator_detail,
        name="indicator_detail",
    ),
    path(
        "contribution/indicators/",
        views.contribution_indicators,
        name="contribution_indicators",
    ),
    path(
        "contribution/framework/",
        views.contribution_framework,
        name="contribution_framework",
    ),
    path("reports/", views.reports, name="reports"),
    path(
        "reports/<int:pk>/download/",
        views.report_download,
        name="report_download",
    ),
    path(
        "reports/<int:pk>/withdraw/",
        views.report_withdraw,
        name="report_withdraw",
    ),
]
