"""Benchmark: importing 100,000 quarterly figures from spreadsheets.

Builds 50 partnerships (``bench-import-NN``, April years) of 50 measures each
(counts, percentages, number-and-percentage, scores and milestones), and for
each a CSV of 40 quarters (2015/16 Q1 to 2024/25 Q4) of every measure's
figure with a story: 2,000 rows a partnership, 100,000 in all.

Then it times the import path that the Celery task ``exchange.tasks.apply_import``
runs after a person confirms, for each partnership in turn: inside
``partnership_scope`` and ``pghistory.context(path="import")``, in one
transaction per partnership, it reads the CSV (``read_upload``), checks every
row with the web form's rules (``values_plan``: the kind's rules, roles,
locked quarters, submitted figures, duplicates, row locks on what it will
change) and writes (``values_write``: COPY into a temporary table, then one
``INSERT ... ON CONFLICT DO UPDATE`` into ``kpis_quarterlyvalue``, under
row-level security, with the locked-quarter guard and the history triggers
firing for every row).

For comparison, the same 100,000 rows are deleted and loaded again with a
plain PostgreSQL ``COPY`` into ``kpis_quarterlyvalue`` (triggers firing, one
transaction). PostgreSQL refuses COPY FROM into a table whose row-level
security binds the user, so this COPY connects as the database superuser
(``BENCH_SUPERUSER_URL``, or ``postgres`` at the same host and port, as the
throwaway server of ``make bench`` allows); without one, it copies into a
trigger-less, policy-less copy of the table instead and says so.

The last line is
``import_values rows=N seconds=S rows_per_s=X copy_seconds=C ratio=S/C``.

Run with DATABASE_URL set (``scripts/run-benchmarks.sh`` does it):
``.venv/bin/python benchmarks/import_values.py [--keep-data]``.
"""

import argparse
import os
import random
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PARTNERSHIPS = 50
MEASURES = 50
FIRST_YEAR = 2015
YEARS = 10  # 40 quarters
START_MONTH = 4
SLUG = "bench-import-"
ADMIN_EMAIL = "bench-import@example.org"
KINDS = (
    ("count", "sum"),
    ("percentage", "ratio"),
    ("number_pct", "ratio"),
    ("score", "mean"),
    ("milestone", "latest"),
)
COLUMNS = (
    "partnership_id, measure_id, period_id, value_type, value, numerator, "
    "denominator, story, breakdown, status, return_reason, version, "
    "entered_by_id, entered_at, updated_at"
)


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    import django

    django.setup()


