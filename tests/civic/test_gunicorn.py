"""deploy/gunicorn.conf.py: what the Docker image runs, and what it does
before the workers fork (civic.preload)."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.civic.test_deploy import PRODUCTION_ENV

BASE = Path(settings.BASE_DIR)
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def image_command() -> list[str]:
    """The Dockerfile's CMD, as the image runs it (its JSON form)."""
    dockerfile = (BASE / "Dockerfile").read_text()
    (line,) = re.findall(r"^CMD (\[.*\])$", dockerfile, flags=re.MULTILINE)
    return json.loads(line)


def resolved_config(command: list[str]) -> dict[str, str]:
    """gunicorn's own reading of the command: ``--print-config`` (which
    loads the application too, with the production settings)."""
    assert command[0] == "gunicorn"
    result = subprocess.run(
        [GUNICORN, *command[1:], "--print-config"],
        cwd=BASE,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_image_serves_civic_wsgi_on_port_8000_with_three_workers_and_a_log():
    command = image_command()
    assert command[1:] == ["--config", "deploy/gunicorn.conf.py"]
    config = resolved_config(command)
    assert config["wsgi_app"] == "civic.wsgi:application"
    assert config["bind"] == "['0.0.0.0:8000']"
    assert config["workers"] == "3"
    # The access log on stdout, as the CMD's --access-logfile - had it.
    assert config["accesslog"] == "-"


def test_the_application_is_preloaded_and_frozen_before_the_workers_fork():
    config = resolved_config(image_command())
    assert config["preload_app"] == "True"
    assert config["when_ready"] == "<when_ready()>"
    assert config["post_fork"] == "<post_fork()>"
    assert config["worker_tmp_dir"] == "/dev/shm"
    # Not recycled by default; the benchmark's flags still override the file.
    assert config["max_requests"] == "0"
    flags = resolved_config([*image_command(), "--workers", "2"])
    assert flags["workers"] == "2"


WARM_UP = """
import gc
import sys
import django
django.setup()
from django.db import connections
from django.template import engines
from civic.preload import freeze, warm_up

warm_up()
freeze()
# The cached loader, inside django-template-partials' own.
loader = engines["django"].engine.template_loaders[0]
while not hasattr(loader, "get_template_cache"):
    loader = loader.loaders[0]
print(json.dumps({
    "templates": len(loader.get_template_cache),
    "views": sorted(name for name in sys.modules if name.endswith(".views")),
    "connected": [c.alias for c in connections.all() if c.connection is not None],
    "frozen": gc.get_freeze_count(),
}))
"""


def test_warming_up_opens_no_connection_before_the_fork():
    """The database and Redis named here do not exist: the warm-up would
    fail if it connected to either, and a connection made in the master
    would be shared by every worker."""
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + WARM_UP],
        cwd=BASE,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    warmed = json.loads(result.stdout.splitlines()[-1])
    assert warmed["connected"] == []
    # The project's templates compiled, the views imported, Django frozen.
    assert warmed["templates"] > 50
    assert {"reports.views", "kpis.views", "partnerships.views"} <= set(warmed["views"])
    assert warmed["frozen"] > 100_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_with_the_configuration(tmp_path):
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
        # The servers this test run uses: /healthz asks both.
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "0",
        "CIVIC_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            GUNICORN,
            *image_command()[1:],
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
                    status, health = r.status, json.loads(r.read())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert status == 200
        assert health["status"] == "ok"
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    # The access log on stdout, one line a request.
    assert '"GET /healthz HTTP/1.1" 200' in out
    assert "Booting worker" in err
    assert "Traceback" not in err
