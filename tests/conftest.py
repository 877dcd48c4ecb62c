import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import TransactionTestCase
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.database_roles import as_database_owner
from tests.demo_database import (  # noqa: F401 (fixtures)
    demo_database,
    demo_database_copy,
    demo_template,
)

# The suite runs on shared machines (CI, several runs at once): hypothesis's
# wall-clock checks then measure the machine's load, not the property. Its
# too_slow health check failed test_the_quarter_containing_a_day_runs_over_that_day
# with 6 inputs drawn in 1.15 s on a loaded machine, and the 200 ms deadline
# per example would do the same to any property that touches the database.
# Every property's assertions and number of examples are unchanged.
hypothesis_settings.register_profile(
    "civic", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("civic")

# The instant a test that depends on today pins its clock to, unless its
# ``clock`` marker names another: mid-November, well inside a quarter for
# every year-start month (and Q1 of a September year, Q3 of an April one).
PINNED_NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The owner role creates and migrates the test database; tests run as
    the runtime role, which owns nothing (pytest-django's own fixture, with
    the roles switched around it)."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock(), as_database_owner():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose, interactive=False, keepdb=keepdb
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock(), as_database_owner():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


_transactional_teardown = TransactionTestCase._fixture_teardown


def _transactional_teardown_as_owner(self):
    # A transactional test's database is emptied with TRUNCATE, which only
    # the tables' owner may run.
    with as_database_owner():
        _transactional_teardown(self)


TransactionTestCase._fixture_teardown = _transactional_teardown_as_owner


@pytest.fixture
def clock(request):
    """Pin the clock of this process, the live server's thread included.

    For tests whose data or expectations are laid out relative to today (the
    current quarter, deadlines, the quarter being reported): however the
    machine's own clock is set, and even when it would cross midnight into a
    new quarter half-way through, the test sees the same day. The clock ticks
    on from the pinned instant, so waits and timeouts behave. Mark a test or
    module ``@pytest.mark.clock(datetime)`` to pin another instant; the
    fixture yields the ``time_machine`` traveller, whose ``move_to`` steps to
    a later day.
    """
    marker = request.node.get_closest_marker("clock")
    when = marker.args[0] if marker else PINNED_NOW
    with time_machine.travel(when, tick=True) as traveller:
        yield traveller


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
        from partnerships import tenancy

        request.getfixturevalue("db")
        tenancy.set_platform()
    yield


@pytest.fixture(autouse=True)
def second_factor_with_force_login(monkeypatch):
    """A test client's force_login signs in fully, second factor included,
    as a person who must have one would after a real sign-in. The requirement
    stays on: tests/partnerships/test_mfa.py signs in through the pages."""
    from django.test import Client

    from tests.mfa import force_login_with_second_factor

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


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


@pytest.fixture(autouse=True)
def english_between_tests():
    """Each test starts, and leaves the next, in the site's language.

    A request the test client makes to a /cy/ page activates Welsh in the
    test's own thread (the locale middleware activates, never deactivates),
    so a ``reverse()`` after it would give Welsh addresses, in this test and
    the next, and the next test's factories would write their texts into the
    Welsh columns (django-modeltranslation writes the active language's).
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
