"""Benchmark: every page at national scale, served as production serves it.

Builds N partnerships (``bench-scale-NNN``, April years) of M measures over Q
quarters up to the current one (defaults 200 x 150 x 40: 1.2 M figures), each
with three priorities of three outcomes, a breakdown by age group on every
fifth count, leads (lead 0 reports 20 measures), figures entered, approved
and, all but the last four quarters, locked, with history. The figures go in
through set-based SQL as the runtime role inside each partnership's tenant
scope, so row-level security, the check constraints, the locked-quarter guard
and the history triggers fire for every row; the approvals go through
``kpis.review.values_approve_all``.

Then it serves the app with gunicorn as production does (the image's
``deploy/gunicorn.conf.py``: preloaded and frozen; production settings, 2
sync workers, the runtime role under row-level security) and times each page of issue 18's table for the first partnership
(the one with contributions to a national framework) at 1 client and at 8
clients, with its own bounded load client (threads and http.client), and one
figure saved as htmx does. The admin's My measures is its default view:
more than 50 measures show as lines, each form opened on demand
(``my_measures_admin_open``: one opened in place; ``my_measures_admin_priority``:
one priority's 50 forms). Queries per page are counted in-process with
Django's test client, the same session.

Also timed: the dashboard's single-SQL floor (one hand-written statement
returning the figures the dashboard shows), and the locked-quarter guard on
a 15,000-row UPDATE (rolled back).

The last lines are
``scale page=<name> measures=M quarters=Q p50_ms=.. p95_ms=.. rps8=.. queries=..``
for each page and ``scale page=dashboard floor_ms=.. ratio=..``.

Run with DATABASE_URL and REDIS_URL set (``scripts/run-benchmarks.sh`` does
it): ``.venv/bin/python benchmarks/scale.py [--quick]``.

The data set is kept (a locked quarter's history is append-only, so the
runtime role cannot delete it) and reused by the next run of the same size:
its partnerships are named ``bench-scale-NxMxQ-NNN``. Sizes built by earlier
runs stay in the installation, as other partnerships.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SLUG = "bench-scale-"
ADMIN_EMAIL = "bench-scale-admin@example.org"
LEAD_EMAIL = "bench-scale-lead-{}@example.org"
START_MONTH = 4
LEAD_MEASURES = 20
KINDS = (
    ("count", "sum"),
    ("percentage", "ratio"),
    ("number_pct", "ratio"),
    ("score", "mean"),
    ("milestone", "latest"),
)
QUESTIONS = ("how_much", "how_well", "better_off")
OPEN_QUARTERS = 4
# Processes building the figures; None: one a core.
BUILD_WORKERS = None


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    # Queries are counted without the dashboard's cache, as the pages are timed.
    os.environ.setdefault("CIVIC_DASHBOARD_CACHE_SECONDS", "0")
    import logging

    import django

    django.setup()
    # The benchmark's own sign-ins, tokens and exports are security events:
    # still recorded in their table, but their log lines would bury the figures.
    logging.getLogger("civic.security").setLevel(logging.WARNING)
    # django-axes notes each of the benchmark's sign-ins at INFO.
    logging.getLogger("axes").setLevel(logging.WARNING)


def today():
    from django.utils import timezone

    return timezone.localdate()


def say(text: str) -> None:
    print(text, flush=True)


# --- the data set ---------------------------------------------------------


_FIGURES = """
INSERT INTO kpis_quarterlyvalue
    (partnership_id, measure_id, period_id, value_type, value, numerator,
     denominator, story, breakdown, status, return_reason, version,
     entered_by_id, entered_at, updated_at, submitted_by_id, submitted_at)
SELECT m.partnership_id, m.id, p.id, m.value_type,
       CASE m.value_type
           WHEN 'count' THEN figure.n
           WHEN 'score' THEN round((1 + figure.r * 9)::numeric, 2)
           WHEN 'milestone' THEN (figure.r > 0.6)::int
       END,
       CASE WHEN m.value_type IN ('percentage', 'number_pct')
           THEN figure.n END,
       CASE WHEN m.value_type IN ('percentage', 'number_pct') THEN 400 END,
       'Quarter ' || p.quarter || ': what the work did for ' || m.code || '.',
       CASE WHEN m.breakdown_first_id IS NOT NULL THEN jsonb_build_object(
           %(cat_a)s::text, figure.n / 2, %(cat_b)s::text, figure.n - figure.n / 2)
       ELSE '{}'::jsonb END,
       'submitted', '', 1, lead.user_id, p.ends_on + 10, p.ends_on + 10,
       lead.user_id, p.ends_on + 12
