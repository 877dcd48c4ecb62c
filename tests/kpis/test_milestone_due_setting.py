"""A milestone's due quarter is set in the strategy editor, the API and the
framework workbook, through the same service, with the same refusals."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from exchange.framework import MEASURES
from exchange.models import ImportStatus
from exchange.spreadsheets import SheetSpec, xlsx_bytes
from kpis.models import Aggregation, PerformanceMeasure, ValueType
from partnerships.models import Role
from tests.api import bearer
from tests.exchange.helpers import checked_job, confirmed, messages_of
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

DUE = [c.key for c in MEASURES].index("due_quarter")


@pytest.fixture
def team():
    partnership = PartnershipFactory(reporting_year_start_month=4)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    milestone = MeasureFactory(
        partnership=partnership,
        code="MS-1",
        name="Business plan agreed",
        value_type=ValueType.MILESTONE,
        aggregation=Aggregation.LATEST,
    )
    count = MeasureFactory(partnership=partnership, code="CT-1")
    return partnership, admin, milestone, count


def edit_form(measure, **changes):
    return {
        "code": measure.code,
        "name": measure.name,
        "question": measure.question,
        "value_type": measure.value_type,
        "aggregation": measure.aggregation,
        "direction": measure.direction,
        "position": 0,
        **changes,
    }


def test_the_editor_sets_a_milestones_due_quarter(team):
    partnership, admin, milestone, _count = team
    client = Client()
    client.force_login(admin)
    url = reverse(
        "kpis:measure_edit", kwargs={"slug": partnership.slug, "pk": milestone.pk}
    )
    assert "Due quarter (milestones)" in client.get(url).content.decode()

    response = client.post(url, edit_form(milestone, due="2026-3"))
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone.refresh_from_db()
    assert (milestone.due_year, milestone.due_quarter) == (2026, 3)
    # The form shows it back as it was given.
    assert 'value="2026-3"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("which", "due", "message"),
    [
        ("count", "2026-3", "Only a milestone has a due quarter."),
        ("milestone", "2026-Q3", "Give the quarter as YYYY-Q, e.g. 2026-3."),
    ],
)
def test_the_editor_refuses_a_bad_due_quarter_beside_the_field(
    team, which, due, message
):
    partnership, admin, milestone, count = team
    measure = {"count": count, "milestone": milestone}[which]
    client = Client()
    client.force_login(admin)
    url = reverse(
        "kpis:measure_edit", kwargs={"slug": partnership.slug, "pk": measure.pk}
    )
    response = client.post(url, edit_form(measure, due=due))
    assert response.status_code == 400
    assert message in response.content.decode()
    measure.refresh_from_db()
    assert measure.due_year is None


def patch(partnership, code, body, user):
    return Client().patch(
        f"/api/v1/p/{partnership.slug}/measures/{code}/",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(user),
    )


def test_the_api_sets_reads_and_clears_the_due_quarter(team):
    partnership, admin, milestone, _count = team
    response = patch(partnership, "MS-1", {"due_quarter": "2027-1"}, admin)
    assert response.status_code == 200, response.json()
    assert response.json()["due_quarter"] == "2027-1"
    milestone.refresh_from_db()
    assert (milestone.due_year, milestone.due_quarter) == (2027, 1)

    cleared = patch(partnership, "MS-1", {"due_quarter": None}, admin)
    assert cleared.json()["due_quarter"] is None
    milestone.refresh_from_db()
    assert milestone.due_year is None


@pytest.mark.parametrize(
    ("code", "due", "message"),
    [
        ("CT-1", "2026-3", "Only a milestone has a due quarter."),
        ("MS-1", "2026-5", "Give the quarter as YYYY-Q, e.g. 2026-3."),
    ],
)
def test_the_api_refuses_a_bad_due_quarter_with_the_field(team, code, due, message):
    partnership, admin, _milestone, _count = team
    response = patch(partnership, code, {"due_quarter": due}, admin)
    assert response.status_code == 400
    assert response.json()["errors"]["due_quarter"] == [message]
    assert not PerformanceMeasure.objects.filter(due_year__isnull=False).exists()


def measures_workbook(rows):
    return xlsx_bytes([SheetSpec("Measures", [c.header for c in MEASURES], rows)])


def measure_row(code, kind, due):
    row = [""] * len(MEASURES)
    row[0], row[1], row[2], row[3] = (
        code,
        f"Measure {code}",
        "How much did we do?",
        kind,
    )
    row[DUE] = due
    return row


def upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("framework.xlsx", content)


def test_the_workbook_sets_due_quarters_and_exports_them(team, import_storage):
    partnership, admin, _milestone, _count = team
    job = checked_job(
        partnership,
        admin,
        upload(measures_workbook([measure_row("MS-2", "Milestone", "2026/27 Q4")])),
        kind="framework",
    )
    assert job.status == ImportStatus.READY, messages_of(job)
    confirmed(job, admin)
    imported = PerformanceMeasure.objects.get(partnership=partnership, code="MS-2")
    assert (imported.due_year, imported.due_quarter) == (2026, 4)

    from exchange.framework import framework_sheets

    sheets = {s.name: s for s in framework_sheets(partnership=partnership)}
    measures = sheets["Measures"]
    assert measures.headers[DUE] == "Due quarter"
    row = next(r for r in measures.rows if r[0] == "MS-2")
    assert row[DUE] == "2026/27 Q4"


def test_the_workbook_refuses_a_due_quarter_for_a_count(team, import_storage):
    partnership, admin, _milestone, _count = team
    job = checked_job(
        partnership,
        admin,
        upload(measures_workbook([measure_row("CT-2", "Count", "2026/27 Q4")])),
        kind="framework",
    )
    assert job.status == ImportStatus.REJECTED
    [problem] = job.problems
    assert (problem["column"], problem["message"]) == (
        "Due quarter",
        "Only a milestone has a due quarter.",
    )
