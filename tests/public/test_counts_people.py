"""Per measure "counts people": disclosure control applies to counts and
percentages of people, not to counts of events; editable in the measure
editor, the API and the framework workbook, shown on the publishing page."""

import io
import json
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from engagement.models import ComputedKind
from engagement.services import ComputationInput, computed_measure_set
from exchange.framework import framework_file
from exchange.models import ImportStatus
from kpis import recording, services
from kpis.models import Aggregation, PerformanceMeasure, ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from tests.api import bearer
from tests.exchange.helpers import checked_job, confirmed, messages_of
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory
from tests.public.published import YEAR, build_published, publish

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16 10:00")]


def test_a_new_measure_counts_people_unless_told():
    assert PerformanceMeasure._meta.get_field("counts_people").default is True
    assert MeasureFactory().counts_people


def events_measure(published, counts_people: bool):
    """Activities held: 2 in the first quarter, 3 in the second."""
    measure = MeasureFactory(
        partnership=published.partnership,
        code="BL-05",
        name="Welcome sessions held",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        outcome=None,
        priority=published.sessions.priority,
        counts_people=counts_people,
    )
    for q, held in ((1, 2), (2, 3)):
        recording.quarterly_value_record(
            partnership=published.partnership,
            measure=measure,
            period=services.period_get_or_create(
                partnership=published.partnership, quarter=Quarter(YEAR, q, 4)
            ),
            actor=published.admin.user,
            value=D(held),
        )
    publish(
        published.partnership,
        published.admin,
        [published.sessions, published.rate, measure],
        priority_ids=[published.sessions.priority_id],
    )
    return measure


def open_data(client, measure):
    document = client.get(
        reverse("public:open_data_json", kwargs={"slug": "welcome-valley"})
    ).json()
    return {
        (row["quarter"], row["category"]): (row["value"], row["disclosure"])
        for row in document["figures"]
        if row["measure_code"] == measure.code
    }


@pytest.mark.parametrize(
    ("counts_people", "expected"),
    [
        (False, {("", ""): ("5", "shown"), (1, ""): ("2", "shown")}),
        (True, {("", ""): ("5", "shown"), (1, ""): (None, "small")}),
    ],
)
def test_small_counts_of_events_are_published_as_they_are(
    client, clock, counts_people, expected
):
    published = build_published(slug="welcome-valley", name="Welcome Valley")
    measure = events_measure(published, counts_people)
    figures = open_data(client, measure)
    for key, value in expected.items():
        assert figures[key] == value
    page = client.get(
        reverse("public:measure", kwargs={"slug": "welcome-valley", "pk": measure.pk})
    ).content.decode()
    cell = 'data-label="Figure">{}</td>'
    assert (cell.format("fewer than 5") in page) is counts_people
    assert (cell.format("2") in page) is not counts_people
    # People are still protected on the same page.
    assert open_data(client, published.sessions)[(1, "Children")][1] == "small"


def test_the_publishing_page_says_which_measures_count_people(client, clock):
    published = build_published(slug="welcome-valley", name="Welcome Valley")
    events_measure(published, counts_people=False)
    client.force_login(published.admin.user)
    html = client.get(
        reverse("publishing:publishing", kwargs={"slug": "welcome-valley"})
    ).content.decode()
    assert (
        "BL-01 People at welcome sessions (counts people: small numbers withheld)"
        in html
    )
    assert "BL-05 Welcome sessions held (counts no one: shown in full)" in html


def test_the_measure_editor_sets_it(client):
    measure = MeasureFactory(value_type=ValueType.COUNT, aggregation=Aggregation.SUM)
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(admin.user)
    address = reverse(
        "kpis:measure_edit",
        kwargs={"slug": measure.partnership.slug, "pk": measure.pk},
    )
    page = client.get(address)
    assert page.status_code == 200
    assert 'name="counts_people"' in page.content.decode()
    data = {
        "code": measure.code,
        "name": measure.name,
        "question": measure.question,
        "value_type": measure.value_type,
        "aggregation": measure.aggregation,
        "direction": measure.direction,
        "position": 0,
    }
    # Unticked: counts events.
    response = client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    measure.refresh_from_db()
    assert measure.counts_people is False
    response = client.post(address, data | {"counts_people": "on"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.counts_people is True


def api(partnership, path=""):
    return f"/api/v1/p/{partnership.slug}/{path}"


def send(method, url, body, headers):
    return getattr(Client(), method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_api_reads_and_writes_it():
    partnership = PartnershipFactory()
    headers = bearer(MembershipFactory(partnership=partnership, role=Role.ADMIN).user)
    created = send(
        "post",
        api(partnership, "measures/"),
        {
            "code": "H-1",
            "name": "Sessions held",
            "question": "how_much",
            "value_type": "count",
        },
        headers,
    )
    assert created.status_code == 201, created.json()
    assert created.json()["counts_people"] is True
    changed = send(
        "patch", api(partnership, "measures/H-1/"), {"counts_people": False}, headers
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["counts_people"] is False
    assert not PerformanceMeasure.objects.get(code="H-1").counts_people
    refused = send(
        "patch", api(partnership, "measures/H-1/"), {"counts_people": "maybe"}, headers
    )
    assert refused.status_code == 400
    assert "counts_people" in refused.json()["errors"]


def test_the_framework_workbook_has_the_column_and_imports_it(
    django_capture_on_commit_callbacks,
):
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    MeasureFactory(partnership=partnership, code="A1", outcome=None)
    MeasureFactory(
        partnership=partnership, code="A2", outcome=None, counts_people=False
    )
    book = load_workbook(io.BytesIO(framework_file(partnership=partnership)))
    sheet = book["Measures"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Counts people")
    assert {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)} == {
        "A1": "yes",
        "A2": "no",
    }
    # Swapped in the sheet and imported: written; an empty cell keeps it.
    for row in sheet.iter_rows(min_row=2):
        row[column].value = {"A1": "no", "A2": "yes"}[row[0].value]
    MeasureFactory(
        partnership=partnership, code="A3", outcome=None, counts_people=False
    )
    out = io.BytesIO()
    book.save(out)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(
            partnership,
            admin,
            SimpleUploadedFile("framework.xlsx", out.getvalue()),
            kind="framework",
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    stored = dict(
        PerformanceMeasure.objects.filter(partnership=partnership).values_list(
            "code", "counts_people"
        )
    )
    assert stored == {"A1": False, "A2": True, "A3": False}
    bad = load_workbook(io.BytesIO(framework_file(partnership=partnership)))
    bad["Measures"].cell(row=2, column=column + 1).value = "perhaps"
    out = io.BytesIO()
    bad.save(out)
    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(
            partnership,
            admin,
            SimpleUploadedFile("framework.xlsx", out.getvalue()),
            kind="framework",
        )
    assert job.status == ImportStatus.REJECTED
    assert "Write yes or no." in json.dumps(messages_of(job), ensure_ascii=False)


def test_activities_held_computed_from_the_log_count_no_one():
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    activities = MeasureFactory(
        partnership=partnership, value_type=ValueType.COUNT, aggregation="sum"
    )
    participants = MeasureFactory(
        partnership=partnership, value_type=ValueType.COUNT, aggregation="sum"
    )
    for measure, kind in (
        (activities, ComputedKind.ACTIVITIES),
        (participants, ComputedKind.PARTICIPANTS),
    ):
        computed_measure_set(
            partnership=partnership,
            actor=admin,
            measure=measure,
            data=ComputationInput(kind=kind),
        )
        measure.refresh_from_db()
    assert activities.counts_people is False
    assert participants.counts_people is True
