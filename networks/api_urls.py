"""Included under /api/v1/p/<slug>/ in the ``api`` namespace (civic/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("networks/", api.NetworkMembershipList.as_view(), name="network_list"),
    path("networks/<int:pk>/", api.NetworkDetail.as_view(), name="network_detail"),
    path(
        "networks/<int:pk>/response/",
        api.NetworkResponse.as_view(),
        name="network_response",
    ),
    path("networks/<int:pk>/leave/", api.NetworkLeave.as_view(), name="network_leave"),
    path(
        "networks/<int:pk>/measures/<int:measure_pk>/adoption/",
        api.AdoptionDetail.as_view(),
        name="network_adoption",
    ),
]
