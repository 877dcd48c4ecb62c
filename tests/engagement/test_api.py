"""/api/v1/p/<slug>/activities/: the log over the API, through the same
services, with the same roles and 404s."""

import datetime
import json

from django.urls import reverse

from engagement.models import Activity, ComputedKind, ContinuumLevel
from engagement.services import ComputationInput, computed_measure_set
from kpis.models import QuarterlyValue
from tests.api import bearer, post_json
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

D = datetime.date


def _list(log):
    return reverse("api:activity_list", kwargs={"slug": log.partnership.slug})


def _detail(log, pk):
    return reverse(
        "api:activity_detail", kwargs={"slug": log.partnership.slug, "pk": pk}
    )


def _body(log, **changes):
    body = {
        "title": "Youth forum",
        "starts_on": "2026-08-03",
        "status": "held",
        "level": "forums_for_debate",
        "organisations": [log.council.pk],
        "communities": [log.eastmoor.pk],
        "standards_met": [log.standard.pk],
        "participants": 22,
        "participant_breakdown": {str(log.young_people.pk): 20},
    }
    body.update(changes)
    return body


def test_a_lead_logs_an_activity_and_reads_it_back(client, log):
    response = post_json(client, _list(log), _body(log), bearer(log.council_lead))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["starts_on"] == data["ends_on"] == "2026-08-03"
    assert data["level"] == "forums_for_debate"
    assert data["level_name"] == "Forums for debate"
    assert data["participants"] == 22
    assert data["participant_breakdown"] == {str(log.young_people.pk): 20}
    assert data["standards_met"] == [{"id": log.standard.pk, "name": "Feedback given"}]
    assert data["organisations"] == [{"id": log.council.pk, "name": "Council"}]
    listed = client.get(_list(log), headers=bearer(log.viewer)).json()
    assert [a["title"] for a in listed["results"]] == ["Youth forum"]


def test_the_api_refuses_what_the_form_refuses(client, log):
    response = post_json(
        client,
        _list(log),
        _body(log, organisations=[log.health.pk], participants=None),
        bearer(log.council_lead),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["organisations"] == [
        "Include your own organisation: project leads log their "
        "organisation's activity."
    ]
    assert errors["participants"] == [
        "Say how many people took part (0 if nobody came)."
    ]
    response = post_json(
        client,
        _list(log),
        _body(log, participant_breakdown={"young": 3}),
        bearer(log.council_lead),
    )
    assert response.status_code == 400
    assert "participant_breakdown" in response.json()["errors"]
    assert not Activity.objects.exists()


def test_roles_and_another_partnerships_activity(client, log):
    activity = log.activity(actor=log.council_lead)
    response = post_json(client, _list(log), _body(log), bearer(log.viewer))
    assert response.status_code == 403
    response = client.put(
        _detail(log, activity.pk),
        json.dumps(_body(log, organisations=[log.health.pk])),
        content_type="application/json",
        headers=bearer(log.health_lead),
    )
    assert response.status_code == 403
    other = PartnershipFactory()
    outsider = MembershipFactory(partnership=other, role="admin").user
    url = reverse("api:activity_detail", kwargs={"slug": other.slug, "pk": activity.pk})
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    assert client.delete(url, headers=bearer(outsider)).status_code == 404
    assert client.get(_list(log), headers=bearer(outsider)).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_changes_and_deletes_recompute_the_measures(client, log):
    measure = MeasureFactory(partnership=log.partnership)
    computed_measure_set(
        partnership=log.partnership,
        actor=log.admin,
        measure=measure,
        data=ComputationInput(kind=ComputedKind.PARTICIPANTS),
    )
    created = post_json(client, _list(log), _body(log), bearer(log.admin)).json()
    figure = QuarterlyValue.objects.get(measure=measure, period__quarter=2)
    assert figure.value == 22
    response = client.put(
        _detail(log, created["id"]),
        json.dumps(_body(log, participants=30, level=ContinuumLevel.EMPOWERMENT)),
        content_type="application/json",
        headers=bearer(log.admin),
    )
    assert response.status_code == 200
    assert response.json()["level_name"] == "Empowerment"
    figure.refresh_from_db()
    assert figure.value == 30
    response = client.delete(_detail(log, created["id"]), headers=bearer(log.admin))
    assert response.status_code == 204
    figure.refresh_from_db()
    assert figure.value == 0


def test_the_list_filters_by_dates_level_and_organisation(client, log):
    log.activity(title="May", starts_on=D(2026, 5, 4), ends_on=D(2026, 5, 4))
    log.activity(
        title="August",
        starts_on=D(2026, 8, 3),
        ends_on=D(2026, 8, 3),
        organisation_ids=[log.health.pk],
        level=ContinuumLevel.EMPOWERMENT,
    )
    headers = bearer(log.viewer)

    def titles(query):
        response = client.get(_list(log) + query, headers=headers)
        assert response.status_code == 200
        return [a["title"] for a in response.json()["results"]]

    assert titles("?starts_from=2026-06-01") == ["August"]
    assert titles("?ends_by=2026-06-01") == ["May"]
    assert titles("?level=empowerment") == ["August"]
    assert titles(f"?organisation={log.council.pk}") == ["May"]
    response = client.get(_list(log) + "?level=shouting", headers=headers)
    assert response.status_code == 400


def test_the_list_costs_the_same_queries_however_long_the_log(
    client, log, django_assert_max_num_queries
):
    for day in range(1, 26):
        log.activity(
            title=f"Session {day}",
            starts_on=D(2026, 5, day),
            ends_on=D(2026, 5, day),
            community_ids=[log.eastmoor.pk],
            standard_ids=[log.standard.pk],
        )
    headers = bearer(log.viewer)
    with django_assert_max_num_queries(16):
        response = client.get(_list(log), headers=headers)
    assert response.json()["count"] == 25