def delete_data() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kpis.models import QuarterlyValue
    from partnerships.models import Partnership
    from partnerships.tenancy import platform_scope

    with platform_scope():
        ids = list(
            Partnership.objects.filter(slug__startswith=SLUG).values_list(
                "pk", flat=True
            )
        )
    # One partnership at a time, constraints checked per row: a single
    # 100,000-row delete spends minutes in the deferred-trigger queue.
    for pid in ids:
        with platform_scope(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            QuarterlyValue.objects.filter(partnership_id=pid).delete()
            Partnership.objects.filter(pk=pid).delete()
    with platform_scope():
        get_user_model().objects.filter(email=ADMIN_EMAIL).delete()


def build() -> tuple[list[int], int]:
    """The partnerships, their measures and periods; ids and the admin's id."""
    from django.contrib.auth import get_user_model

    from kpis.models import PerformanceMeasure, Period
    from kpis.periods import Quarter
    from partnerships.models import Membership, Partnership, Role
    from partnerships.tenancy import platform_scope

    delete_data()
    with platform_scope():
        admin = get_user_model().objects.create_user(ADMIN_EMAIL, "bench")
        partnerships = Partnership.objects.bulk_create(
            Partnership(
                name=f"Import benchmark {n:02d}",
                slug=f"{SLUG}{n:02d}",
                reporting_year_start_month=START_MONTH,
            )
            for n in range(PARTNERSHIPS)
        )
        Membership.objects.bulk_create(
            Membership(partnership=p, user=admin, role=Role.ADMIN) for p in partnerships
        )
        measures = []
        for p in partnerships:
            for m in range(MEASURES):
                kind, aggregation = KINDS[m % len(KINDS)]
                measures.append(
                    PerformanceMeasure(
                        partnership=p,
                        code=f"M{m:02d}",
                        name=f"Measure {m} of {p.name}",
                        question="how_much",
                        value_type=kind,
                        aggregation=aggregation,
                        position=m,
                    )
                )
        PerformanceMeasure.objects.bulk_create(measures)
        periods = []
        for p in partnerships:
            for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
                for quarter in range(1, 5):
                    q = Quarter(year, quarter, START_MONTH)
                    periods.append(
                        Period(
                            partnership=p,
                            year=year,
                            quarter=quarter,
                            starts_on=q.starts_on,
                            ends_on=q.ends_on,
                        )
                    )
        Period.objects.bulk_create(periods)
    return [p.pk for p in partnerships], admin.pk


def figure(kind: str, rng: random.Random) -> tuple:
    """(value, numerator, denominator) as the template's cells hold them."""
    if kind == "count":
        return rng.randint(0, 500), "", ""
    if kind == "score":
        return Decimal(rng.randint(100, 1000)) / 100, "", ""
    if kind == "milestone":
        return rng.randint(0, 1), "", ""
    denominator = rng.randint(1, 400)
    return "", rng.randint(0, denominator), denominator


def files(partnership_ids: list[int]) -> dict[int, bytes]:
    from exchange.spreadsheets import csv_bytes
    from exchange.values import HEADERS
    from kpis.periods import Quarter

    rng = random.Random(2024)
    out = {}
    for pid in partnership_ids:
        rows = []
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for quarter in range(1, 5):
                label = Quarter(year, quarter, START_MONTH).label
                for m in range(MEASURES):
                    kind = KINDS[m % len(KINDS)][0]
                    value, numerator, denominator = figure(kind, rng)
                    rows.append(
                        [
                            label,
                            f"M{m:02d}",
                            "",
                            "",
                            value,
                            numerator,
                            denominator,
                            f"Quarter {quarter}: what happened with measure {m}.",
                            "",
                        ]
                    )
        out[pid] = csv_bytes(HEADERS, rows)
    return out


def import_one(pid: int, content: bytes, admin_id: int) -> tuple:
    """What apply_import does for one partnership: its own transaction."""
    import pghistory
    from django.contrib.auth import get_user_model
    from django.db import connection

    from exchange.spreadsheets import read_upload
    from exchange.values import values_plan, values_write
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope

    admin = get_user_model().objects.get(pk=admin_id)
    t0 = time.perf_counter()
    with partnership_scope(pid), pghistory.context(user=admin_id, path="import"):
        partnership = Partnership.objects.get(pk=pid)
        workbook = read_upload(content, filename="figures.csv")
        t1 = time.perf_counter()
        plan = values_plan(
            partnership=partnership, actor=admin, workbook=workbook, lock=True
        )
        if plan.problems:
            raise RuntimeError(f"unexpected problems: {list(plan.problems)[:3]}")
        t2 = time.perf_counter()
        written = values_write(partnership=partnership, actor=admin, rows=plan.rows)
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    connection.close()
    return written, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)


def _worker_ready(_index: int) -> int:
    setup_django()
    from django.db import connection

    connection.ensure_connection()
    return os.getpid()


def import_all(
    data: dict[int, bytes], admin_id: int, workers: int
) -> tuple[float, int, list]:
    """Every partnership's import, ``workers`` at a time, as Celery workers would."""
    if workers == 1:
        started = time.perf_counter()
        results = [import_one(pid, content, admin_id) for pid, content in data.items()]
        return time.perf_counter() - started, sum(r[0] for r in results), results
    context = get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=setup_django
    ) as pool:
        # Start every worker and let it connect before the clock starts.
        list(pool.map(_worker_ready, range(workers)))
        started = time.perf_counter()
        futures = [
            pool.submit(import_one, pid, content, admin_id)
            for pid, content in data.items()
        ]
        results = [f.result() for f in futures]
        seconds = time.perf_counter() - started
    return seconds, sum(r[0] for r in results), results


