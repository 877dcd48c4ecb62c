"""Platform staff's network pages, beside /staff/partnerships/new/."""

from django.urls import path

from . import staff_views

app_name = "networks_staff"

urlpatterns = [
    path("staff/networks/", staff_views.networks, name="networks"),
    path("staff/networks/<int:pk>/", staff_views.network, name="network"),
    path(
        "staff/networks/<int:pk>/measures/<int:measure_pk>/",
        staff_views.shared_measure,
        name="shared_measure",
    ),
]
