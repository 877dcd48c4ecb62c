"""The measure page shows a window of reporting years, newest first, and
reads only those years' figures: its cost does not grow with the history."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.models import Aggregation, ValueType
from kpis.periods import Quarter
from kpis.selectors import current_quarter
from partnerships.models import Role
from reports.selectors import MEASURE_PAGE_YEARS
from tests.factories import MeasureFactory, MembershipFactory

# The clock is pinned to November 2026: 2026/27 Q1 (a September start).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def measure_with_history(quarters, **fields):
    """A measure with a figure (and a story) in each of the last quarters."""
    measure = MeasureFactory(**fields)
    partnership = measure.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    for number, quarter in enumerate(
        current_quarter(partnership=partnership).back(quarters), start=1
    ):
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=services.period_get_or_create(
                partnership=partnership, quarter=quarter
            ),
            actor=admin,
            value=D(number),
            story=f"Story of {quarter.label}.",
        )
    return measure, admin


def page_url(measure):
    return reverse(
        "reports:measure_detail",
        kwargs={"slug": measure.partnership.slug, "pk": measure.pk},
    )


def test_the_page_shows_the_newest_years_and_links_to_earlier_ones(client):
    measure, admin = measure_with_history(36)
    client.force_login(admin)
    page = client.get(page_url(measure))
    assert page.status_code == 200
    now = current_quarter(partnership=measure.partnership)
    shown = [year.year for year in page.context["page"].years]
    assert shown == list(range(now.year, now.year - MEASURE_PAGE_YEARS, -1))
    html = page.content.decode()
    oldest = now.back(36)[0]
    assert f"Story of {now.label}." in html
    assert f"Story of {oldest.label}." not in html
    assert f'href="?until={now.year - MEASURE_PAGE_YEARS}#by-year"' in html
    assert "Later years" not in html
    # Every quarter from the window's first to now, on the chart's table.
    first = Quarter(now.year - MEASURE_PAGE_YEARS + 1, 1, now.start_month)
    assert page.context["page"].series[0].label == first.label
    assert page.context["page"].series[-1].label == now.label


def test_earlier_years_show_their_figures_and_link_back(client):
    measure, admin = measure_with_history(36)
    client.force_login(admin)
    now = current_quarter(partnership=measure.partnership)
    until = now.year - MEASURE_PAGE_YEARS
    page = client.get(page_url(measure), {"until": until})
    assert page.status_code == 200
    shown = [year.year for year in page.context["page"].years]
    assert shown[0] == until
    assert all(year <= until for year in shown)
    html = page.content.decode()
    assert f"Story of {Quarter(until, 4, now.start_month).label}." in html
    assert f"Story of {now.label}." not in html
    assert f'href="?until={now.year}#by-year"' in html
    # The facts stay the current year's: its target.
    assert page.context["page"].current.year == now.year
    # The earliest window holds the first figure, and nothing is before it.
    page = client.get(page_url(measure), {"until": until - MEASURE_PAGE_YEARS})
    html = page.content.decode()
    assert f"Story of {now.back(36)[0].label}." in html
    assert "Earlier years" not in html
    assert "Later years" in html


@pytest.mark.parametrize("until", ["soon", "-1", "99999", ""])
def test_an_address_that_is_not_a_shown_year_shows_the_newest(client, until):
    measure, admin = measure_with_history(2)
    client.force_login(admin)
    page = client.get(page_url(measure), {"until": until})
    assert page.status_code == 200
    now = current_quarter(partnership=measure.partnership)
    assert page.context["page"].years[0].year == now.year


def test_the_page_reads_as_much_for_three_times_the_history(
    client, django_assert_max_num_queries
):
    counts, rows = [], []
    for quarters in (12, 36):
        measure, admin = measure_with_history(quarters)
        client.force_login(admin)
        with django_assert_max_num_queries(16) as captured:
            page = client.get(page_url(measure))
        assert page.status_code == 200
        counts.append(len(captured))
        rows.append(len(page.context["page"].values))
    assert counts[0] == counts[1]
    # Four years up to 2026/27 Q1: 13 quarters, whatever came before.
    assert rows == [12, 13]


def test_a_milestone_done_before_the_years_shown_is_done_in_them(client):
    milestone = MeasureFactory(
        name="Civic charter signed",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
        annual_target=None,
    )
    partnership = milestone.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    recording.quarterly_value_record(
        partnership=partnership,
        measure=milestone,
        period=services.period_get_or_create(
            partnership=partnership,
            quarter=Quarter(2020, 2, partnership.reporting_year_start_month),
        ),
        actor=admin,
        value=D(1),
    )
    client.force_login(admin)
    html = client.get(page_url(milestone)).content.decode()
    year = html[html.index("2026/27</th>") :]
    year = year[: year.index("</tr>")]
    assert "Done" in year and "On track" in year
    assert "No data yet" not in year
    assert 'href="?until=2022#by-year"' in html


def test_another_partnerships_measure_is_a_404_for_every_window(client):
    measure, _admin = measure_with_history(2)
    stranger = MembershipFactory(role=Role.ADMIN).user
    client.force_login(stranger)
    assert client.get(page_url(measure), {"until": 2020}).status_code == 404
