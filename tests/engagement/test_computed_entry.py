"""A computed measure's figures cannot be entered by any path: the entry
form, the API and the import all say why beside the value."""

import datetime

import pytest
from django.urls import reverse

from engagement.models import ComputedKind
from engagement.services import ComputationInput, computed_measure_set
from exchange.models import ImportStatus
from kpis.models import QuarterlyValue
from tests.api import bearer, post_json
from tests.exchange.helpers import checked_job, csv_upload
from tests.factories import MeasureFactory, MeasureLeadFactory

MESSAGE = (
    "This measure is computed from the engagement log, so its figures cannot "
    "be entered: log the activity instead."
)


@pytest.fixture
def computed(log):
    measure = MeasureFactory(
        partnership=log.partnership, code="EN-01", name="Activities held"
    )
    MeasureLeadFactory(measure=measure, user=log.council_lead)
    log.activity(
        starts_on=datetime.date(2026, 10, 5), ends_on=datetime.date(2026, 10, 5)
    )
    computed_measure_set(
        partnership=log.partnership,
        actor=log.admin,
        measure=measure,
        data=ComputationInput(kind=ComputedKind.ACTIVITIES),
    )
    measure.refresh_from_db()
    return measure


def _stored(measure):
    return list(
        QuarterlyValue.objects.filter(measure=measure).values_list(
            "period__quarter", "value", "version"
        )
    )


def test_the_entry_form_shows_it_read_only_and_refuses_a_post(client, log, computed):
    client.force_login(log.council_lead)
    url = reverse("kpis:my_measures", kwargs={"slug": log.partnership.slug})
    page = client.get(url).content.decode()
    assert "Computed from the engagement log: it changes as the log does" in page
    assert f'name="m{computed.pk}-value"' not in page
    response = client.post(url, {"measure": computed.pk, f"m{computed.pk}-value": "9"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert _stored(computed) == [(3, 1, 1)]


def test_the_api_refuses_it_beside_the_value(client, log, computed):
    response = post_json(
        client,
        reverse("api:value_bulk", kwargs={"slug": log.partnership.slug}),
        {"year": 2026, "quarter": 3, "values": [{"measure": "EN-01", "value": "9"}]},
        bearer(log.admin),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["values"]["0"]["value"] == [MESSAGE]
    assert _stored(computed) == [(3, 1, 1)]


def test_the_import_refuses_it_beside_the_value(log, computed):
    job = checked_job(
        log.partnership,
        log.admin,
        csv_upload([["2026/27 Q3", "EN-01", "", "", "9", "", "", ""]]),
    )
    assert job.status == ImportStatus.REJECTED
    assert [(p["column"], p["message"]) for p in job.problems] == [("Value", MESSAGE)]
    assert _stored(computed) == [(3, 1, 1)]


def test_the_measure_page_says_it_is_computed_and_the_history_shows_it(
    client, log, computed
):
    client.force_login(log.viewer)
    page = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": log.partnership.slug, "pk": computed.pk},
        )
    ).content.decode()
    assert "Its quarterly figures are computed from the" in page
    assert "Computed from the engagement log" in page
