"""The API against its own OpenAPI schema, with schemathesis.

Every operation of the schema is called with generated requests, valid and
invalid, as an admin of a seeded partnership authenticated by token: no
answer may be a server error, and every answer (its status code, content
type, headers and body) must be one the schema documents. The number of
cases is bounded so that the run stays well under a minute.

The schema is the one /api/v1/schema/ serves (the same generator; the
serving itself is tested in tests/partnerships/test_api.py), built at import
so that schemathesis can make one test per operation. Requests go straight
into Django's WSGI handler in this thread, so they run inside the test's
transaction and see its data, through row-level security as usual.
"""

import json
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api import bearer
from tests.reports.framework import build_framework

SLUG = "bro-dyfrdwy"  # build_framework's partnership
MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    config = schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
            # The seeded partnership, so that generated requests get past the
            # tenant check; other slugs are 404 (tests/partnerships/test_api.py).
            "parameters": {"path.slug": SLUG},
        }
    )
    loaded = schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(document)), config=config
    )
    loaded.app = WSGIHandler()
    return loaded


schema = _load_schema()
calls = {"cases": 0, "seconds": 0.0}


@pytest.fixture
def token_headers(db):
    # As Django's test client does: the end of a request must not close the
    # connection that holds the test's transaction (and so its data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _partnership, admin, _expected = build_framework()
    yield bearer(admin)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def report_count(request):
    yield
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter and capture and calls["cases"]:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {calls['cases']} cases in {calls['seconds']:.1f} s"
            )


@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_schema_says(case, token_headers):
    started = time.perf_counter()
    case.call_and_validate(headers=token_headers, checks=CHECKS)
    calls["cases"] += 1
    calls["seconds"] += time.perf_counter() - started
