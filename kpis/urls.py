"""A partnership's quarterly cycle: entry, review, lock and reporting set-up.

Included under /p/<slug>/ by civic/urls.py.
"""

from django.urls import path

from . import editor, views

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
    path("strategy/", editor.strategy_editor, name="strategy"),
    path("strategy/mission/", editor.mission_edit, name="mission_edit"),
    path("strategy/priorities/", editor.priority_add, name="priority_add"),
    path(
        "strategy/priorities/<int:pk>/",
        editor.priority_edit,
        name="priority_edit",
    ),
    path("strategy/outcomes/", editor.outcome_add, name="outcome_add"),
    path("strategy/outcomes/<int:pk>/", editor.outcome_edit, name="outcome_edit"),
    path("strategy/measures/new/", editor.measure_edit, name="measure_add"),
    path("strategy/measures/<int:pk>/", editor.measure_edit, name="measure_edit"),
    path(
        "strategy/measures/<int:pk>/retire/",
        editor.measure_retire,
        name="measure_retire",
    ),
    path(
        "strategy/measures/<int:pk>/delete/",
        editor.measure_delete,
        name="measure_delete",
    ),
    path("settings/", editor.partnership_settings, name="partnership_settings"),
    path(
        "settings/two-step/",
        editor.partnership_second_factor,
        name="partnership_second_factor",
    ),
    path(
        "quarter/settings/",
        views.reporting_settings,
        name="reporting_settings",
    ),
]
