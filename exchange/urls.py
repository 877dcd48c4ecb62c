"""A partnership's spreadsheet import and export.

Included under /p/<slug>/ by civic/urls.py.
"""

from django.urls import path

from . import activity_views, views

app_name = "exchange"

urlpatterns = [
    path(
        "engagement/data/",
        activity_views.activities_data,
        name="activities_data",
    ),
    path(
        "engagement/data/export/",
        activity_views.activities_export,
        name="activities_export",
    ),
    path("data/", views.data, name="data"),
    path("data/import/", views.import_upload, name="import_upload"),
    path("data/import/<int:pk>/", views.import_job, name="import_job"),
    path(
        "data/import/<int:pk>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path(
        "data/values-template/",
        views.values_template,
        name="values_template",
    ),
    path("data/values/", views.values_export, name="values_export"),
    path("data/framework/", views.framework_export, name="framework_export"),
    path(
        "data/framework-template/",
        views.framework_template,
        name="framework_template",
    ),
    path(
        "data/framework-example/",
        views.framework_example,
        name="framework_example",
    ),
]
