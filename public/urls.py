"""Public pages, no sign-in: /public/<slug>/ (and /cy/public/<slug>/).

Included by civic/urls.py under its i18n patterns.
"""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/measures/<int:pk>/", views.measure, name="measure"),
    path("<slug:slug>/measures/<int:pk>/embed/", views.embed, name="embed"),
    path("<slug:slug>/figures.csv", views.open_data_csv, name="open_data_csv"),
    path("<slug:slug>/figures.json", views.open_data_json, name="open_data_json"),
    path("<slug:slug>/reports/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
]
