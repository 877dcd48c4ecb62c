"""The locked-quarter guard (kpis.models.LOCKED_QUARTER_GUARDS) refuses every
write into a locked quarter, and what it costs follows the rows a statement
changes, not how many quarters the installation has locked.

The cost is read from PostgreSQL's own counters for this transaction
(pg_stat_xact_user_tables): the guard looks each touched quarter up by its
primary key, so a statement never scans kpis_period, however many locked
quarters other partnerships hold."""

import datetime
from contextlib import contextmanager
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kpis import recording
from kpis.models import QuarterlyValue
from partnerships.tenancy import partnership_scope
from tests.factories import (
    MeasureFactory,
    PartnershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = pytest.mark.django_db

OTHER_PARTNERSHIPS = 4
LOCKED_QUARTERS_EACH = 300


@pytest.fixture
def others_locked_history():
    """Other partnerships with many locked quarters between them."""
    for _ in range(OTHER_PARTNERSHIPS):
        other = PartnershipFactory()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO kpis_period
                    (partnership_id, year, quarter, starts_on, ends_on, locked_at)
                SELECT %s, 1900 + n / 4, 1 + n %% 4,
                       make_date(1900 + n / 4, 1 + 3 * (n %% 4), 1),
                       make_date(1900 + n / 4, 1 + 3 * (n %% 4), 28),
                       now() - interval '1 day'
                FROM generate_series(0, %s - 1) AS n
                """,
                [other.pk, LOCKED_QUARTERS_EACH],
            )
    return OTHER_PARTNERSHIPS * LOCKED_QUARTERS_EACH


@pytest.fixture
def quarters():
    """One partnership's open quarter and locked quarter, 30 figures in each,
    and 5 measures with a figure in the open quarter only."""
    partnership = PartnershipFactory()
    open_quarter = PeriodFactory(partnership=partnership, year=2024, quarter=1)
    locked_quarter = PeriodFactory(partnership=partnership, year=2024, quarter=2)
    for _ in range(30):
        measure = MeasureFactory(partnership=partnership)
        QuarterlyValueFactory(measure=measure, period=open_quarter)
        QuarterlyValueFactory(measure=measure, period=locked_quarter)
    for _ in range(5):
        measure = MeasureFactory(partnership=partnership)
        QuarterlyValueFactory(measure=measure, period=open_quarter)
    locked_quarter.locked_at = timezone.now() - datetime.timedelta(days=2)
    locked_quarter.save(update_fields=["locked_at"])
    return partnership, open_quarter, locked_quarter


def _period_reads():
    """Rows of kpis_period this transaction has read by scanning the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) FROM pg_stat_xact_user_tables "
            "WHERE relname = 'kpis_period'"
        )
        return cursor.fetchone()[0]


def _run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def _refused():
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    assert recording.is_locked_quarter_error(error.value)


def _figures():
    return sorted(
        QuarterlyValue.objects.values_list("id", "period_id", "value", "story")
    )


def test_every_kind_of_statement_into_a_locked_quarter_is_refused(
    others_locked_history, quarters
):
    partnership, open_quarter, locked_quarter = quarters
    before = _figures()
    only_open = list(
        QuarterlyValue.objects.filter(period=open_quarter)
        .exclude(measure__values__period=locked_quarter)
        .values_list("pk", flat=True)
    )
    assert len(only_open) == 5
    with partnership_scope(partnership.pk):
        # Bulk updates spanning both quarters, or the locked one alone.
        with _refused():
            _run("UPDATE kpis_quarterlyvalue SET value = value + 1")
        with _refused():
            QuarterlyValue.objects.filter(period=locked_quarter).update(story="x")
        # Moving figures into the locked quarter, and out of it.
        with _refused():
            QuarterlyValue.objects.filter(pk__in=only_open).update(
                period=locked_quarter
            )
        empty_quarter = PeriodFactory(partnership=partnership, quarter=3)
        with _refused():
            QuarterlyValue.objects.filter(period=locked_quarter).update(
                period=empty_quarter
            )
        # Deleting, alone or among open quarters' figures.
        with _refused():
            QuarterlyValue.objects.filter(period=locked_quarter).delete()
        with _refused():
            _run("DELETE FROM kpis_quarterlyvalue")
        # A many-row insert with one row in the locked quarter.
        with _refused():
            newcomers = [MeasureFactory(partnership=partnership) for _ in range(20)]
            QuarterlyValue.objects.bulk_create(
                [
                    QuarterlyValue(
                        partnership=partnership,
                        measure=measure,
                        period=open_quarter if n else locked_quarter,
                        value_type=measure.value_type,
                        value=D(1),
                    )
                    for n, measure in enumerate(newcomers)
                ]
            )
    assert _figures() == before


def test_open_quarters_figures_still_change_in_bulk(others_locked_history, quarters):
    partnership, open_quarter, _ = quarters
    with partnership_scope(partnership.pk):
        changed = QuarterlyValue.objects.filter(period=open_quarter).update(value=D(77))
    assert changed == 35
    assert set(
        QuarterlyValue.objects.filter(period=open_quarter).values_list(
            "value", flat=True
        )
    ) == {D(77)}


def test_the_guard_never_scans_the_installations_quarters(
    others_locked_history, quarters
):
    partnership, open_quarter, locked_quarter = quarters
    # The session's cached plans date from earlier tests, when kpis_period
    # held a handful of rows and a scan was the cheaper plan; the guard's
    # plan is to be judged on the table as it is now.
    _run("DISCARD PLANS")
    with partnership_scope(partnership.pk):
        before = _period_reads()
        QuarterlyValue.objects.filter(period=open_quarter).update(value=D(5))
        with _refused():
            QuarterlyValue.objects.filter(period=locked_quarter).update(value=D(5))
        QuarterlyValue.objects.filter(period=open_quarter).delete()
        scanned = _period_reads() - before
    # A scan of kpis_period would read the others' locked quarters
    # (others_locked_history of them); looking the two touched quarters up
    # by primary key reads none.
    assert others_locked_history == 1200
    assert scanned == 0
