"""The exports' year summary: the dashboard's figures, read leanly."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.exports import year_summary_rows
from kpis import recording, services
from kpis.selectors import current_quarter
from partnerships.models import Role
from reports.selectors import dashboard_get
from reports.year_figures import year_summary_list
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def partnership_with_history(quarters, measures=3):
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    periods = [
        services.period_get_or_create(partnership=partnership, quarter=q)
        for q in current_quarter(partnership=partnership).back(quarters)
    ]
    for index in range(measures):
        measure = MeasureFactory(partnership=partnership, position=measures - index)
        for number, period in enumerate(periods, start=1):
            recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=admin,
                value=D(number * (index + 1)),
            )
    return partnership


def test_it_holds_the_dashboards_figures_in_the_frameworks_order():
    partnership = partnership_with_history(12)
    year = current_quarter(partnership=partnership).year - 1
    dashboard = dashboard_get(partnership=partnership, year=year)
    expected = sorted(
        dashboard.all_measures, key=lambda s: (s.measure.position, s.measure.code)
    )
    summaries = year_summary_list(partnership=partnership, year=year)
    assert [s.measure.pk for s in summaries] == [s.measure.pk for s in expected]
    assert [
        (s.year.label, s.year.figure, s.year.status, s.curve) for s in summaries
    ] == [(s.year.label, s.year.figure, s.year.status, s.curve) for s in expected]
    assert all(s.year.figure is not None for s in summaries)


def test_another_partnerships_measures_never_come_back():
    ours = partnership_with_history(4, measures=1)
    partnership_with_history(4, measures=2)
    year = current_quarter(partnership=ours).year
    summaries = year_summary_list(partnership=ours, year=year)
    assert {s.measure.partnership_id for s in summaries} == {ours.pk}


def test_the_summary_sheet_reads_as_much_for_three_times_the_history():
    counts = []
    for quarters in (12, 36):
        partnership = partnership_with_history(quarters, measures=2)
        year = current_quarter(partnership=partnership).year - 1
        with CaptureQueriesContext(connection) as captured:
            rows = year_summary_rows(partnership=partnership, year=year)
        assert len(rows) == 2
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 4
