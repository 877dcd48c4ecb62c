"""Settings read from the environment, checked in a fresh interpreter each."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.production")
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["reports"]
print(json.dumps({
    "backend": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "location": str(storage.location),
    "visibility": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "max_memory": settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD,
}))
"""


def probe(**env) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civic.settings.production",
            "DJANGO_SECRET_KEY": "probe",
            "CIVIC_ADMIN_PATH": "staff-probe/",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout if result.returncode == 0 else result.stderr


def test_reports_are_stored_on_the_filesystem_under_the_var_dir_by_default(tmp_path):
    status, output = probe(CIVIC_VAR_DIR=str(tmp_path))
    assert status == 0, output
    found = json.loads(output)
    assert found["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert found["location"] == str(tmp_path / "reports")
    assert found["visibility"] == 900  # three times the 300 s render limit
    assert found["max_memory"] == 400 * 1024


def test_an_s3_compatible_bucket_is_chosen_by_settings_alone():
    status, output = probe(
        CIVIC_REPORTS_BUCKET="civic-reports",
        CIVIC_REPORTS_S3_ENDPOINT_URL="https://objects.example.ac.uk",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert status == 0, output
    found = json.loads(output)
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "civic-reports"
    assert found["endpoint"] == "https://objects.example.ac.uk"
    assert found["location"] == "reports"


def test_a_visibility_timeout_shorter_than_a_render_is_refused():
    status, output = probe(
        CIVIC_REPORT_TIME_LIMIT="300", CELERY_VISIBILITY_TIMEOUT="300"
    )
    assert status != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer" in output
