"""Profile one page in-process, as production serves it.

Runs Django's WSGI handler itself (production settings, DEBUG off, the
cached template loaders, every middleware, the runtime role under
row-level security) on the scale benchmark's data set, signed in as its
admin (or a lead), and prints the wall and CPU time a request, the queries
a request and their time, and a cProfile of the requests:

    .venv/bin/python scripts/profile-page.py dashboard --requests 30
    .venv/bin/python scripts/profile-page.py measure --sort tottime --lines 40
    .venv/bin/python scripts/profile-page.py my_measures --as lead
    .venv/bin/python scripts/profile-page.py save --statements

``save`` is the benchmark's single save (``scale.py _save_line``): the lead's
htmx POST of one figure on My measures, its version read before each
request (untimed), as the form sends it. ``--statements`` lists one
request's SQL statements with their times.

Run with DATABASE_URL and REDIS_URL set, after ``benchmarks/scale.py`` has
built a data set (``--slug`` names the partnership; the first of the
default size by default). Without the dashboard's cache unless
``--cached``.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="dashboard, measure, quarter, contribution, ...")
    parser.add_argument("--slug", default="bench-scale-200x150x40-000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--cached", action="store_true")
    parser.add_argument(
        "--as",
        dest="who",
        choices=("admin", "lead"),
        default=None,
        help="signed in as the admin (default) or the lead of 20 measures "
        "(the default for save)",
    )
    parser.add_argument(
        "--statements", action="store_true", help="list one request's SQL"
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--html", help="write one answer's body here (to compare two versions)"
    )
    parser.add_argument("--thresholds", help="gc.set_threshold, e.g. 700,10,10")
    parser.add_argument("--dump", help="write the profile here (pstats)")
    parser.add_argument(
        "--gc",
        choices=("default", "freeze", "gunicorn"),
        default="default",
        help="the collector as a plain process has it; after civic.preload's "
        "warm-up and freeze; or also with deploy/gunicorn.conf.py's thresholds",
    )
    args = parser.parse_args()

    import scale

    env = scale.production_env(Path(tempfile.gettempdir()) / "civic-profile-page")
    if not args.cached:
        env["CIVIC_DASHBOARD_CACHE_SECONDS"] = "0"
    else:
        env["CIVIC_DASHBOARD_CACHE_SECONDS"] = "86400"
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        check=True,
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory

    from kpis.models import PerformanceMeasure
    from kpis.periods import Quarter
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope, platform_scope

    scale.refuse_without_platform_key()
    saving = args.page == "save"
    who = args.who or ("lead" if saving else "admin")
    email = scale.ADMIN_EMAIL if who == "admin" else scale.LEAD_EMAIL.format(0)
    with platform_scope():
        partnership = Partnership.objects.get(slug=args.slug)
        user = get_user_model().objects.get(email=email)
    with partnership_scope(partnership.pk):
        measure = scale.broken_down_measure(partnership)
        lead_measure = PerformanceMeasure.objects.get(
            partnership=partnership, code="M001"
        )
    slug = args.slug
    now = Quarter.containing(scale.today(), scale.START_MONTH)
    paths = {
        "dashboard": f"/p/{slug}/",
        "measure": f"/p/{slug}/measures/{measure.pk}/",
        "quarter": f"/p/{slug}/quarter/",
        "contribution": f"/p/{slug}/contribution/",
        "my_measures": f"/p/{slug}/my-measures/",
        "healthz": "/healthz",
        "save": f"/p/{slug}/my-measures/?quarter={now.key}",
    }
    path, _, query = paths.get(args.page, args.page).partition("?")
    cookie = scale.session_for(user)
    handler = WSGIHandler()
    factory = RequestFactory()
    if saving:
        scale._returned_for_saving(partnership, lead_measure, now)
    saves = iter(range(10**9))

    def save_environ() -> dict:
        """The benchmark's POST, with the version now stored (read untimed)."""
        from urllib.parse import urlencode

        fields = scale.save_fields(
            partnership, lead_measure, now, next(saves), by="the profile"
        )
        body = urlencode(fields).encode()
        csrf = "0123456789abcdef0123456789abcdef"
        return {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_HX_REQUEST": "true",
            "HTTP_X_CSRFTOKEN": csrf,
            "HTTP_COOKIE": f"sessionid={cookie}; csrftoken={csrf}",
        }

    def prepare() -> dict:
        environ = factory._base_environ(
            PATH_INFO=path,
            QUERY_STRING=query,
            REQUEST_METHOD="GET",
            HTTP_HOST="localhost",
            HTTP_COOKIE=f"sessionid={cookie}",
        )
        if saving:
            environ.update(save_environ())
        return environ

    def one(environ: dict | None = None) -> int:
        environ = environ or prepare()
        chunks = []
        status = []
        body = handler(environ, lambda s, h, *a: status.append(s))
        chunks.extend(body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path} answered {status[0]}")
        if args.html:
            Path(args.html).write_bytes(b"".join(chunks))
        return sum(len(c) for c in chunks)

    if args.gc != "default":
        from civic.preload import freeze, warm_up

        warm_up()
        freeze()
    if args.gc == "gunicorn":
        config = {}
        exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)  # noqa: S102
        gc.set_threshold(*config["GC_THRESHOLDS"])
    if args.thresholds:
        gc.set_threshold(*(int(n) for n in args.thresholds.split(",")))
    for _ in range(3):
        size = one()
    pauses = []
    pause_started = []

    def on_gc(phase, info):
        if phase == "start":
            pause_started.append(time.perf_counter())
        else:
            pauses.append(
                (info["generation"], time.perf_counter() - pause_started.pop())
            )

    gc.callbacks.append(on_gc)
    timings = []
    # (round trip, CPU since the previous statement ended, SQL)
    statements = []
    cpu_mark = [0.0]

    def timed(execute, sql, params, many, context):
        before = time.process_time() - cpu_mark[0]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)
            statements.append((timings[-1], before, sql))
            cpu_mark[0] = time.process_time()

    # Each statement's round trip, as the request's connection makes it.
    environ = prepare()
    started_cpu = time.process_time()
    cpu_mark[0] = started_cpu
    with connection.execute_wrapper(timed):
        one(environ)
    after = time.process_time() - cpu_mark[0]
    sql_ms = sum(timings) * 1000
    if args.statements:
        # Each statement: its round trip, and the CPU the request spent
        # before it since the previous one (building it, and whatever ran
        # between them).
        print("  sql_ms  cpu_before_ms  statement")
        for seconds, before, sql in statements:
            print(
                f"  {seconds * 1000:6.2f}  {before * 1000:6.2f}  "
                f"{' '.join(sql.split())[:120]}"
            )
        print(f"  {'':6}  {after * 1000:6.2f}  (after the last statement)")
    walls, cpus = [], []
    collections = sum(s["collections"] for s in gc.get_stats())
    for _ in range(args.requests):
        environ = prepare()
        wall, cpu = time.perf_counter(), time.process_time()
        one(environ)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    collections = sum(s["collections"] for s in gc.get_stats()) - collections
    gc.callbacks.remove(on_gc)
    full = [seconds for generation, seconds in pauses if generation == 2]
    print(
        f"gc mode={args.gc} thresholds={gc.get_threshold()} "
        f"frozen={gc.get_freeze_count()} collections={len(pauses)} "
        f"full={len(full)} pause_ms_per_request="
        f"{sum(p for _g, p in pauses) * 1000 / args.requests:.2f} "
        f"longest_ms={max((p for _g, p in pauses), default=0) * 1000:.2f}"
    )
    print(
        f"profile page={args.page} bytes={size} requests={args.requests} "
        f"wall_p50_ms={statistics.median(walls):.1f} "
        f"wall_max_ms={max(walls):.1f} cpu_p50_ms={statistics.median(cpus):.1f} "
        f"queries={len(timings)} sql_ms={sql_ms:.1f} "
        f"gc_collections={collections}"
    )
    if args.no_profile:
        return
    profile = cProfile.Profile()
    for _ in range(args.requests):
        environ = prepare()
        profile.enable()
        one(environ)
        profile.disable()
    if args.dump:
        profile.dump_stats(args.dump)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.lines)
    print(out.getvalue())


if __name__ == "__main__":
    main()
