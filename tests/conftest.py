import pytest
from django.db import connection

from tests.demo_database import (  # noqa: F401 (fixtures)
    demo_database,
    demo_database_copy,
    demo_template,
)


@pytest.fixture(autouse=True)
def platform_context(request):
    """Let a test's own set-up see and write every partnership's rows.

    Row-level security admits nothing without a tenant context. Tests build
    data for several partnerships, so inside the test transaction they run as
    the platform would; each request made through the test client sets its own
    narrower context (the tenant middleware) and restores this one after.
    Tests that prove the isolation open their own ``tenancy.scope``.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    if (marker or "db" in request.fixturenames) and not transactional:
        request.getfixturevalue("db")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('civic.platform', 'on', true)")
    yield


@pytest.fixture
def report_storage(settings, tmp_path):
    """Finished PDFs go to a fresh folder for each test."""
    location = tmp_path / "reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "allow_overwrite": True},
        },
    }
    return location


@pytest.fixture
def import_storage(settings, tmp_path):
    """Uploaded spreadsheets go to a fresh folder for each test."""
    location = tmp_path / "imports"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location
