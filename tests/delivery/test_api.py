"""The action plan's API: the same services, the same roles, the same 404s."""

import json

import pytest
from django.urls import reverse

from delivery.models import ActionUpdate
from kpis.models import ReviewStatus
from kpis.selectors import current_quarter
from tests.api import bearer, post_json
from tests.delivery.helpers import make_plan, write_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def plan():
    return make_plan()


def api(name, plan, **kwargs):
    return reverse(f"api:{name}", kwargs={"slug": plan.partnership.slug, **kwargs})


def test_the_list_gives_each_action_its_agencies_status_and_latest_update(client, plan):
    now = current_quarter(partnership=plan.partnership)
    write_update(plan, quarter=now.previous(), progress="Earlier")
    write_update(plan, quarter=now)
    response = client.get(api("action_list", plan), headers=bearer(plan.viewer))
    assert response.status_code == 200
    (action,) = response.json()
    assert action["name"] == "Develop a community engagement data base"
    assert sorted(action["lead_agencies"]) == ["NHSWD", "WMDC"]
    assert action["status"] == "at_risk"
    latest = action["latest_update"]
    assert latest["quarter"] == now.key
    assert latest["risks"][0]["rating"] == "high"
    assert latest["review_status"] == "draft"


def test_admins_create_actions_and_bad_input_is_a_precise_400(client, plan):
    body = {
        "name": "Development of programme of partnership roadshows.",
        "lead_agencies": ["WMDC", "Nowhere Council"],
        "lead_person": plan.lead.email,
    }
    response = post_json(client, api("action_list", plan), body, bearer(plan.admin))
    assert response.status_code == 400
    assert "Nowhere Council" in json.dumps(response.json()["errors"]["lead_agencies"])
    body["lead_agencies"] = ["WMDC"]
    response = post_json(client, api("action_list", plan), body, bearer(plan.lead))
    assert response.status_code == 403
    response = post_json(client, api("action_list", plan), body, bearer(plan.admin))
    assert response.status_code == 201
    assert response.json()["lead_agencies"] == ["WMDC"]
    assert response.json()["lead_person"] == plan.lead.email


def test_the_update_cycle_through_the_api(client, plan):
    now = current_quarter(partnership=plan.partnership)
    lead, admin = bearer(plan.lead), bearer(plan.admin)
    updates_url = api("action_update_list", plan, pk=plan.action.pk)
    response = post_json(
        client,
        updates_url,
        {"quarter": now.key, "status": "on_track", "progress": "", "risks": []},
        lead,
    )
    assert response.status_code == 400
    assert "progress" in response.json()["errors"]
    response = post_json(
        client,
        updates_url,
        {
            "quarter": now.key,
            "status": "at_risk",
            "progress": "Agreement to fund dedicated member of staff.",
            "risks": [{"risk": "IT problems", "rating": "high"}],
            "next_steps": [{"step": "Negotiations commenced with IT"}],
        },
        lead,
    )
    assert response.status_code == 200, response.json()
    update_id = response.json()["id"]
    submit = reverse(
        "api:quarter_submit", kwargs={"slug": plan.partnership.slug, "key": now.key}
    )
    response = post_json(client, submit, {}, lead)
    assert response.status_code == 200, response.json()
    # The quarter's submit sends the lead's action updates with the figures.
    assert ActionUpdate.objects.get().review_status == ReviewStatus.SUBMITTED
    approve = api("action_update_approve", plan, pk=update_id)
    assert post_json(client, approve, {}, lead).status_code == 403
    response = post_json(client, approve, {}, admin)
    assert response.json()["review_status"] == "approved"
    assert ActionUpdate.objects.get().review_status == ReviewStatus.APPROVED


def test_another_partnerships_actions_and_updates_are_404s(client, plan):
    other = make_plan()
    update = write_update(other)
    headers = bearer(plan.admin)
    assert (
        client.get(api("action_detail", plan, pk=other.action.pk), headers=headers)
    ).status_code == 404
    assert (
        post_json(client, api("action_update_approve", plan, pk=update.pk), {}, headers)
    ).status_code == 404
    assert (client.get(api("action_list", other), headers=headers)).status_code == 404