FROM kpis_performancemeasure m
CROSS JOIN kpis_period p
CROSS JOIN LATERAL (
    SELECT floor(random() * 400)::int AS n, random() AS r
    WHERE m.id IS NOT NULL AND p.id IS NOT NULL
) figure
JOIN kpis_measurelead lead ON lead.measure_id = m.id
WHERE m.partnership_id = %(partnership)s AND p.partnership_id = %(partnership)s
"""


def _user(email: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(email=email).first() or User.objects.create_user(
        email, "bench"
    )


def prefix_for(partnerships: int, measures: int, quarters: int) -> str:
    return f"{SLUG}{partnerships}x{measures}x{quarters}-"


def refuse_without_platform_key() -> None:
    """Stop before building or timing anything when the platform scope sees
    nothing (the database's platform key made from another SECRET_KEY): the
    build would fail half-way and the pages would time empty reads."""
    from partnerships.tenancy import platform_key_matches

    if not platform_key_matches():
        raise SystemExit(
            "The database's platform key was installed with another "
            "DJANGO_SECRET_KEY: run migrate with this one (as the owner), or "
            "run the benchmark with the key migrate used."
        )


def existing(prefix: str) -> int:
    from partnerships.models import Partnership
    from partnerships.tenancy import platform_scope

    with platform_scope():
        return Partnership.objects.filter(slug__startswith=prefix).count()


def build(partnerships: int, measures: int, quarters: int) -> dict:
    """The data set; returns what the timing needs about the first partnership."""

    from kpis.models import (
        Dimension,
        DimensionCategory,
        MeasureLead,
        PerformanceMeasure,
        Period,
    )
    from kpis.periods import Quarter
    from outcomes.models import Outcome, Priority
    from partnerships.models import Membership, Partnership, Role
    from partnerships.tenancy import platform_scope

    prefix = prefix_for(partnerships, measures, quarters)
    now = Quarter.containing(today(), START_MONTH)
    shown = now.back(quarters)
    leads_needed = -(-measures // LEAD_MEASURES)
    with platform_scope():
        admin = _user(ADMIN_EMAIL)
        leads = [_user(LEAD_EMAIL.format(n)) for n in range(leads_needed)]
        rows = Partnership.objects.bulk_create(
            Partnership(
                name=f"Scale benchmark {n:03d} ({prefix})",
                slug=f"{prefix}{n:03d}",
                reporting_year_start_month=START_MONTH,
            )
            for n in range(partnerships)
        )
        Membership.objects.bulk_create(
            [
                *(Membership(partnership=p, user=admin, role=Role.ADMIN) for p in rows),
                *(
                    Membership(partnership=p, user=lead, role=Role.LEAD)
                    for p in rows
                    for lead in leads
                ),
            ]
        )
        priorities = Priority.objects.bulk_create(
            Priority(partnership=p, position=n, name=f"Priority {n + 1}")
            for p in rows
            for n in range(3)
        )
        outcomes = Outcome.objects.bulk_create(
            Outcome(
                partnership=pr.partnership,
                priority=pr,
                position=n,
                statement=f"Outcome {n + 1} of {pr.name}",
            )
            for pr in priorities
            for n in range(3)
        )
        dimensions = Dimension.objects.bulk_create(
            Dimension(partnership=p, name="Age group") for p in rows
        )
        categories = DimensionCategory.objects.bulk_create(
            DimensionCategory(
                partnership=d.partnership, dimension=d, name=name, position=n
            )
            for d in dimensions
            for n, name in enumerate(("Under 16", "16 and over"))
        )
        outcomes_of: dict[int, list] = {}
        for outcome in outcomes:
            outcomes_of.setdefault(outcome.partnership_id, []).append(outcome)
        dimension_of = {d.partnership_id: d for d in dimensions}
        made = PerformanceMeasure.objects.bulk_create(
            PerformanceMeasure(
                partnership=p,
                outcome=outcomes_of[p.pk][m % 9],
                priority=outcomes_of[p.pk][m % 9].priority,
                position=m,
                code=f"M{m:03d}",
                name=f"Measure {m} of {p.name}",
                question=QUESTIONS[m % 3],
                value_type=KINDS[m % 5][0],
                aggregation=KINDS[m % 5][1],
                is_headline=m % 10 == 0,
                annual_target=1000 if m % 5 == 0 else None,
                breakdown_first=dimension_of[p.pk] if m % 25 == 0 else None,
            )
            for p in rows
            for m in range(measures)
        )
        MeasureLead.objects.bulk_create(
            MeasureLead(
                partnership=measure.partnership,
                measure=measure,
                user=leads[measure.position // LEAD_MEASURES],
            )
            for measure in made
        )
        Period.objects.bulk_create(
            Period(
                partnership=p,
                year=q.year,
                quarter=q.quarter,
                starts_on=q.starts_on,
                ends_on=q.ends_on,
            )
            for p in rows
            for q in shown
        )
    jobs = [
        (
            partnership.pk,
            *(str(c.pk) for c in categories[2 * n : 2 * n + 2]),
            admin.pk,
            _key(shown[-2]),
            _key(shown[-OPEN_QUARTERS]),
        )
        for n, partnership in enumerate(rows)
    ]
    _figures_all(jobs, partnerships)
    subject = rows[0]
    _contributions(subject, admin)
    _settle()
    return {"slug": subject.slug}


def _settle() -> None:
    """VACUUM ANALYZE the new rows as the owner, as autovacuum would soon.

    The runtime role owns no table, so its ANALYZE skipped every one (with
    a warning) and the pages were timed on whatever statistics autovacuum
    had reached, without the visibility map index-only scans need."""
    import psycopg

    url = os.environ.get("DATABASE_OWNER_URL")
    if not url:
        say("  no DATABASE_OWNER_URL: the statistics are left to autovacuum")
        return
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("VACUUM ANALYZE")


def _figures_all(jobs: list[tuple], partnerships: int) -> None:
    """Each partnership's figures, approvals and locks (``_figures_one``),
    in as many processes as there are cores: the time goes into the row
    triggers (foreign keys, history) inside PostgreSQL, and one connection
    keeps only one of its processes busy."""
    import multiprocessing

    from django.db import connections

    workers = max(1, min(BUILD_WORKERS or os.cpu_count() or 1, len(jobs)))
    # Forked children open their own connections; the parent's are closed
    # first so that no socket is shared (the parent reconnects on next use).
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for n, _done in enumerate(pool.imap_unordered(_figures_one, jobs)):
            if n % 20 == 19:
                say(f"  built {n + 1} of {partnerships} partnerships")


def _figures_one(job: tuple) -> int:
    """One partnership's figures as its leads enter them, then (in a second
    transaction) their approval and the locks, every trigger firing.

    Two transactions, not one: an UPDATE of rows inserted by its own
    transaction re-checks all eight foreign keys of every row, though no key
    changed (PostgreSQL skips the check only for rows from earlier
    transactions); that was half the approval's time."""
    import pghistory
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kpis.models import Period
    from kpis.review import values_approve_all
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope, platform_scope

    pk, cat_a, cat_b, admin_pk, approved_before, locked_before = job
    with platform_scope():
        partnership = Partnership.objects.get(pk=pk)
        admin = get_user_model().objects.get(pk=admin_pk)
    with (
        partnership_scope(pk),
        pghistory.context(path="bench"),
        connection.cursor() as cursor,
    ):
        cursor.execute(_FIGURES, {"partnership": pk, "cat_a": cat_a, "cat_b": cat_b})
    with (
        partnership_scope(pk),
        pghistory.context(path="bench"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        periods = list(Period.objects.filter(partnership=partnership))
        values_approve_all(
            partnership=partnership,
            periods=[p for p in periods if (p.year, p.quarter) < approved_before],
            actor=admin,
        )
        cursor.execute(
            "INSERT INTO kpis_periodlockchange "
            "(partnership_id, period_id, action, reason, at, actor_id, path) "
            "SELECT partnership_id, id, 'locked', '', now(), %s, 'bench' "
            "FROM kpis_period WHERE partnership_id = %s "
            "AND (year, quarter) < (%s, %s)",
            [admin_pk, pk, *locked_before],
        )
        cursor.execute(
            "UPDATE kpis_period SET locked_at = now(), locked_by_id = %s "
            "WHERE partnership_id = %s AND (year, quarter) < (%s, %s)",
            [admin_pk, pk, *locked_before],
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return pk


def _key(quarter) -> tuple[int, int]:
    return quarter.year, quarter.quarter


def _contributions(partnership, admin) -> None:
    """The first partnership adopts a national framework and links to it."""
    from kpis.models import PerformanceMeasure
    from partnerships.tenancy import partnership_scope
    from wellbeing import services as wellbeing_services
    from wellbeing.frameworks import load_frameworks
    from wellbeing.models import NationalFramework, NationalIndicator, WellbeingGoal

    load_frameworks()
    framework = NationalFramework.objects.order_by("pk").first()
    if framework is None:
        return
    with partnership_scope(partnership.pk):
        wellbeing_services.framework_adopt(
            partnership=partnership, framework=framework, actor=admin
        )
        targets = [
            *NationalIndicator.objects.filter(framework=framework)[:10],
            *WellbeingGoal.objects.filter(framework=framework)[:4],
        ]
        for n, measure in enumerate(
            PerformanceMeasure.objects.filter(partnership=partnership)[:60]
        ):
            wellbeing_services.contribution_link(
                partnership=partnership,
                source=measure,
                target=targets[n % len(targets)],
                actor=admin,
            )


def data_shape() -> dict:
    from django.db import connection

    from partnerships.tenancy import platform_scope

    with platform_scope(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM partnerships_partnership), "
            "(SELECT count(*) FROM kpis_quarterlyvalue), "
            "(SELECT count(*) FROM kpis_quarterlyvalueevent), "
            "(SELECT count(*) FROM kpis_period WHERE locked_at IS NOT NULL), "
            "pg_database_size(current_database())"
        )
        partnerships, figures, events, locked, size = cursor.fetchone()
    return {
        "partnerships": partnerships,
        "figures": figures,
        "events": events,
        "locked": locked,
        "mib": size // 2**20,
    }


# --- the guard -------------------------------------------------------------


def guard_cost(rows: int = 15_000, *, quiet: bool = False) -> dict:
    """One UPDATE of ``rows`` figures of open quarters, and one of figures
    of locked quarters (refused), each rolled back: the cost of the triggers
    on the figures (the locked-quarter guard, the history, the data version)
    against the installation's size.

    The figures are chosen first, untimed (the lowest ids: the same figures
    however many partnerships were built after them), and the timed statement
    updates them by primary key, so it times writing those rows and what the
    triggers do for them, not a search of the installation for them.
    Returns the best seconds of each (``open``, ``locked``, ``without``)."""
    from django.db import connection, transaction

    from kpis.recording import is_locked_quarter_error
    from partnerships.tenancy import platform_scope

    chosen = {quarters: _guard_figures(rows, test) for quarters, test in GUARD_SETS}
    sql = "UPDATE kpis_quarterlyvalue SET story = story || '.' WHERE id = ANY(%s)"
    # Each twice, alternating, keeping the faster: the first statement of a
    # run pays for reading the rows from disk.
    best: dict[str, float] = {}
    for _ in range(2):
        for quarters, _test in GUARD_SETS:
            refused = False
            with platform_scope(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        cursor.execute(sql, [chosen[quarters]])
                        changed = cursor.rowcount
                except Exception as error:
                    if not is_locked_quarter_error(error):
                        raise
                    changed, refused = len(chosen[quarters]), True
                seconds = time.perf_counter() - started
                transaction.set_rollback(True)
            best[quarters] = min(seconds, best.get(quarters, seconds))
            if not quiet:
                say(
                    f"  guard quarters={quarters} rows={changed} refused={refused} "
                    f"seconds={seconds:.3f}"
                )
        without = _without_guard(sql, chosen["open"])
        if without is not None:
            best["without"] = min(without, best.get("without", without))
            if not quiet:
                say(f"  guard quarters=open without_guard seconds={without:.3f}")
    if quiet:
        return best
    line = (
        f"scale guard rows={len(chosen['open'])} open_seconds={best['open']:.3f} "
        f"locked_refused_seconds={best['locked']:.3f}"
    )
    if "without" in best:
        line += (
            f" without_guard_seconds={best['without']:.3f} "
            f"guard_ms={(best['open'] - best['without']) * 1000:.0f}"
        )
    say(line + " (the same UPDATE as the owner with the guard disabled)")
    return best


GUARD_SETS = (("open", ""), ("locked", "NOT"))


def _guard_figures(rows: int, test: str) -> list[int]:
    """The ``rows`` lowest ids of the figures of open (``test`` "") or locked
    ("NOT") quarters."""
    from django.db import connection

    from partnerships.tenancy import platform_scope

    with platform_scope(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.id FROM kpis_quarterlyvalue v JOIN kpis_period p "
            f"ON p.id = v.period_id WHERE p.locked_at IS {test} NULL "
            "ORDER BY v.id LIMIT %s",
            [rows],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _without_guard(sql: str, ids: list[int]) -> float | None:
    """The open quarters' UPDATE with the guard's trigger disabled, as the
    owner (only the owner may), in a transaction rolled back."""
    import psycopg

    url = os.environ.get("DATABASE_OWNER_URL")
    if not url:
        return None
    with psycopg.connect(url) as owner:
        cursor = owner.cursor()
        cursor.execute("SELECT set_config('civic.platform', 'on', true)")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = "
            "'kpis_quarterlyvalue'::regclass AND tgname LIKE "
            "'pgtrigger_locked_quarter_guard_update%'"
        )
        (trigger,) = cursor.fetchone()
        cursor.execute(f'ALTER TABLE kpis_quarterlyvalue DISABLE TRIGGER "{trigger}"')
        started = time.perf_counter()
        cursor.execute(sql, [ids])
        seconds = time.perf_counter() - started
        owner.rollback()
    return seconds


# --- serving and timing ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="civic.settings.production",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
        CIVIC_ADMIN_PATH="staff-bench/",
        CIVIC_VAR_DIR=str(var_dir),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback: no TLS in front of this gunicorn.
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        # The load client is one address making thousands of API requests.
        CIVIC_API_RATE_USER="1000000/minute",
        CIVIC_API_RATE_WRITE="1000000/minute",
        CIVIC_API_RATE_ANON="1000000/minute",
        # Every page timed without the dashboard's cache; the cached
        # dashboard is timed on its own, with it.
        CIVIC_DASHBOARD_CACHE_SECONDS="0",
    )
    return env


def serve(env: dict, port: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            # The image's configuration (preloading, the collector's settings);
            # only the workers and the address differ here.
            "--config",
            str(GUNICORN_CONFIG),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        # The app's JSON event log (every export is a security event); the
        # server's own warnings and errors still reach stderr.
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def request(port, method, path, headers=None, body=None) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def session_for(user) -> str:
    """A signed-in session cookie, second factor passed where one is owed."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partnerships.mfa import (
        SECOND_FACTOR_KEY,
        SECOND_FACTOR_NONE,
        SECOND_FACTOR_PASSED,
        second_factor_owed,
    )
    from partnerships.tenancy import platform_scope

    client = Client()
    with platform_scope():
        client.force_login(user, backend="partnerships.backends.EmailBackend")
        if second_factor_owed(user) != SECOND_FACTOR_NONE:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(
                    user=user, name="Benchmark", confirmed=True
                )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[SECOND_FACTOR_KEY] = SECOND_FACTOR_PASSED
            session.save()
    return client.cookies["sessionid"].value


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_page(port, make_request, *, single: int, parallel: int) -> dict:
    """p50/p95 at one client, then requests a second at 8 clients."""
    for _ in range(3):
        make_request()
    samples = []
    for _ in range(single):
        started = time.perf_counter()
        make_request()
        samples.append((time.perf_counter() - started) * 1000)
    result = {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}
    if parallel:
        done = []
        errors = []

        def client():
            for _ in range(parallel):
                try:
                    make_request()
                    done.append(1)
                except Exception as error:  # reported, not fatal
                    errors.append(error)

        threads = [threading.Thread(target=client) for _ in range(8)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["rps8"] = len(done) / (time.perf_counter() - started)
        if errors:
            say(f"  {len(errors)} failed requests at 8 clients: {errors[0]!r}")
    return result


def checked(port, method, path, headers, body=None, expect=200):
    def make_request():
        status, _ = request(port, method, path, headers, body)
        if status != expect:
            raise RuntimeError(f"{method} {path} answered {status}")

    return make_request


def count_queries(
    path, cookie=None, bearer=None, method="get", data=None, htmx=False
) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {}
    if cookie:
        client.cookies["sessionid"] = cookie
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    if htmx:
        headers["HX-Request"] = "true"
    with CaptureQueriesContext(connection) as queries:
        if method == "get":
            response = client.get(path, headers=headers, HTTP_HOST="localhost")
        else:
            response = client.post(
                path,
                data,
                headers={**headers, "HX-Request": "1"},
                HTTP_HOST="localhost",
            )
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    return len(queries)


def dashboard_floor(slug: str, repeats: int) -> float:
    """The median of one hand-written statement returning what the dashboard
    shows: each measure (code, name, kind, place in the strategy) with its
    figures in the quarters shown, as the runtime role under row-level
    security."""
    from django.db import connection

    from kpis.periods import Quarter
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope, platform_scope
    from reports.selectors import TREND_QUARTERS

    with platform_scope():
        partnership = Partnership.objects.get(slug=slug)
    now = Quarter.containing(today(), START_MONTH)
    shown = now.back(TREND_QUARTERS)
    years = sorted({q.year for q in shown})
    sql = """
        SELECT m.id, m.code, m.name, m.value_type, m.priority_id, m.outcome_id,
               m.breakdown_first_id, m.annual_target, p.year, p.quarter,
               v.value, v.numerator, v.denominator, v.breakdown, v.status
        FROM kpis_performancemeasure m
        LEFT JOIN kpis_quarterlyvalue v
            ON v.partnership_id = m.partnership_id AND v.measure_id = m.id
        LEFT JOIN kpis_period p
            ON p.id = v.period_id AND p.partnership_id = m.partnership_id
        WHERE m.partnership_id = %s AND m.retired_at IS NULL
          AND (p.id IS NULL OR p.year = ANY(%s))
        ORDER BY m.position, m.id, p.year, p.quarter
    """
    samples = []
    for _ in range(repeats + 2):
        with partnership_scope(partnership.pk), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, [partnership.pk, years])
            cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[2:])


def broken_down_measure(partnership):
    """The measure page timed: the partnership's first measure with a
    breakdown (inside its tenant scope)."""
    from kpis.models import PerformanceMeasure

    return (
        PerformanceMeasure.objects.filter(
            partnership=partnership, breakdown_first__isnull=False
        )
        .order_by("position")
        .first()
    )


def measure_pages(
    info: dict, measures: int, quarters: int, quick: bool, only: set | None = None
) -> None:
    from django.contrib.auth import get_user_model

    from kpis.models import PerformanceMeasure
    from kpis.periods import Quarter
    from outcomes.models import Priority
    from partnerships.models import Partnership
    from partnerships.services import api_token_create
    from partnerships.tenancy import partnership_scope, platform_scope

    slug = info["slug"]
    User = get_user_model()
    with platform_scope():
        partnership = Partnership.objects.get(slug=slug)
        admin = User.objects.get(email=ADMIN_EMAIL)
        lead = User.objects.get(email=LEAD_EMAIL.format(0))
    admin_cookie = session_for(admin)
    lead_cookie = session_for(lead)
    with platform_scope():
        _, token = api_token_create(user=admin, name="Scale benchmark")
    with partnership_scope(partnership.pk):
        measure = broken_down_measure(partnership)
        lead_measure = PerformanceMeasure.objects.get(
            partnership=partnership, code="M001"
        )
        first_priority = (
            Priority.objects.filter(partnership=partnership)
            .order_by("position")
            .values_list("pk", flat=True)
            .first()
        )
    now = Quarter.containing(today(), START_MONTH)
    admin_headers = {"Cookie": f"sessionid={admin_cookie}"}
    lead_headers = {"Cookie": f"sessionid={lead_cookie}"}
    api_headers = {"Authorization": f"Bearer {token}"}
    pages = [
        ("healthz", "/healthz", {}),
        ("dashboard", f"/p/{slug}/", admin_headers),
        ("measure", f"/p/{slug}/measures/{measure.pk}/", admin_headers),
        ("my_measures_lead", f"/p/{slug}/my-measures/", lead_headers),
        # The admin's default view: every measure a line, forms on demand.
        ("my_measures_admin", f"/p/{slug}/my-measures/", admin_headers),
        # One line's form opened in place, as htmx asks for it.
        (
            "my_measures_admin_open",
            f"/p/{slug}/my-measures/?open={measure.pk}",
            {**admin_headers, "HX-Request": "true"},
        ),
        # One priority's measures (a third of them), every form open.
        (
            "my_measures_admin_priority",
            f"/p/{slug}/my-measures/?priority={first_priority}",
            admin_headers,
        ),
        ("quarter", f"/p/{slug}/quarter/", admin_headers),
        ("contribution", f"/p/{slug}/contribution/", admin_headers),
        ("api_values", f"/api/v1/p/{slug}/values/?page_size=500", api_headers),
        ("export", f"/p/{slug}/data/values/?year={now.year}", admin_headers),
        *_data_pages(slug, partnership, api_headers),
    ]
    wanted = only or {*(name for name, _path, _headers in pages), "save", "cached"}
    dashboard_page = next(page for page in pages if page[0] == "dashboard")
    pages = [page for page in pages if page[0] in wanted]
    # Enough samples that p95 is not one slow request's figure (with 30 it
    # was the second slowest, and moved by a third from run to run).
    single = 20 if quick else 100
    parallel = 3 if quick else 12
    env = production_env(Path(tempfile.gettempdir()) / "civic-bench-scale")
    port = free_port()
    server = serve(env, port)
    lines = []
    try:
        figures = {}
        for name, path, headers in pages:
            if name == "export":
                # Exports ask for a recent sign-in: a session made just now.
                headers = {"Cookie": f"sessionid={session_for(admin)}"}
            timing = time_page(
                port,
                checked(port, "GET", path, headers),
                single=single,
                parallel=parallel,
            )
            if name.startswith("api_"):
                queries = count_queries(path, bearer=token)
            elif name == "healthz":
                queries = 0
            else:
                queries = count_queries(
                    path,
                    cookie=headers["Cookie"].split("=")[1],
                    htmx="HX-Request" in headers,
                )
            figures[name] = timing
            line = (
                f"scale page={name} measures={measures} quarters={quarters} "
                f"p50_ms={timing['p50']:.1f} p95_ms={timing['p95']:.1f} "
                f"rps8={timing['rps8']:.1f} queries={queries}"
            )
            say("  " + line)
            lines.append(line)
        if "save" in wanted:
            lines.append(
                _save_line(
                    port,
                    slug,
                    partnership,
                    lead_measure,
                    lead_headers,
                    now,
                    measures,
                    quarters,
                    single,
                )
            )
        if "cached" in wanted:
            server.terminate()
            server.wait(timeout=30)
            server = serve({**env, "CIVIC_DASHBOARD_CACHE_SECONDS": "86400"}, port)
            timing = time_page(
                port,
                checked(port, "GET", dashboard_page[1], dashboard_page[2]),
                single=single,
                parallel=parallel,
            )
            lines.append(
                f"scale page=dashboard_cached measures={measures} "
                f"quarters={quarters} p50_ms={timing['p50']:.1f} "
                f"p95_ms={timing['p95']:.1f} rps8={timing['rps8']:.1f} queries=-"
            )
        if "dashboard" in figures:
            floor = dashboard_floor(slug, single)
            ratio = figures["dashboard"]["p50"] / floor
            lines.append(f"scale page=dashboard floor_ms={floor:.1f} ratio={ratio:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    for line in lines:
        say(line)


def _returned_for_saving(partnership, measure, now) -> None:
    """The lead's figure of the current quarter sent back to them, as an
    admin does: the data set's figures are submitted, and a lead cannot
    change a submitted figure (the save would be refused, not timed)."""
    from django.contrib.auth import get_user_model

    from kpis.models import QuarterlyValue, ReviewStatus
    from kpis.review import value_return
    from partnerships.tenancy import partnership_scope, platform_scope

    with platform_scope():
        admin = get_user_model().objects.get(email=ADMIN_EMAIL)
    with partnership_scope(partnership.pk):
        stored = (
            QuarterlyValue.objects.filter(
                partnership=partnership,
                measure=measure,
                period__year=now.year,
                period__quarter=now.quarter,
                status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED],
            )
            .values_list("pk", flat=True)
            .first()
        )
        if stored is not None:
            value_return(
                partnership=partnership,
                value_id=stored,
                actor=admin,
                reason="Returned by the benchmark, to time its saves.",
            )


def _stored(partnership, measure, now, column: str):
    """One column of the measure's figure this quarter, as stored (read
    untimed, in the partnership's scope); None if there is none."""
    from kpis.models import QuarterlyValue
    from partnerships.tenancy import partnership_scope

    with partnership_scope(partnership.pk):
        return (
            QuarterlyValue.objects.filter(
                partnership=partnership,
                measure=measure,
                period__year=now.year,
                period__quarter=now.quarter,
            )
            .values_list(column, flat=True)
            .first()
        )


def _data_pages(slug, partnership, api_headers) -> list[tuple[str, str, dict]]:
    """The values API beyond its first page: a keyset page halfway through
    the partnership's quarters, the last numbered page, and the
    API's floor (the three priorities, small rows through the same
    authentication and tenancy)."""
    from kpis.api import _cursor_encode
    from kpis.models import Period
    from kpis.value_pages import ValueKey
    from partnerships.tenancy import partnership_scope

    with partnership_scope(partnership.pk):
        quarters = list(
            Period.objects.filter(partnership=partnership)
            .order_by("year", "quarter")
            .values_list("year", "quarter")
        )
    # Halfway through the history: a full page, however many quarters.
    cursor = _cursor_encode(ValueKey(*quarters[len(quarters) // 2], -1, ""))
    base = f"/api/v1/p/{slug}"
    return [
        ("api_floor", f"{base}/priorities/", api_headers),
        (
            "api_values_cursor",
            f"{base}/values/?page_size=500&cursor={cursor}",
            api_headers,
        ),
        ("api_values_last", f"{base}/values/?page_size=500&page=last", api_headers),
    ]


def save_fields(partnership, measure, now, n: int, *, by: str) -> dict:
    """The form fields of the ``n``th save of the measure's figure this
    quarter, with the version now stored (read untimed, so that each save
    is a correction of the version the form showed)."""
    stored = _stored(partnership, measure, now, "version")
    prefix = f"m{measure.pk}"
    fields = {
        "measure": measure.pk,
        f"{prefix}-numerator": 100 + n % 50,
        f"{prefix}-denominator": 400,
        f"{prefix}-story": f"Saved by {by}, take {n}.",
    }
    if stored is not None:
        fields[f"{prefix}-version"] = stored
    return fields


def _save_line(
    port, slug, partnership, measure, headers, now, measures, quarters, repeats
) -> str:
    """One figure saved by its lead through the htmx form, as the page does."""

    _returned_for_saving(partnership, measure, now)

    csrf = secrets.token_hex(16)
    post_headers = {
        **headers,
        "Cookie": headers["Cookie"] + f"; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    path = f"/p/{slug}/my-measures/?quarter={now.key}"
    samples = []
    from urllib.parse import urlencode

    for n in range(repeats + 3):
        fields = save_fields(partnership, measure, now, n, by="the benchmark")
        body = urlencode(fields)
        started = time.perf_counter()
        status, _ = request(port, "POST", path, post_headers, body)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"saving a figure answered {status}")
        if n >= 3:
            samples.append(elapsed)
    if _stored(partnership, measure, now, "story") != fields[f"m{measure.pk}-story"]:
        raise RuntimeError("the benchmark's saves were refused, not made")
    return (
        f"scale page=save measures={measures} quarters={quarters} "
        f"p50_ms={statistics.median(samples):.1f} "
        f"p95_ms={percentile(samples, 0.95):.1f} rps8=0 queries=0"
    )


# --- two sizes (--compare) ------------------------------------------------

COMPARE_PAGES = (
    "dashboard",
    "measure",
    "my_measures_lead",
    "quarter",
    "api_values",
    "export",
)
COMPARE_SMALL = 20
COMPARE_OTHERS = 10
COMPARE_QUARTERS = 12
COMPARE_HISTORY = 3
# Figures the guard's UPDATE changes at both sizes: the small installation's
# 20 partnerships hold 12,000 figures of open quarters.
COMPARE_GUARD_ROWS = 10_000
# Rounds of the interleaved timing: each round times every page's three
# targets (the first partnership among 20, the same among 200, the one with
# 3x the history among 20) once each.
COMPARE_ROUNDS = 30
COMPARE_RESAMPLES = 2000
# The targets of the interleaved timing: (name, server, partnership).
COMPARE_TARGETS = (
    ("small", "small", "subject"),
    ("others", "large", "subject"),
    ("history", "small", "deep"),
)


def compare(measures: int, rounds: int) -> None:
    """Each key page at two sizes in one run, in installations of their own.

    A database ``<name>_compare`` is made afresh (as the owner), migrated and
    filled with the small installation (``--compare-inside small``): 20
    partnerships of ``measures`` measures over 12 quarters and one with 3x
    the quarters (36). It is then copied (``CREATE DATABASE ... TEMPLATE``)
    to ``<name>_compare_large``, where 180 more partnerships are built
    (``--compare-inside large``: 10x the installation). The first partnership
    is the same rows in both; each child measures the PostgreSQL work of
    each page in-process (``page_work``) and the guard's UPDATE.

    Then both databases are served at once, one gunicorn each, and every
    page is timed interleaved (``_compare_timed``): the small and the large
    installation, and the deeper history, request after request, so that
    drift and the machine's other load fall on all of them alike.
    """
    import psycopg
    from psycopg import sql

    runtime, owner = os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"]
    small = f"{_database_name(owner)}_compare"
    large = f"{small}_large"
    with psycopg.connect(owner, autocommit=True) as connection:
        for name in (large, small):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(small)))
    redis = os.environ.get("REDIS_URL", "")
    envs = {}
    for n, (size, name) in enumerate((("small", small), ("large", large))):
        envs[size] = {
            **os.environ,
            "DATABASE_URL": _with_database(runtime, name),
            "DATABASE_OWNER_URL": _with_database(owner, name),
        }
        if redis:
            # Both copies hold the same ids: their caches must not meet.
            envs[size]["REDIS_URL"] = _with_database(redis, str(n + 1))
    say(f"scale compare databases={small},{large} (made afresh)")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**envs["small"], "DATABASE_URL": envs["small"]["DATABASE_OWNER_URL"]},
        check=True,
    )
    with tempfile.TemporaryDirectory(prefix="civic-compare-") as work:
        facts = Path(work)
        _compare_child("small", measures, facts, envs["small"])
        _copy_database(owner, small, large)
        _compare_child("large", measures, facts, envs["large"])
        found = {
            size: json.loads((facts / f"{size}.json").read_text())
            for size in ("small", "large")
        }
        timed = _compare_timed(envs, found["small"]["targets"], rounds)
    _compare_report(found, timed, rounds)


def _compare_child(size: str, measures: int, facts: Path, env: dict) -> None:
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--compare-inside",
            size,
            "--measures",
            str(measures),
            "--facts",
            str(facts),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _copy_database(owner: str, source: str, target: str) -> None:
    """``target`` as a copy of ``source``: the same rows, the same ids. A
    copy needs the source to have no other connection; autovacuum may hold
    one for a moment."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(target), sql.Identifier(source)
    )
    started = time.perf_counter()
    with psycopg.connect(owner, autocommit=True) as connection:
        for attempt in range(60):
            try:
                connection.execute(statement)
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 59:
                    raise
                time.sleep(1)
    say(f"  copied {source} to {target} in {time.perf_counter() - started:.1f} s")


def _database_name(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path.lstrip("/")


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def compare_inside(size: str, measures: int, facts: Path) -> None:
    """One installation of ``--compare``: ``small`` builds it and signs in
    the people the timing needs (their sessions and token are copied with
    the database), ``large`` adds the other partnerships. Each measures the
    pages' PostgreSQL work and the guard, and writes them to
    ``facts/<size>.json``."""
    small = prefix_for(COMPARE_SMALL, measures, COMPARE_QUARTERS)
    deep = prefix_for(1, measures, COMPARE_QUARTERS * COMPARE_HISTORY)
    found: dict = {}
    started = time.perf_counter()
    if size == "small":
        build(COMPARE_SMALL, measures, COMPARE_QUARTERS)
        build(1, measures, COMPARE_QUARTERS * COMPARE_HISTORY)
        say(f"  built the small installation in {time.perf_counter() - started:.1f} s")
        found["targets"] = {
            "subject": _compare_paths(f"{small}000"),
            "deep": _compare_paths(f"{deep}000"),
        }
    else:
        others = COMPARE_SMALL * (COMPARE_OTHERS - 1)
        build(others, measures, COMPARE_QUARTERS)
        say(
            f"  built {others} more partnerships in {time.perf_counter() - started:.1f} s"
        )
        found["targets"] = json.loads((facts / "small.json").read_text())["targets"]
    found["shape"] = data_shape()
    found["work"] = {
        partnership: {
            page: page_work(*found["targets"][partnership][page])
            for page in COMPARE_PAGES
        }
        for partnership in (("subject", "deep") if size == "small" else ("subject",))
    }
    found["guard"] = guard_cost(COMPARE_GUARD_ROWS, quiet=True)
    (facts / f"{size}.json").write_text(json.dumps(found))


def _compare_paths(slug: str) -> dict[str, tuple[str, dict]]:
    """Each of ``COMPARE_PAGES`` for one partnership: its path and the
    headers that sign it in (the admin's session; the first lead's for My
    measures; a bearer token for the API), made in this database."""
    from django.contrib.auth import get_user_model

    from kpis.periods import Quarter
    from partnerships.models import Partnership
    from partnerships.services import api_token_create
    from partnerships.tenancy import partnership_scope, platform_scope

    User = get_user_model()
    with platform_scope():
        partnership = Partnership.objects.get(slug=slug)
        admin = User.objects.get(email=ADMIN_EMAIL)
        lead = User.objects.get(email=LEAD_EMAIL.format(0))
        _, token = api_token_create(user=admin, name="Scale comparison")
    with partnership_scope(partnership.pk):
        measure = broken_down_measure(partnership)
    now = Quarter.containing(today(), START_MONTH)
    admin_headers = {"Cookie": f"sessionid={session_for(admin)}"}
    return {
        "dashboard": (f"/p/{slug}/", admin_headers),
        "measure": (f"/p/{slug}/measures/{measure.pk}/", admin_headers),
        "my_measures_lead": (
            f"/p/{slug}/my-measures/",
            {"Cookie": f"sessionid={session_for(lead)}"},
        ),
        "quarter": (f"/p/{slug}/quarter/", admin_headers),
        "api_values": (
            f"/api/v1/p/{slug}/values/?page_size=500",
            {"Authorization": f"Bearer {token}"},
        ),
        "export": (f"/p/{slug}/data/values/?year={now.year}", admin_headers),
    }


def page_work(path: str, headers: dict) -> dict:
    """The PostgreSQL work of one request of the page, in-process.

    Every SELECT the request runs is run again, on the same connection and
    in the same transaction (its tenant scope, its row-level security), as
    ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)``: the shared buffers it hit
    or read (planning not included) and the rows it returned. Buffers count
    pages of tables and indexes touched, whatever else the machine is doing,
    so a page whose work does not grow with the installation touches about
    as many at both sizes. Statements that write (the session's, the
    security log's) are counted, not explained: explaining them would run
    them twice."""
    from django.db import connection
    from django.test import Client

    statements: list[dict] = []
    writes = 0

    def explain(execute, sql, params, many, context):
        nonlocal writes
        result = execute(sql, params, many, context)
        if many or sql.lstrip()[:4].upper() not in ("SELE", "WITH"):
            writes += 1
            return result
        # The raw connection's cursor: not wrapped, so not explained again.
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params or None
            )
            (plan,) = cursor.fetchone()
        top = plan[0]["Plan"]
        statements.append(
            {
                "sql": " ".join(sql.split())[:160],
                "buffers": top["Shared Hit Blocks"] + top["Shared Read Blocks"],
                "rows": round(top["Actual Rows"] * top["Actual Loops"]),
            }
        )
        return result

    client = Client()
    if cookie := headers.get("Cookie"):
        client.cookies["sessionid"] = cookie.removeprefix("sessionid=")
    extra = {k: v for k, v in headers.items() if k != "Cookie"}
    with connection.execute_wrapper(explain):
        response = client.get(path, headers=extra, HTTP_HOST="localhost")
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    return {
        "buffers": sum(s["buffers"] for s in statements),
        "rows": sum(s["rows"] for s in statements),
        "writes": writes,
        "statements": statements,
    }


def _compare_timed(envs: dict, targets: dict, rounds: int) -> dict:
    """Milliseconds of each page at each of ``COMPARE_TARGETS``, ``rounds``
    samples each, from one client against both servers at once.

    Round after round, each page is requested once at every target, the
    order turning by one each round, so that drift and other load fall on
    all targets alike and the k-th samples of the targets were taken within
    a second of each other (``_ratio_interval`` resamples them as pairs)."""
    servers, ports = {}, {}
    try:
        for size, env in envs.items():
            ports[size] = free_port()
            servers[size] = serve(
                production_env(Path(tempfile.gettempdir()) / f"civic-compare-{size}")
                | {k: env[k] for k in ("DATABASE_URL", "DATABASE_OWNER_URL")}
                | ({"REDIS_URL": env["REDIS_URL"]} if "REDIS_URL" in env else {}),
                ports[size],
            )
        samples: dict = {}
        for page in COMPARE_PAGES:
            calls = {
                name: checked(ports[server], "GET", *targets[partnership][page])
                for name, server, partnership in COMPARE_TARGETS
            }
            for call in calls.values():
                for _ in range(3):
                    call()
            names = list(calls)
            taken = {name: [] for name in names}
            for n in range(rounds):
                turn = n % len(names)
                for name in names[turn:] + names[:turn]:
                    started = time.perf_counter()
                    calls[name]()
                    taken[name].append((time.perf_counter() - started) * 1000)
            samples[page] = taken
            say(
                f"  page={page} "
                + " ".join(
                    f"{name}_p50_ms={statistics.median(taken[name]):.1f}"
                    for name in names
                )
            )
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    return samples


def _ratio_interval(
    small: list[float], large: list[float], resamples: int = COMPARE_RESAMPLES
) -> tuple[float, float]:
    """A 95% percentile-bootstrap interval of median(large) / median(small),
    resampling the rounds (each a pair of samples taken together)."""
    import random

    chooser = random.Random(18)
    rounds = range(len(small))
    ratios = []
    for _ in range(resamples):
        picks = chooser.choices(rounds, k=len(small))
        ratios.append(
            statistics.median(large[i] for i in picks)
            / statistics.median(small[i] for i in picks)
        )
    ratios.sort()
    return ratios[int(0.025 * resamples)], ratios[int(0.975 * resamples) - 1]


def _compare_report(found: dict, timed: dict, rounds: int) -> None:
    before, after = found["small"]["shape"], found["large"]["shape"]
    say(
        "scale compare installation partnerships={} -> {} figures={} -> {} "
        "history_events={} -> {}".format(
            before["partnerships"],
            after["partnerships"],
            before["figures"],
            after["figures"],
            before["events"],
            after["events"],
        )
    )
    work = {
        "small": found["small"]["work"]["subject"],
        "others": found["large"]["work"]["subject"],
        "history": found["small"]["work"]["deep"],
    }
    lines = []
    for page in COMPARE_PAGES:
        for kind in ("others", "history"):
            small, large = timed[page]["small"], timed[page][kind]
            low, high = _ratio_interval(small, large)
            base, more = work["small"][page], work[kind][page]
            for detail in _growing_statements(base, more):
                say(f"  page={page} kind={kind} {detail}")
            lines.append(
                f"scale compare page={page} kind={kind} "
                f"small_p50_ms={statistics.median(small):.1f} "
                f"large_p50_ms={statistics.median(large):.1f} "
                f"ratio={statistics.median(large) / statistics.median(small):.2f} "
                f"ci95={low:.2f}-{high:.2f} samples={rounds} "
                f"small_buffers={base['buffers']} large_buffers={more['buffers']} "
                f"buffers_ratio={more['buffers'] / max(1, base['buffers']):.2f} "
                f"small_rows={base['rows']} large_rows={more['rows']} "
                f"statements={len(base['statements'])}/{len(more['statements'])}"
            )
    # The same figures' UPDATE (the lowest ids of open quarters) among 20
    # partnerships and among 200.
    guard_small, guard_large = found["small"]["guard"], found["large"]["guard"]
    for quarters in ("open", "locked"):
        lines.append(
            f"scale compare page=guard_{quarters} kind=others rows={COMPARE_GUARD_ROWS} "
            f"small_ms={guard_small[quarters] * 1000:.0f} "
            f"large_ms={guard_large[quarters] * 1000:.0f} "
            f"ratio={guard_large[quarters] / guard_small[quarters]:.2f}"
        )
    for line in lines:
        say(line)


def _growing_statements(base: dict, more: dict, *, factor: float = 1.25) -> list[str]:
    """The statements of a page that touch more than ``factor`` times the
    buffers at the larger size (and at least 20 more), matched by their
    place in the page's sequence; a page that ran other statements says
    so instead."""
    if len(base["statements"]) != len(more["statements"]):
        return [
            f"statements={len(base['statements'])}->{len(more['statements'])} "
            "(not matched one to one)"
        ]
    grown = []
    for n, (a, b) in enumerate(
        zip(base["statements"], more["statements"], strict=True)
    ):
        if b["buffers"] > factor * a["buffers"] and b["buffers"] - a["buffers"] >= 20:
            grown.append(
                f"statement={n} buffers={a['buffers']}->{b['buffers']} "
                f"rows={a['rows']}->{b['rows']} sql={b['sql']}"
            )
    return grown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 partnerships")
    parser.add_argument("--partnerships", type=int)
    parser.add_argument("--measures", type=int, default=150)
    parser.add_argument("--quarters", type=int)
    parser.add_argument(
        "--pages",
        help="comma-separated page names to time (e.g. export,save,cached); "
        "default all",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="time the key pages at two sizes (10x the partnerships, 3x the "
        "history), interleaved, with their PostgreSQL work, in two databases "
        "of their own",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=COMPARE_ROUNDS,
        help="--compare: samples of each page at each size, taken interleaved",
    )
    parser.add_argument(
        "--compare-inside", choices=("small", "large"), help=argparse.SUPPRESS
    )
    parser.add_argument("--facts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args.measures, args.rounds)
        return
    if args.compare_inside:
        setup_django()
        refuse_without_platform_key()
        compare_inside(args.compare_inside, args.measures, args.facts)
        return
    partnerships = args.partnerships or (20 if args.quick else 200)
    quarters = args.quarters or (12 if args.quick else 40)
    setup_django()
    refuse_without_platform_key()
    prefix = prefix_for(partnerships, args.measures, quarters)
    found = existing(prefix)
    if found == partnerships:
        say(f"scale build reused={prefix}* (built by an earlier run)")
    elif found:
        raise SystemExit(
            f"{found} of {partnerships} partnerships {prefix}* exist: an earlier "
            "build stopped half-way; drop the database (or these partnerships, "
            "as the owner) and run again."
        )
    else:
        started = time.perf_counter()
        build(partnerships, args.measures, quarters)
        say(f"scale build seconds={time.perf_counter() - started:.1f}")
    shape = data_shape()
    say(
        "scale data partnerships={partnerships} figures={figures} "
        "history_events={events} locked_quarters={locked} database_mib={mib}".format(
            **shape
        )
    )
    only = set(args.pages.split(",")) if args.pages else None
    if not only:
        guard_cost()
    measure_pages({"slug": f"{prefix}000"}, args.measures, quarters, args.quick, only)


if __name__ == "__main__":
    main()
