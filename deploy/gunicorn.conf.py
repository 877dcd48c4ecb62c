"""gunicorn's configuration: how the Docker image serves Civic, and how
benchmarks/scale.py serves it to time it (``gunicorn -c deploy/gunicorn.conf.py``).

Command-line flags still override it (the benchmark's ``--workers 2``).
Environment variables, for a deployment that must differ:

* ``WEB_CONCURRENCY``: sync worker processes (default 3); about two a core,
  each with its own database connection (README, "Scaling");
* ``GUNICORN_BIND``: the address (default ``0.0.0.0:8000``);
* ``GUNICORN_MAX_REQUESTS``: requests after which a worker is replaced
  (default 0: never; see below).

The tail latency settings (README, "Scaling"): the application is loaded
once, in the master, warmed (every view imported, the templates compiled,
both catalogues loaded) and frozen out of the garbage collector's sight
before the workers fork (civic.preload); each worker then promotes
surviving objects to the older generations less often. A worker's heartbeat file lives in memory
(/dev/shm), where a slow disk cannot stall it.
"""

import gc
import os

wsgi_app = "civic.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"

# gunicorn 27's control socket (gunicornc) is not used: one per home
# directory, it would be shared by every gunicorn on a machine.
control_socket_disable = True

preload_app = True
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The youngest generation is still collected every 700 allocations (a
# larger first threshold makes each of those pauses longer: 50,000 gave
# 40-50 ms pauses on the dashboard), but the middle one ten times less
# often than by default, so that fewer survivors are scanned again and a full
# collection comes about once in a hundred requests rather than every twenty
# (scripts/profile-page.py --gc: 2-3 ms of collection a dashboard request,
# the longest pause 3-8 ms, against 170-215 ms for a full collection of the
# unfrozen heap).
GC_THRESHOLDS = (700, 100, 10)

# Memory measured flat across thousands of requests, so workers are not
# recycled by default; a deployment that sees growth can set this (the
# jitter keeps workers from restarting together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10


def when_ready(server) -> None:
    """The master has loaded the application (preload_app): warm it, then
    freeze what is alive, so the workers share it and never scan it."""
    from civic.preload import freeze, warm_up

    warm_up()
    freeze()


def pre_fork(server, worker) -> None:
    # What the master made since (a replaced worker's fork): frozen too.
    gc.freeze()


def post_fork(server, worker) -> None:
    gc.set_threshold(*GC_THRESHOLDS)
