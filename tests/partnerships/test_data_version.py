"""The per-partnership data version (partnerships.models.DataVersion), bumped
by the database's own triggers whatever path writes, and the dashboard's
content cached by it (reports.dashboard_cache)."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis import recording
from kpis.models import PerformanceMeasure, QuarterlyValue
from kpis.selectors import current_quarter
from outcomes.models import Priority
from partnerships import tenancy
from partnerships.models import Partnership, Role
from partnerships.selectors import data_version_get, membership_for_slug
from partnerships.tenancy import partnership_scope
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def team():
    measure = MeasureFactory(name="Families supported", value_type="count")
    partnership = measure.partnership
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    quarter = current_quarter(partnership=partnership).previous()
    period = PeriodFactory(
        partnership=partnership, year=quarter.year, quarter=quarter.quarter
    )
    figure = QuarterlyValueFactory(measure=measure, period=period, value=D(1234))
    return measure, admin, figure


def _version(partnership):
    return data_version_get(partnership=partnership)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_write_path_bumps_the_version_once_a_statement(team):
    measure, admin, figure = team
    partnership = measure.partnership
    other = MeasureFactory(name="Elsewhere").partnership
    others_version = _version(other)
    steps = [
        # The service (a single save, with history).
        lambda: recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=figure.period,
            value=D(99),
            actor=admin,
            expected_version=figure.version,
        ),
        # A bulk update, raw SQL, a delete, a new row in another table.
        lambda: QuarterlyValue.objects.filter(pk=figure.pk).update(story="Why"),
        lambda: _raw(
            "UPDATE kpis_performancemeasure SET name = 'Renamed' WHERE id = %s",
            [measure.pk],
        ),
        lambda: Priority.objects.create(partnership=partnership, name="Health"),
        lambda: Priority.objects.filter(name="Health").delete(),
        # The partnership's own settings.
        lambda: Partnership.objects.filter(pk=partnership.pk).update(name="New"),
    ]
    before = _version(partnership)
    for n, step in enumerate(steps):
        step()
        after = _version(partnership)
        if n == 0:
            # A service may write in several statements (the figure, its
            # quarter's claim): each bumps.
            assert after > before
        else:
            assert after == before + 1
        before = after
    assert _version(other) == others_version


def test_a_statement_over_two_partnerships_bumps_each(team):
    measure, _, _ = team
    other = MeasureFactory()
    versions = [_version(measure.partnership), _version(other.partnership)]
    PerformanceMeasure.objects.filter(pk__in=[measure.pk, other.pk]).update(unit="x")
    assert [_version(measure.partnership), _version(other.partnership)] == [
        versions[0] + 1,
        versions[1] + 1,
    ]


def test_a_member_reads_the_version_with_the_membership_and_no_one_else_does(
    team,
):
    measure, admin, _ = team
    partnership = measure.partnership
    stranger = MeasureFactory().partnership
    assert _version(stranger) != 0
    with partnership_scope(partnership.pk):
        expected = _version(partnership)
    with tenancy.scope(user_id=admin.pk):
        membership = membership_for_slug(user=admin, slug=partnership.slug)
        assert membership.data_version == expected != 0
        # Before a tenant is chosen, the version of a partnership one is not
        # a member of stays hidden.
        assert _version(stranger) == 0


def test_the_cached_dashboard_is_served_until_any_path_changes_a_figure(team, client):
    measure, admin, figure = team
    client.force_login(admin)
    url = reverse("reports:dashboard", kwargs={"slug": measure.partnership.slug})
    with CaptureQueriesContext(connection) as first:
        assert "1,234" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as cached:
        assert "1,234" in client.get(url).content.decode()
    # The read model came from the cache: none of its queries ran again.
    assert not any("kpis_quarterlyvalue" in q["sql"] for q in cached.captured_queries)
    assert any("kpis_quarterlyvalue" in q["sql"] for q in first.captured_queries)
    # Raw SQL, past every service: the trigger bumps the version, the cache
    # entry is no longer the current one, the dashboard shows the new figure.
    _raw("UPDATE kpis_quarterlyvalue SET value = 4711 WHERE id = %s", [figure.pk])
    page = client.get(url).content.decode()
    assert "4,711" in page
    assert "1,234" not in page