def copy_rows(partnership_ids: list[int]) -> list[tuple]:
    """The rows the import wrote, as COPY would load them."""
    from django.db import connection

    from partnerships.tenancy import platform_scope

    with platform_scope(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM kpis_quarterlyvalue WHERE partnership_id = ANY(%s)",
            [partnership_ids],
        )
        return cursor.fetchall()


def superuser_url() -> str | None:
    given = os.environ.get("BENCH_SUPERUSER_URL")
    if given:
        return given
    parts = urlsplit(os.environ["DATABASE_URL"])
    host = parts.hostname or "127.0.0.1"
    netloc = f"postgres@{host}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def plain_copy(rows: list[tuple], partnership_ids: list[int]) -> tuple[float, str]:
    import psycopg
    from django.db import connection

    from partnerships.tenancy import platform_scope

    # Empty the table's benchmark rows again (not timed).
    for pid in partnership_ids:
        with platform_scope(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "DELETE FROM kpis_quarterlyvalue WHERE partnership_id = %s", [pid]
            )
    try:
        superuser = psycopg.connect(superuser_url(), connect_timeout=5)
    except psycopg.Error as error:
        superuser = None
        print(f"import_values: no superuser connection ({error.__class__.__name__})")
    if superuser is not None:
        with superuser:
            started = time.perf_counter()
            with (
                superuser.cursor() as cursor,
            ):
                # As the import does: deferred, the foreign keys' queued
                # checks make one 100,000-row COPY take minutes.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                statement = f"COPY kpis_quarterlyvalue ({COLUMNS}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            superuser.commit()
            seconds = time.perf_counter() - started
        return seconds, "as the superuser into kpis_quarterlyvalue (triggers firing)"
    with platform_scope(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy (LIKE kpis_quarterlyvalue "
            "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) "
            "ON COMMIT DROP"
        )
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_copy ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        seconds = time.perf_counter() - started
    return seconds, "into a copy of the table without triggers or policies"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="partnerships imported at once, as that many Celery workers would "
        "(default 1: on two cores, two at a time contend for the same rows)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("import_values: DATABASE_URL is not set", file=sys.stderr)
        return 2
    setup_django()
    try:
        started = time.perf_counter()
        partnership_ids, admin_id = build()
        data = files(partnership_ids)
        size = sum(len(c) for c in data.values())
        print(
            f"import_values: built {PARTNERSHIPS} partnerships x {MEASURES} measures "
            f"x {YEARS * 4} quarters and their CSVs ({size / 1024 / 1024:.1f} MiB) "
            f"in {time.perf_counter() - started:.2f} s"
        )
        seconds, written, results = import_all(data, admin_id, args.workers)
        timings = [r[1] for r in results]
        read, check, write, commit = (sum(t[i] for t in timings) for i in range(4))
        print(
            f"import_values: import path {seconds:.2f} s wall-clock for {written} "
            f"rows, {len(data)} partnerships {args.workers} at a time, one "
            f"transaction each; summed over them: read {read:.2f} s, check "
            f"{check:.2f} s, write {write:.2f} s, commit {commit:.2f} s; slowest "
            f"partnership {max(sum(t) for t in timings):.2f} s"
        )
        from django.db import connection

        from partnerships.tenancy import platform_scope

        with platform_scope(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM kpis_quarterlyvalueevent "
                "WHERE partnership_id = ANY(%s) AND pgh_context->>'path' = 'import'",
                [partnership_ids],
            )
            events = cursor.fetchone()[0]
        print(f"import_values: history events with path 'import': {events}")
        rows = copy_rows(partnership_ids)
        copy_seconds, how = plain_copy(rows, partnership_ids)
        print(
            f"import_values: plain COPY of {len(rows)} rows {how}: {copy_seconds:.2f} s"
        )
        print(
            f"import_values rows={written} seconds={seconds:.2f} "
            f"rows_per_s={written / seconds:.0f} copy_seconds={copy_seconds:.2f} "
            f"ratio={seconds / copy_seconds:.2f}"
        )
        return 0
    finally:
        if not args.keep_data:
            delete_data()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(1)
