"""The API's annual reports endpoints.

Included under /api/v1/p/<slug>/ in the ``api`` namespace by civic/api_urls.py.
"""

from django.urls import path, re_path

from . import api, curve_api

urlpatterns = [
    # Measure codes as in kpis/api_urls.py: anything but a slash.
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/years/$",
        api.MeasureYears.as_view(),
        name="measure_years",
    ),
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/curve-stories/$",
        curve_api.MeasureCurveStories.as_view(),
        name="measure_curve_story_list",
    ),
    re_path(
        r"^measures/(?P<code>[^/\x00]{1,20})/curve-stories/(?P<year>[0-9]{1,9})/$",
        curve_api.MeasureCurveStoryYear.as_view(),
        name="measure_curve_story_detail",
    ),
    path(
        "indicators/<int:number>/curve-stories/",
        curve_api.IndicatorCurveStories.as_view(),
        name="indicator_curve_story_list",
    ),
    path(
        "indicators/<int:number>/curve-stories/<int:year>/",
        curve_api.IndicatorCurveStoryYear.as_view(),
        name="indicator_curve_story_detail",
    ),
    path("curve-stories/", curve_api.CurveStoryList.as_view(), name="curve_story_list"),
    path("reports/", api.ReportList.as_view(), name="report_list"),
    path("reports/<int:pk>/", api.ReportDetail.as_view(), name="report_detail"),
    path(
        "reports/<int:pk>/download/",
        api.ReportDownload.as_view(),
        name="report_download",
    ),
    path(
        "reports/<int:pk>/withdraw/",
        api.ReportWithdraw.as_view(),
        name="report_withdraw",
    ),
]
