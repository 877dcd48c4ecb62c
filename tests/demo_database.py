"""The demo, loaded once per test session, in a database of its own.

A load takes seconds and most tests of the demo only read it. The first test
that asks for it makes ``<test database>_demo``: a copy (``CREATE DATABASE
... TEMPLATE``) of the freshly migrated, still empty test database, with the
demo loaded into it as of ``DEMO_TODAY``. Then:

* ``demo_database`` (class scope): the class's tests run against that
  database, each in its own transaction rolled back at its end, as every
  test is; the connection goes back to the ordinary test database after the
  class, so the tests outside it never see the demo.
* ``demo_database_copy``: a transactional test (one with a live server,
  which commits and then empties the database) gets a fresh copy of its
  own, dropped after it.

Each yields the ``DemoResult`` of that one load. The live server's request
threads open their connections from the same settings, so they follow.
"""

import datetime
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import OperationalError, connection

from demo.loader import DemoResult, demo_load
from tests.database_roles import as_database_owner

# Civic mission: 2026/27 Q1 (Sep–Nov 2026); cohesion: 2026 Q3 (Oct–Dec 2026).
DEMO_TODAY = datetime.date(2026, 11, 15)
# Noon of that day, for the tests that read the demo's pages (the clock fixture).
DEMO_NOW = datetime.datetime.combine(DEMO_TODAY, datetime.time(12), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class DemoDatabase:
    name: str
    result: DemoResult


def _maintenance(sql: str) -> None:
    """Run a statement that cannot run inside the database it is about.

    As the owner role, which creates the test databases: a copy made by the
    runtime role would be the runtime role's, its schema included.
    """
    with as_database_owner(), connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def _clone(source: str, name: str) -> None:
    """Copy ``source`` into a new database ``name``.

    PostgreSQL copies only a database nobody is connected to; a Celery
    worker a test has just killed may take a moment to let go.
    """
    connection.close()
    _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    deadline = time.monotonic() + 10
    while True:
        try:
            _maintenance(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            return
        except OperationalError as error:
            if "is being accessed by other users" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def _connected_to(name: str):
    settings_dict = connection.settings_dict
    previous = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = previous


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker):
    empty = connection.settings_dict["NAME"]
    name = f"{empty}_demo"
    with django_db_blocker.unblock():
        _clone(empty, name)
        with _connected_to(name):
            result = demo_load(today=DEMO_TODAY)
    yield DemoDatabase(name=name, result=result)
    with django_db_blocker.unblock():
        _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="class")
def demo_database(demo_template):
    with _connected_to(demo_template.name):
        yield demo_template.result


@pytest.fixture
def demo_database_copy(demo_template, django_db_blocker):
    name = f"{demo_template.name}_copy"
    with django_db_blocker.unblock():
        _clone(demo_template.name, name)
    with _connected_to(name):
        yield demo_template.result
    with django_db_blocker.unblock():
        _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
