"""The engagement log, under /p/<slug>/engagement/ (civic/urls.py)."""

from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    path("engagement/", views.engagement_log, name="log"),
    path("engagement/new/", views.activity_new, name="activity_new"),
    path("engagement/<int:pk>/", views.activity_detail, name="activity"),
    path("engagement/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("engagement/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("engagement/settings/", views.engagement_settings, name="settings"),
]
