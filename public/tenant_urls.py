"""The publishing page, under /p/<slug>/ (civic/urls.py)."""

from django.urls import path

from . import admin_views

app_name = "publishing"

urlpatterns = [
    path("publishing/", admin_views.publishing, name="publishing"),
]
