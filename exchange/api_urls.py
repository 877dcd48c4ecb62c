"""The API's import endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("imports/", api.ImportList.as_view(), name="import_list"),
    path("imports/<int:pk>/", api.ImportDetail.as_view(), name="import_detail"),
    path(
        "imports/<int:pk>/confirm/",
        api.ImportConfirm.as_view(),
        name="import_confirm",
    ),
]
