"""The dashboard's rendered content cached whole (reports.dashboard_cache):
served to every member alike, per language and year, never stale."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kpis import recording
from kpis.selectors import current_quarter
from partnerships.models import Role
from reports.dashboard_cache import dashboard_cache_key
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def team():
    measure = MeasureFactory(
        name="Families supported", name_cy="Teuluoedd a gefnogwyd", value_type="count"
    )
    partnership = measure.partnership
    quarter = current_quarter(partnership=partnership).previous()
    period = PeriodFactory(
        partnership=partnership, year=quarter.year, quarter=quarter.quarter
    )
    figure = QuarterlyValueFactory(measure=measure, period=period, value=D(1234))
    admin = MembershipFactory(
        partnership=partnership, role=Role.ADMIN, user__full_name="Ada Admin"
    ).user
    viewer = MembershipFactory(
        partnership=partnership, role=Role.VIEWER, user__full_name="Vic Viewer"
    ).user
    return measure, figure, admin, viewer


def _url(measure, **query):
    url = reverse("reports:dashboard", kwargs={"slug": measure.partnership.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _body(html: str) -> str:
    """The cached part of the page: from the partnership's heading to the end
    of the main content."""
    start = html.index('<div class="page-head">')
    return html[start : html.index("</main>", start)]


def test_every_member_is_served_the_same_content_and_no_one_elses_name(team, client):
    measure, _, admin, viewer = team
    client.force_login(admin)
    first = client.get(_url(measure))
    assert first.context["dashboard"] is not None
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as served:
        second = client.get(_url(measure))
    # Served from the cache: no read model built, no figure read.
    assert "dashboard" not in second.context
    assert not any("kpis_quarterlyvalue" in q["sql"] for q in served.captured_queries)
    html = second.content.decode()
    assert _body(html) == _body(first.content.decode())
    assert "1,234" in _body(html)
    # The viewer's own page (their name in the header) around the shared part;
    # the admin's name is nowhere in it.
    assert "Ada Admin" not in html
    assert "Ada Admin" not in _body(first.content.decode())


def test_the_cached_dashboard_query_count_is_small_and_fixed(
    team, client, django_assert_max_num_queries
):
    measure, _, _, viewer = team
    client.force_login(viewer)
    client.get(_url(measure))
    # The session, the user, the membership with its data version and the
    # tenant settings (the test's own transaction adds a savepoint and a
    # restore): nothing of the dashboard itself.
    with django_assert_max_num_queries(9):
        assert client.get(_url(measure)).status_code == 200


def test_each_language_and_year_has_its_own_entry(team, client):
    measure, figure, _, viewer = team
    earlier = figure.period.year - 1
    QuarterlyValueFactory(
        measure=measure,
        period=PeriodFactory(partnership=measure.partnership, year=earlier),
        value=D(7),
    )
    with translation.override("en-gb"):
        url, earlier_url = _url(measure), _url(measure, year=earlier)
    with translation.override("cy"):
        welsh_url = _url(measure)
    client.force_login(viewer)
    english = client.get(url).content.decode()
    welsh = client.get(welsh_url).content.decode()
    assert "Families supported" in english and "Teuluoedd a gefnogwyd" not in english
    assert "Teuluoedd a gefnogwyd" in welsh and 'href="/cy/p/' in _body(welsh)
    # Another year is another entry: its own year is the one selected.
    page = client.get(earlier_url).content.decode()
    assert f'<option value="{earlier}" selected>' in page
    now = current_quarter(partnership=measure.partnership).year
    assert f'<option value="{now}" selected>' in english


def test_a_figure_saved_is_on_the_next_dashboard(team, client):
    measure, figure, admin, viewer = team
    client.force_login(viewer)
    assert "1,234" in client.get(_url(measure)).content.decode()
    recording.quarterly_value_record(
        partnership=measure.partnership,
        measure=measure,
        period=figure.period,
        value=D(4321),
        actor=admin,
        expected_version=figure.version,
    )
    page = client.get(_url(measure)).content.decode()
    assert "4,321" in page and "1,234" not in page


def test_the_key_holds_the_version_the_year_the_language_and_the_day(team):
    measure, _, _, _ = team
    partnership = measure.partnership

    def key(**kwargs):
        return dashboard_cache_key(
            **{"partnership": partnership, "year": None, "version": 1, **kwargs}
        )

    with translation.override("en-gb"):
        english = key()
        assert key(version=2) != english
        assert key(year=2020) != english
    with translation.override("cy"):
        assert key() != english
