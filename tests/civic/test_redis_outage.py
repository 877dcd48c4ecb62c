"""With Redis (the cache and the broker) stopped, nothing answers 500.

A throwaway redis-server of the test's own stands in for the cache (the API
throttle counts) and the Celery broker; it is stopped half-way, and the
requests that need it answer as README promises: API reads pass, API writes
answer 503, a report request and an import upload wait as queued (marked for
the sweep), /healthz says "degraded". Started again, the sweep sends the
waiting jobs to the broker.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from celery import current_app
from django.urls import reverse

from exchange.models import ImportJob, ImportStatus
from exchange.tasks import resend_unsent_imports
from reports.models import AnnualReport, ReportStatus
from reports.tasks import resend_unsent_reports
from tests.api import bearer, post_json
from tests.exchange.helpers import csv_upload
from tests.reports.framework import YEAR, build_framework

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    """This process's environment without libfaketime's variables.

    ``make test-dates`` runs the suite under faketime, which hangs Redis; the
    server keeps the real clock, as the suite's own servers do.
    """
    return {
        key: value
        for key, value in os.environ.items()
        if key != "LD_PRELOAD" and not key.startswith(("FAKETIME", "DONT_FAKE"))
    }


class ThrowawayRedis:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=server_environment(),
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queued_tasks(self) -> list[tuple[str, list]]:
        """The task messages waiting in the default queue: (name, args)."""
        client = redis.Redis.from_url(self.url)
        found = []
        for raw in client.lrange("celery", 0, -1):
            message = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            found.append((message["headers"]["task"], args))
        return found


def _reset_broker_connections() -> None:
    """Make Celery's publisher connect afresh, to the broker now configured."""
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def throwaway_redis(settings, tmp_path):
    conf = current_app.conf
    # Read before the settings change: Celery reads them lazily.
    saved = conf.broker_url, conf.task_always_eager
    # The publisher's pools, kept to put back untouched for the other tests.
    pools = current_app._pool, current_app.amqp._producer_pool
    server = ThrowawayRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    settings.CELERY_BROKER_URL = server.url
    conf.broker_url, conf.task_always_eager = server.url, False
    _reset_broker_connections()
    try:
        yield server
    finally:
        server.stop()
        conf.broker_url, conf.task_always_eager = saved
        current_app._pool, current_app.amqp._producer_pool = pools


@pytest.fixture
def framework():
    return build_framework()


def test_with_redis_stopped_nothing_answers_500_and_the_sweep_resends(
    client, framework, throwaway_redis, django_capture_on_commit_callbacks
):
    partnership, admin, _expected = framework
    slug = partnership.slug
    headers = bearer(admin)
    measures = reverse("api:measure_list", kwargs={"slug": slug})
    assert client.get(measures, headers=headers).status_code == 200  # counted

    throwaway_redis.stop()

    # API reads: the throttle fails open.
    response = client.get(measures, headers=headers)
    assert response.status_code == 200
    assert response.json()["results"]
    # API writes: the throttle fails closed, with a reason, nothing saved.
    response = post_json(
        client,
        reverse("api:value_bulk", kwargs={"slug": slug}),
        {"values": []},
        headers,
    )
    assert response.status_code == 503
    assert "try again" in response.json()["detail"]

    # Pages work; health says degraded, not down.
    client.force_login(admin)
    assert client.get(reverse("reports:reports", args=[slug])).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["database"] == "ok"

    # A report request and an import upload are taken and wait, marked.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:reports", args=[slug]), {"year": YEAR})
    assert response.status_code < 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exchange:import_upload", args=[slug]),
            {"kind": "values", "file": csv_upload([["2024/25 Q1", "X", "", "", "1"]])},
        )
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    job = ImportJob.objects.get()
    assert report.status == ReportStatus.QUEUED and report.send_failed_at
    assert job.status == ImportStatus.QUEUED and job.send_failed_at
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Waiting to be checked" in page.content.decode()

    # The sweep during the outage sends nothing and keeps the marks.
    AnnualReport.objects.update(send_failed_at=report.send_failed_at.replace(year=2000))
    ImportJob.objects.update(send_failed_at=job.send_failed_at.replace(year=2000))
    assert resend_unsent_reports() == 0
    assert resend_unsent_imports() == 0
    assert AnnualReport.objects.get().send_failed_at is not None

    # The broker is back: the sweep sends each job once and clears its mark.
    throwaway_redis.start()
    _reset_broker_connections()
    assert resend_unsent_reports() == 1
    assert resend_unsent_imports() == 1
    assert resend_unsent_reports() == 0 and resend_unsent_imports() == 0
    assert sorted(throwaway_redis.queued_tasks()) == [
        ("exchange.tasks.check_import", [job.pk, partnership.pk]),
        ("reports.tasks.render_annual_report", [report.pk, partnership.pk]),
    ]
    assert AnnualReport.objects.get().send_failed_at is None
    assert ImportJob.objects.get().send_failed_at is None
    assert client.get("/healthz").json()["status"] == "ok"


def test_the_sweep_leaves_a_recent_failure_and_a_job_already_taken(
    framework, throwaway_redis
):
    partnership, admin, _expected = framework
    from django.utils import timezone

    recent = AnnualReport.objects.create(
        partnership=partnership,
        year=YEAR,
        year_label="2024/25",
        data_version="a",
        requested_by=admin,
        send_failed_at=timezone.now(),
    )
    AnnualReport.objects.create(
        partnership=partnership,
        year=YEAR,
        year_label="2024/25",
        data_version="b",
        requested_by=admin,
        status=ReportStatus.RENDERING,
        send_failed_at=timezone.now().replace(year=2000),
    )
    assert resend_unsent_reports() == 0
    assert throwaway_redis.queued_tasks() == []
    assert AnnualReport.objects.get(pk=recent.pk).send_failed_at is not None


def test_the_sweeps_are_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "exchange.tasks.resend_unsent_imports",
        "reports.tasks.resend_unsent_reports",
    } <= tasks
