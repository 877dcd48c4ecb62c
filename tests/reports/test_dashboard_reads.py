"""The dashboard's hand-written reads (reports.year_figures, reports.selectors
figure_rows): each names its partnership, and row-level security holds them
a second time, since they run as the runtime role like any ORM read."""

from decimal import Decimal as D

import pytest

from kpis.selectors import current_quarter
from partnerships.tenancy import partnership_scope
from reports.selectors import figure_rows
from reports.year_figures import measure_rows, year_figures_get
from tests.factories import MeasureFactory, PeriodFactory, QuarterlyValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _with_a_figure(name):
    measure = MeasureFactory(name=name, value_type="count")
    quarter = current_quarter(partnership=measure.partnership).previous()
    period = PeriodFactory(
        partnership=measure.partnership, year=quarter.year, quarter=quarter.quarter
    )
    QuarterlyValueFactory(measure=measure, period=period, value=D(5))
    return measure, period, quarter


def test_another_partnerships_measures_and_figures_never_come_back():
    ours, our_period, quarter = _with_a_figure("Ours")
    theirs, their_period, _ = _with_a_figure("Theirs")
    partnership = ours.partnership
    shown = year_figures_get(partnership=partnership, year=None)
    assert [s.measure.name for s in shown.summaries.values()] == ["Ours"]
    # Asked for the other partnership's quarter ids, none of its figures.
    rows = figure_rows(
        partnership=partnership,
        quarters=[quarter],
        periods={their_period.pk: (quarter.year, quarter.quarter)},
    )
    assert rows == []


def test_row_level_security_holds_the_hand_written_reads():
    ours, our_period, quarter = _with_a_figure("Ours")
    theirs, their_period, _ = _with_a_figure("Theirs")
    with partnership_scope(ours.partnership_id):
        # Within our scope, the other partnership's own predicates find
        # nothing: the database refuses its rows, whatever the SQL asks.
        assert (
            measure_rows(
                partnership=theirs.partnership, year=quarter.year, earlier_periods=[]
            )
            == []
        )
        assert (
            figure_rows(
                partnership=theirs.partnership,
                quarters=[quarter],
                periods={their_period.pk: (quarter.year, quarter.quarter)},
            )
            == []
        )
        assert [
            m.name
            for m in measure_rows(
                partnership=ours.partnership, year=quarter.year, earlier_periods=[]
            )
        ] == ["Ours"]
        assert (
            len(
                figure_rows(
                    partnership=ours.partnership,
                    quarters=[quarter],
                    periods={our_period.pk: (quarter.year, quarter.quarter)},
                )
            )
            == 1
        )
