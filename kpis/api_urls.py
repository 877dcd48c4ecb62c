"""The API's measures and quarterly values endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path, re_path

from . import api, review_api

urlpatterns = [
    path("measures/", api.MeasureList.as_view(), name="measure_list"),
    # Measure codes are the partnership's own ("CR-01", "2.3a"): anything but
    # a slash.
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/$",
        api.MeasureDetail.as_view(),
        name="measure_detail",
    ),
    path("settings/", api.PartnershipSettings.as_view(), name="partnership_settings"),
    path("welsh-texts/", api.WelshTextSet.as_view(), name="welsh_text_set"),
    path("values/", api.ValueList.as_view(), name="value_list"),
    path("values/bulk/", api.ValueBulk.as_view(), name="value_bulk"),
    path("values/<int:pk>/", api.ValueDetail.as_view(), name="value_detail"),
    # The review cycle (kpis/review_api.py). A quarter is "YYYY-Q"; the view
    # answers anything else with the API's JSON 404.
    path(
        "values/<int:pk>/approve/",
        review_api.ValueApprove.as_view(),
        name="value_approve",
    ),
    path(
        "values/<int:pk>/return/",
        review_api.ValueReturn.as_view(),
        name="value_return",
    ),
    re_path(
        r"^quarters/(?P<key>[^/\x00]+)/$",
        review_api.QuarterDetail.as_view(),
        name="quarter_detail",
    ),
    re_path(
        r"^quarters/(?P<key>[^/\x00]+)/submit/$",
        review_api.QuarterSubmit.as_view(),
        name="quarter_submit",
    ),
    re_path(
        r"^quarters/(?P<key>[^/\x00]+)/approve-submitted/$",
        review_api.QuarterApproveSubmitted.as_view(),
        name="quarter_approve_submitted",
    ),
    re_path(
        r"^quarters/(?P<key>[^/\x00]+)/lock/$",
        review_api.QuarterLock.as_view(),
        name="quarter_lock",
    ),
    re_path(
        r"^quarters/(?P<key>[^/\x00]+)/reopen/$",
        review_api.QuarterReopen.as_view(),
        name="quarter_reopen",
    ),
]
