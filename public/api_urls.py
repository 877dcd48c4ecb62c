"""Included under /api/v1/p/<slug>/ in the ``api`` namespace (civic/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("publication/", api.PublicationDetail.as_view(), name="publication"),
]
