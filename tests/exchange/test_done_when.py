"""Issue 6's "done when", end to end: seed 001's action plan in through the
framework template, four quarters of figures in from a spreadsheet, read back
through the API with a token, and out again as XLSX."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exchange.models import ImportStatus
from exchange.spreadsheets import read_upload
from exchange.values import values_template_rows
from kpis.models import PerformanceMeasure, QuarterlyValue, ValueType
from kpis.selectors import current_quarter
from partnerships.models import Membership, Role
from partnerships.services import api_token_create
from tests.factories import MembershipFactory, PartnershipFactory

from .helpers import checked_job, confirmed, csv_upload, messages_of

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import"


def figures_for(kind: str, index: int) -> tuple:
    """A plausible figure of each kind: (value, numerator, denominator)."""
    if kind in (ValueType.PERCENTAGE, ValueType.NUMBER_AND_PERCENTAGE):
        return None, 10 + index % 5, 20
    if kind == ValueType.MILESTONE:
        return 1, None, None
    return 5 + index % 7, None, None


def test_seed_001_in_four_quarters_of_figures_read_through_the_api_and_exported(
    django_capture_on_commit_callbacks,
):
    partnership = PartnershipFactory(reporting_year_start_month=4)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    content = (DOCS / "community-cohesion-framework.xlsx").read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(
            partnership,
            admin,
            SimpleUploadedFile("framework.xlsx", content),
            kind="framework",
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        assert confirmed(job, admin).status == ImportStatus.DONE

    membership = Membership.objects.get(partnership=partnership, user=admin)
    quarters = current_quarter(partnership=partnership).previous().back(4)
    rows = []
    for quarter in quarters:
        for index, row in enumerate(
            values_template_rows(membership=membership, quarter=quarter)
        ):
            label, code, name, kind_label = row[:4]
            kind = PerformanceMeasure.objects.get(
                partnership=partnership, code=code
            ).value_type
            value, numerator, denominator = figures_for(kind, index)
            rows.append(
                [label, code, name, kind_label, value, numerator, denominator, ""]
            )
    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(partnership, admin, csv_upload(rows))
        assert job.status == ImportStatus.READY, messages_of(job)
        assert confirmed(job, admin).status == ImportStatus.DONE
    stored = QuarterlyValue.objects.filter(partnership=partnership)
    assert stored.count() == len(rows) > 150

    _token, secret = api_token_create(user=admin, name="Data warehouse")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = quarters[0]
    response = api.get(
        f"/api/v1/p/{partnership.slug}/values/",
        {"period": first.key, "page_size": 500},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(rows) // 4
    by_code = {item["measure"]: item for item in body["results"]}
    some = stored.filter(
        period__year=first.year,
        period__quarter=first.quarter,
        measure__value_type=ValueType.COUNT,
    ).select_related("measure")[0]
    assert Decimal(str(by_code[some.measure.code]["value"])) == some.value

    browser = Client()
    browser.force_login(admin)
    export = browser.get(
        reverse("exchange:values_export", kwargs={"slug": partnership.slug}),
        {"format": "xlsx"},
    )
    assert export.status_code == 200
    book = read_upload(
        b"".join(export.streaming_content) if export.streaming else export.content,
        filename="figures.xlsx",
    )
    # The figures sheet (the year summary and breakdowns sheets follow it).
    exported = [cells for _n, cells in book.sheet("Values").rows]
    assert len(exported) == len(rows)
