"""Failures stored as text before codes stay readable, the known ones in Welsh."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation

from exchange.models import ImportJob, ImportStatus
from partnerships import tenancy
from reports.models import AnnualReport, ReportStatus
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def migration(app: str):
    return importlib.import_module(
        f"{app}.migrations.0004_failure_codes_from_old_reasons"
    )


def test_the_migration_gives_known_old_reasons_their_codes_and_keeps_the_rest():
    partnership = PartnershipFactory()
    with tenancy.platform_scope():
        lost = AnnualReport.objects.create(
            partnership=partnership,
            year=2024,
            year_label="2024/25",
            data_version="a",
            status=ReportStatus.FAILED,
            failure_reason="The render was lost (no worker finished it). Ask again.",
        )
        other = AnnualReport.objects.create(
            partnership=partnership,
            year=2024,
            year_label="2024/25",
            data_version="b",
            status=ReportStatus.FAILED,
            failure_reason="The PDF could not be stored: disk full.",
        )
        empty = ImportJob.objects.create(
            partnership=partnership,
            kind="values",
            original_name="a.csv",
            file_name="a.csv",
            size_bytes=0,
            status=ImportStatus.REJECTED,
            failure_reason="The file is empty.",
        )
    # As migrate runs it: no tenant context of its own.
    with connection.schema_editor(atomic=False) as editor:
        migration("reports").forwards(apps, editor)
        migration("exchange").forwards(apps, editor)
    with tenancy.platform_scope():
        for row in (lost, other, empty):
            row.refresh_from_db()
    assert (lost.failure_code, lost.failure_reason) == ("lost", "")
    assert (empty.failure_code, empty.failure_reason) == ("file_empty", "")
    assert (other.failure_code, other.failure_reason) == (
        "",
        "The PDF could not be stored: disk full.",
    )
    with translation.override("cy"):
        assert lost.failure_message.startswith("Collwyd y gwaith")
        assert empty.failure_message == "Mae'r ffeil yn wag."
        assert other.failure_message == "The PDF could not be stored: disk full."
