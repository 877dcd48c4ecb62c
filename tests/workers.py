"""A real Celery worker process for the tests that need one.

It runs against the test database and Redis, with short time limits and a
short visibility timeout so that a redelivery after a crash happens within a
test's patience.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SOFT_LIMIT = 8  # seconds; the hard limit is 10
VISIBILITY_TIMEOUT = 12


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}"
    )


def start_worker(
    name: str, var_dir: Path, *, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, Path]:
    """``env``: more environment variables for the worker."""
    log = var_dir / f"{name}.log"
    more = env or {}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civic.settings.test",
        "DATABASE_URL": database_url(),
        "CIVIC_VAR_DIR": str(var_dir),
        "CIVIC_REPORT_TIME_LIMIT": str(SOFT_LIMIT),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_RESTORE_INTERVAL": "1",
        **more,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app=civic",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: parent and children
    )
    return process, log


def wait_for(condition, *, timeout: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    details = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"Timed out waiting for {what}\n{details}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
