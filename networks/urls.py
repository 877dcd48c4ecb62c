"""A partnership's networks, under /p/<slug>/ (civic/urls.py)."""

from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.networks, name="networks"),
    path("networks/<int:pk>/", views.network, name="network"),
    path("networks/<int:pk>/respond/", views.network_respond, name="respond"),
    path("networks/<int:pk>/leave/", views.network_leave, name="leave"),
    path(
        "networks/<int:pk>/measures/<int:measure_pk>/",
        views.adoption,
        name="adoption",
    ),
]
