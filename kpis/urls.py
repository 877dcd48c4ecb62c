"""A partnership's quarterly cycle: entry, review, lock and reporting set-up.

Included under /p/<slug>/ by civic/urls.py.
"""

from django.urls import path

from . import views

app_name = "kpis"

urlpatterns = [
    path("my-measures/", views.my_measures, name="my_measures"),
    path(
        "my-measures/submit/",
        views.my_measures_submit,
        name="my_measures_submit",
    ),
    path("quarter/", views.quarter_review, name="quarter_review"),
    path(
        "quarter/values/<int:pk>/",
        views.quarter_review_value,
        name="quarter_review_value",
    ),
    path(
        "quarter/approve/",
        views.quarter_approve_submitted,
        name="quarter_approve_submitted",
    ),
    path("quarter/lock/", views.quarter_lock, name="quarter_lock"),
    path("quarter/reopen/", views.quarter_reopen, name="quarter_reopen"),
    path("setup/", views.reporting_setup, name="reporting_setup"),
    path(
        "setup/measures/<int:pk>/",
        views.measure_checks,
        name="measure_checks",
    ),
    path("welsh/", views.welsh_texts, name="welsh_texts"),
    path(
        "quarter/settings/",
        views.reporting_settings,
        name="reporting_settings",
    ),
]
