"""The API's mission, priorities, outcomes and projects endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("mission/", api.MissionDetail.as_view(), name="mission"),
    path("priorities/", api.PriorityList.as_view(), name="priority_list"),
    path(
        "priorities/<int:pk>/",
        api.PriorityDetail.as_view(),
        name="priority_detail",
    ),
    path("outcomes/", api.OutcomeList.as_view(), name="outcome_list"),
    path(
        "outcomes/<int:pk>/",
        api.OutcomeDetail.as_view(),
        name="outcome_detail",
    ),
    path("projects/", api.ProjectList.as_view(), name="project_list"),
    path(
        "projects/<int:pk>/",
        api.ProjectDetail.as_view(),
        name="project_detail",
    ),
]
