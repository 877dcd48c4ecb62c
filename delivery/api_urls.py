"""The action plan's endpoints, under /api/v1/p/<slug>/ (civic/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("actions/", api.ActionList.as_view(), name="action_list"),
    path("actions/<int:pk>/", api.ActionDetail.as_view(), name="action_detail"),
    path(
        "actions/<int:pk>/updates/",
        api.ActionUpdateList.as_view(),
        name="action_update_list",
    ),
    path(
        "action-updates/<int:pk>/approve/",
        api.UpdateApprove.as_view(),
        name="action_update_approve",
    ),
    path(
        "action-updates/<int:pk>/return/",
        api.UpdateReturn.as_view(),
        name="action_update_return",
    ),
]
