"""The API's measures and quarterly values endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("measures/", api.MeasureList.as_view(), name="measure_list"),
    # Measure codes are the partnership's own ("CR-01", "2.3a"): anything but
    # a slash.
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/$",
        api.MeasureDetail.as_view(),
        name="measure_detail",
    ),
    path("welsh-texts/", api.WelshTextSet.as_view(), name="welsh_text_set"),
    path("values/", api.ValueList.as_view(), name="value_list"),
    path("values/bulk/", api.ValueBulk.as_view(), name="value_bulk"),
    path("values/<int:pk>/", api.ValueDetail.as_view(), name="value_detail"),
]
