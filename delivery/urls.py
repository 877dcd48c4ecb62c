"""The action plan's pages, under /p/<slug>/ (civic/urls.py)."""

from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("actions/", views.action_plan, name="action_plan"),
    path("actions/new/", views.action_edit, name="action_add"),
    path("actions/review/", views.updates_review, name="updates_review"),
    path("actions/by-status/", views.actions_by_status, name="actions_by_status"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("my-quarter/", views.my_quarter, name="my_quarter"),
]
