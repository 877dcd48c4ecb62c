"""The flat read model (reports.year_figures) works out what the model-based
one (reports.selectors.dashboard_get, the annual report's) does, for every
kind of measure and rule, this year and last, in English and Welsh."""

import pytest
from django.utils import translation

from kpis.selectors import current_quarter
from reports.selectors import dashboard_get
from reports.year_figures import dashboard_page_get, year_summary_list
from tests.reports.every_kind import every_kind_of_measure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def partnership():
    return every_kind_of_measure()


def _shown(summary) -> dict:
    """Everything the dashboard and the year summary show of a measure."""
    year = summary.year
    return {
        "measure": (
            summary.measure.pk,
            summary.measure.code,
            summary.measure.name,
            summary.measure.position,
            summary.measure.is_headline,
            summary.measure.partnership_id,
        ),
        "year": {
            name: getattr(year, name)
            for name in (
                "label",
                "entries",
                "ended",
                "done_earlier",
                "reported",
                "rate_only",
                "missing",
                "missing_note",
                "quarters_ended",
                "figure",
                "display",
                "target",
                "target_display",
                "last_quarter",
                "pro_rata_target",
                "pro_rata_display",
                "status",
                "due_label",
                "due_note",
            )
        },
        "trend": summary.trend,
        "latest": summary.latest,
        "latest_display": summary.latest_display,
        "curve": summary.curve,
        "curve_label": summary.curve_label,
        "curve_disagreement": summary.curve_disagreement,
        "trend_description": summary.trend_description,
        "sparkline": summary.sparkline,
        "breakdown": summary.breakdown,
        "url": summary.url,
    }


def _layout(dashboard) -> list:
    return [
        [
            (
                section.priority.pk if section.priority else None,
                [
                    (
                        group.outcome.pk if group.outcome else None,
                        [s.measure.pk for s in group.measures],
                    )
                    for group in section.sections
                ],
                [s.measure.pk for s in section.headline],
                section.status_counts,
            )
            for section in dashboard.priorities
        ],
        [s.measure.pk for s in dashboard.mission_measures],
        dashboard.mission_status_counts,
        dashboard.headline_status_counts,
        (dashboard.year, dashboard.year_label, dashboard.years, dashboard.quarters),
    ]


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("years_back", [0, 1, 7])
def test_the_flat_model_shows_what_the_model_instances_did(
    partnership, language, years_back
):
    year = current_quarter(partnership=partnership).year - years_back
    with translation.override(language):
        expected = dashboard_get(partnership=partnership, year=year)
        flat = dashboard_page_get(partnership=partnership, year=year)
        assert _layout(flat) == _layout(expected)
        shown = [_shown(s) for s in flat.all_measures]
        assert shown == [_shown(s) for s in expected.all_measures]
        summary = [
            _shown(s)["year"]
            for s in year_summary_list(partnership=partnership, year=year)
        ]
    # What makes each rule's figures differ is in this data.
    everything = [s["year"] for s in shown]
    if years_back == 0:
        assert {s["status"] for s in everything} >= {
            "on_track",
            "at_risk",
            "off_track",
            "no_target",
            "no_data",
        }
        assert any(s["due_note"] for s in everything)
        assert any(s["rate_only"] for s in everything)
        assert any(s["breakdown"] for s in shown)
        assert {s["curve"] for s in shown} >= {"turning", "not_turning"}
    if years_back == 1:
        assert any(s["missing"] for s in everything)
        assert any(s["measure"][2] == "Old measure" for s in shown)
    assert summary == [
        s["year"]
        for s in sorted(shown, key=lambda s: (s["measure"][3], s["measure"][1]))
    ]
