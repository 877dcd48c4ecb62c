"""The API's endpoints outside any partnership: the caller's partnerships.

Included under /api/v1/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("partnerships/", api.PartnershipList.as_view(), name="partnership_list"),
]
