"""The one data version under thirty concurrent writers, with real commits.

Each writer, in its own thread and connection, writes to one partnership
through several tables and paths (a figure through the service, its
measure by a bulk update, a new priority) and commits; the version it
reads afterwards must differ from the one it read before, none may meet a
deadlock, and the public page's version is the same number (one version).
The version moves once per transaction, at its commit (partnerships
migration 0020), so a writer holding its transaction open holds up no
other; a transaction rolled back leaves the version as it was.

These tests commit, so they put their connections back into the commit
mode the suite's other tests leave (civic/settings/test.py).
"""

import threading
from decimal import Decimal as D

import psycopg.errors
import pytest
from django.db import connection, transaction

from kpis import recording, services
from kpis.models import PerformanceMeasure
from kpis.selectors import current_quarter
from outcomes.models import Priority
from partnerships import tenancy
from partnerships.models import Role
from partnerships.selectors import data_version_get
from public.models import Publication
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

WRITERS = 30


def _deadlock_in(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, psycopg.errors.DeadlockDetected):
            return True
        error = error.__cause__ or error.__context__
    return False


def _commit_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET civic.data_version_at = 'commit'")


@pytest.fixture(autouse=True)
def _at_commit():
    _commit_mode()
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET civic.data_version_at")


def _version(partnership) -> int:
    with tenancy.partnership_scope(partnership.pk):
        return data_version_get(partnership=partnership)


@pytest.fixture
def partnership():
    with tenancy.platform_scope():
        partnership = PartnershipFactory()
        admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
        measures = [
            MeasureFactory(partnership=partnership, code=f"M-{n:02}", outcome=None)
            for n in range(WRITERS)
        ]
        period = services.period_get_or_create(
            partnership=partnership,
            quarter=current_quarter(partnership=partnership).previous(),
        )
        Publication.objects.create(partnership=partnership, is_published=True)
    return partnership, admin, measures, period


def test_thirty_writers_never_deadlock_and_each_commit_moves_the_version(
    partnership,
):
    partnership, admin, measures, period = partnership
    start = threading.Barrier(WRITERS, timeout=30)
    lock = threading.Lock()
    seen: list[tuple[int, int]] = []
    failures: list[str] = []

    def writer(index: int) -> None:
        measure = measures[index]
        try:
            _commit_mode()
            before = _version(partnership)
            start.wait()
            with tenancy.partnership_scope(partnership.pk):
                # Several statements, over several tables, in one transaction.
                recording.quarterly_value_record(
                    partnership=partnership,
                    measure=measure,
                    period=period,
                    actor=admin,
                    value=D(index),
                )
                PerformanceMeasure.objects.filter(pk=measure.pk).update(
                    unit=f"unit {index}"
                )
                Priority.objects.create(partnership=partnership, name=f"P{index}")
            after = _version(partnership)
            with lock:
                seen.append((before, after))
        except Exception as error:  # noqa: BLE001 - every failure is reported
            with lock:
                kind = "DEADLOCK" if _deadlock_in(error) else "error"
                failures.append(f"{kind}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    initial = _version(partnership)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "writers still running"
    assert failures == [], failures
    assert len(seen) == WRITERS
    # After each committed write the version is not the one before it.
    assert all(after != before for before, after in seen), seen
    final = _version(partnership)
    assert final >= initial + WRITERS
    # One version: the public page reads the same number, as anyone may.
    with tenancy.scope():
        assert (
            Publication.objects.get(partnership_id=partnership.pk).data_version == final
        )


def test_a_rolled_back_transaction_leaves_the_version_as_it_was(partnership):
    partnership, admin, measures, period = partnership
    before = _version(partnership)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), tenancy.partnership_scope(partnership.pk):
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measures[0],
            period=period,
            actor=admin,
            value=D(5),
        )
        Priority.objects.create(partnership=partnership, name="Gone")
        raise Undo
    assert _version(partnership) == before
    # A committed one moves it.
    with transaction.atomic(), tenancy.partnership_scope(partnership.pk):
        Priority.objects.create(partnership=partnership, name="Kept")
    assert _version(partnership) != before


def test_the_version_moves_once_a_transaction(partnership):
    partnership, admin, measures, period = partnership
    before = _version(partnership)
    with tenancy.partnership_scope(partnership.pk):
        for n in range(3):
            Priority.objects.create(partnership=partnership, name=f"P{n}")
        PerformanceMeasure.objects.filter(pk=measures[0].pk).update(unit="x")
        # Not yet: it moves as the transaction commits.
        assert data_version_get(partnership=partnership) == before
    assert _version(partnership) == before + 1


def test_a_writer_holding_its_transaction_open_holds_up_no_other(partnership):
    partnership, admin, measures, period = partnership
    before = _version(partnership)
    written, release = threading.Event(), threading.Event()
    failures: list[str] = []

    def slow_writer() -> None:
        try:
            _commit_mode()
            with tenancy.partnership_scope(partnership.pk):
                PerformanceMeasure.objects.filter(pk=measures[0].pk).update(unit="slow")
                Priority.objects.create(partnership=partnership, name="Slow")
                written.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))
        finally:
            written.set()
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(30)
    try:
        # Under the old per-statement bump this waited on the version row
        # until the slow writer ended.
        with tenancy.partnership_scope(partnership.pk):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            PerformanceMeasure.objects.filter(pk=measures[1].pk).update(unit="fast")
            Priority.objects.create(partnership=partnership, name="Fast")
        middle = _version(partnership)
        assert middle != before
    finally:
        release.set()
        thread.join(30)
    assert failures == []
    assert _version(partnership) not in (before, middle)
