"""The API's engagement log endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("activities/", api.ActivityList.as_view(), name="activity_list"),
    path("activities/<int:pk>/", api.ActivityDetail.as_view(), name="activity_detail"),
]
