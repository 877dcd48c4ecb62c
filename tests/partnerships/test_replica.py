"""The read-replica router (partnerships.replica) against a real hot standby:
a second PostgreSQL made with pg_basebackup -R from the test server, streaming
from it. Dashboards, the measure page and exports read from the replica under
row-level security; writes, and a session's reads right after it wrote, go to
the primary."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import ExitStack
from decimal import Decimal as D

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.models import QuarterlyValue
from kpis.selectors import current_quarter
from partnerships.models import Role, SecurityEvent
from partnerships.replica import REPLICA
from partnerships.tenancy import platform_scope
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def _as_postgres(command: list[str]) -> list[str]:
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _superuser(port: int) -> psycopg.Connection:
    return psycopg.connect(
        host=settings.DATABASES["default"]["HOST"],
        port=port,
        user="postgres",
        dbname="postgres",
        autocommit=True,
    )


_STANDBY_LIMITS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@pytest.fixture(scope="module")
def standby():
    """A hot standby of the test PostgreSQL, on a free port; its port."""
    primary = settings.DATABASES["default"]
    pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    folder = tempfile.mkdtemp(prefix="civic-standby-")
    if os.getuid() == 0:
        shutil.chown(folder, "postgres")
    data = os.path.join(folder, "pg")
    port = _free_port()
    # A standby needs at least the primary's limits, which the test server
    # sets on its command line (so pg_basebackup does not copy them).
    with _superuser(primary["PORT"]) as primary_db:
        limits = " ".join(
            f"-c {name}={primary_db.execute(f'SHOW {name}').fetchone()[0]}"
            for name in _STANDBY_LIMITS
        )
    subprocess.run(
        _as_postgres(
            [
                f"{pg_bin}/pg_basebackup",
                "-h",
                primary["HOST"],
                "-p",
                str(primary["PORT"]),
                "-U",
                "postgres",
                "-D",
                data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            [
                f"{pg_bin}/pg_ctl",
                "-D",
                data,
                "-l",
                os.path.join(folder, "standby.log"),
                "-w",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                f"-c hot_standby=on -c fsync=off {limits}",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run(
            _as_postgres([f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def replica(standby):
    """The ``replica`` alias pointing at the standby, as DATABASE_REPLICA_URL
    would configure it; the standby has replayed everything committed."""
    alias = {**connections["default"].settings_dict, "PORT": standby}
    connections.settings[REPLICA] = alias
    # Connected here: the test case admits only the databases it knew of when
    # it was set up, and a connection already open is not asked again.
    connections[REPLICA].connect()
    try:
        yield standby
    finally:
        if hasattr(connections._connections, REPLICA):
            connections[REPLICA].close()
            del connections[REPLICA]
        del connections.settings[REPLICA]
        with _superuser(standby) as standby_db:
            standby_db.execute("SELECT pg_wal_replay_resume()")


def caught_up(standby_port: int) -> None:
    """Wait until the standby has replayed every transaction committed so far.

    The test server commits asynchronously (synchronous_commit=off), so a
    commit's record can still sit in the WAL buffers, past the write position
    (``pg_current_wal_lsn``), for a few hundred milliseconds after the commit
    returned. The insert position covers every record already made; the
    standby reaches it once the WAL writer has written and sent them.
    """
    with _superuser(settings.DATABASES["default"]["PORT"]) as primary:
        (lsn,) = primary.execute("SELECT pg_current_wal_insert_lsn()").fetchone()
    with _superuser(standby_port) as standby_db:
        for _ in range(200):
            (done,) = standby_db.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
            ).fetchone()
            if done:
                return
            time.sleep(0.05)
    raise AssertionError("the standby did not catch up within 10 s")


@pytest.fixture
def team():
    with platform_scope():
        measure = MeasureFactory(name="Families supported", value_type="count")
        partnership = measure.partnership
        admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
        lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
        MeasureLeadFactory(measure=measure, user=lead)
        quarter = current_quarter(partnership=partnership).previous()
        period = PeriodFactory(
            partnership=partnership, year=quarter.year, quarter=quarter.quarter
        )
        QuarterlyValueFactory(measure=measure, period=period, value=D(1234))
    return measure, admin, lead


def _reads(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and "kpis_quarterlyvalue" in q["sql"]
    ]


def _get(client, url):
    with ExitStack() as stack:
        on_primary = stack.enter_context(CaptureQueriesContext(connection))
        on_replica = stack.enter_context(CaptureQueriesContext(connections[REPLICA]))
        response = client.get(url)
    assert response.status_code == 200
    return response, _reads(on_primary), _reads(on_replica)


def test_the_replica_is_a_standby_streaming_from_the_primary(replica):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)


def test_dashboard_and_measure_page_read_figures_from_the_replica(
    replica, team, client
):
    measure, admin, _ = team
    caught_up(replica)
    client.force_login(admin)
    slug = measure.partnership.slug
    for url in (
        reverse("reports:dashboard", kwargs={"slug": slug}),
        reverse("reports:measure_detail", kwargs={"slug": slug, "pk": measure.pk}),
    ):
        response, primary_reads, replica_reads = _get(client, url)
        assert "Families supported" in response.content.decode()
        assert replica_reads, url
        assert primary_reads == [], url
    # Row-level security binds the replica too: the page showed the figure
    # (the tenant context was carried over), and an unscoped read sees nothing.
    assert "1,234" in response.content.decode()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM kpis_quarterlyvalue")
        assert cursor.fetchone() == (0,)


def test_an_export_reads_from_the_replica_and_records_its_event_on_the_primary(
    replica, team, client
):
    measure, admin, _ = team
    caught_up(replica)
    client.force_login(admin)
    url = reverse("exchange:values_export", kwargs={"slug": measure.partnership.slug})
    _, primary_reads, replica_reads = _get(client, url + "?format=csv")
    assert replica_reads
    assert primary_reads == []
    with platform_scope():
        assert SecurityEvent.objects.filter(
            kind="exported", actor=admin, partnership=measure.partnership
        ).exists()


def test_a_session_reads_its_own_writes_from_the_primary(replica, team, client):
    measure, admin, lead = team
    caught_up(replica)
    # The standby stops replaying: whatever is written now is not on it yet.
    with _superuser(replica) as standby_db:
        standby_db.execute("SELECT pg_wal_replay_pause()")
    client.force_login(lead)
    slug = measure.partnership.slug
    entry = reverse("kpis:my_measures", kwargs={"slug": slug})
    quarter = current_quarter(partnership=measure.partnership)
    saved = client.post(
        f"{entry}?quarter={quarter.key}",
        {"measure": measure.pk, f"m{measure.pk}-value": "4711"},
    )
    assert saved.status_code == 302
    with platform_scope():
        assert QuarterlyValue.objects.filter(value=D(4711)).exists()
    page = reverse("reports:measure_detail", kwargs={"slug": slug, "pk": measure.pk})

    response, primary_reads, replica_reads = _get(client, page)
    assert "4,711" in response.content.decode()
    assert primary_reads
    assert replica_reads == []

    # Someone else, who wrote nothing, reads from the replica, a moment behind.
    client.logout()
    client.force_login(admin)
    response, primary_reads, replica_reads = _get(client, page)
    assert replica_reads
    assert "4,711" not in response.content.decode()
    assert "1,234" in response.content.decode()
