"""The action plan's pages: who sees and does what, and another partnership's 404."""

import pytest
from django.test import Client
from django.urls import reverse

from delivery.models import ActionStatus, ActionUpdate
from kpis.models import ReviewStatus
from kpis.selectors import current_quarter
from tests.delivery.helpers import make_plan, write_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, plan, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": plan.partnership.slug, **kwargs})


@pytest.fixture
def plan():
    return make_plan()


def test_the_action_plan_shows_the_seeds_columns_and_the_rows(plan):
    write_update(plan, quarter=current_quarter(partnership=plan.partnership))
    response = as_user(plan.viewer).get(url("action_plan", plan))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Action and lead agencies",
        "Progress",
        "Risks",
        "Next steps and timescales",
    ):
        assert heading in html
    assert "Develop a community engagement data base" in html
    assert "WMDC" in html and "NHSWD" in html
    assert "IT problems identified re multi-agency input" in html
    assert "High risk" in html
    assert "Negotiations commenced with IT" in html


def test_the_action_plan_filters_by_organisation_priority_outcome_and_status(plan):
    other = make_plan(plan.partnership, name="Training of community researchers")
    # The second action: led by NHSWD only, and complete.
    other.action.actionleadagency_set.filter(organisation=plan.wmdc).delete()
    other.action.status = ActionStatus.COMPLETE
    other.action.save(update_fields=["status"])
    client = as_user(plan.viewer)

    def names(**query):
        html = client.get(url("action_plan", plan), query).content.decode()
        return {
            name
            for name in (plan.action.name, other.action.name)
            if f">{name}</a>" in html
        }

    assert names() == {plan.action.name, other.action.name}
    assert names(organisation=plan.wmdc.pk) == {plan.action.name}
    assert names(status="complete") == {other.action.name}
    assert names(priority=plan.priority.pk) == {plan.action.name}
    assert names(outcome=other.outcome.pk) == {other.action.name}
    assert names(status="nonsense", priority="x") == {
        plan.action.name,
        other.action.name,
    }


def test_overdue_actions_and_updates_are_flagged(plan, clock):
    now = current_quarter(partnership=plan.partnership)
    # Due two quarters ago, still on track, and no update for last quarter.
    plan.action.due_period = plan.period.__class__.objects.get_or_create(
        partnership=plan.partnership,
        year=now.previous().previous().year,
        quarter=now.previous().previous().quarter,
        defaults={
            "starts_on": now.previous().previous().starts_on,
            "ends_on": now.previous().previous().ends_on,
        },
    )[0]
    plan.action.start_period = None
    plan.action.save(update_fields=["due_period", "start_period"])
    clock.move_to(plan.partnership.deadline_for(now.previous()).isoformat() + "T23:59Z")
    html = as_user(plan.viewer).get(url("action_plan", plan)).content.decode()
    assert "Overdue" in html


def test_another_partnerships_action_is_a_404(plan):
    other = make_plan()
    client = as_user(plan.admin)
    for name in ("action_detail", "action_edit", "action_update"):
        response = client.get(url(name, plan, pk=other.action.pk))
        assert response.status_code == 404, name
    # Its update cannot be reviewed from here either.
    update = write_update(other, quarter=current_quarter(partnership=other.partnership))
    response = client.post(url("updates_review", plan), {"update": update.pk})
    assert response.status_code == 404
    # A stranger to the partnership gets a 404 for all of it.
    response = as_user(other.admin).get(url("action_plan", plan))
    assert response.status_code == 404


def test_who_may_open_what(plan):
    other = make_plan(plan.partnership, name="Training of community researchers")
    lead, viewer, admin = (as_user(u) for u in (plan.lead, plan.viewer, plan.admin))
    assert viewer.get(url("action_detail", plan, pk=plan.action.pk)).status_code == 200
    assert viewer.get(url("action_update", plan, pk=plan.action.pk)).status_code == 403
    assert viewer.get(url("my_quarter", plan)).status_code == 403
    assert lead.get(url("action_update", plan, pk=plan.action.pk)).status_code == 200
    # Another lead's action is theirs to update, not this lead's.
    assert lead.get(url("action_update", plan, pk=other.action.pk)).status_code == 403
    assert lead.get(url("action_add", plan)).status_code == 403
    assert lead.get(url("updates_review", plan)).status_code == 403
    assert admin.get(url("action_add", plan)).status_code == 200
    assert admin.get(url("updates_review", plan)).status_code == 200
    assert admin.get(url("action_update", plan, pk=other.action.pk)).status_code == 200


def test_the_lead_writes_an_update_and_submits_it_from_my_quarter(plan):
    now = current_quarter(partnership=plan.partnership)
    client = as_user(plan.lead)
    page = client.get(url("my_quarter", plan))
    assert "Write the update" in page.content.decode()
    response = client.post(
        url("action_update", plan, pk=plan.action.pk) + f"?quarter={now.key}",
        {
            "quarter": now.key,
            "status": "at_risk",
            "progress": "Agreement across partners to adopt VOICE standards.",
            "risk_0": "IT problems identified re multi-agency input.",
            "rating_0": "high",
            "step_0": "Negotiations commenced with IT",
            "timescale_0": "Next quarter",
        },
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert update.risks == [
        {"risk": "IT problems identified re multi-agency input.", "rating": "high"}
    ]
    my_quarter = url("my_quarter", plan) + f"?quarter={now.key}"
    response = client.post(
        reverse("kpis:my_measures_submit", kwargs={"slug": plan.partnership.slug})
        + f"?quarter={now.key}",
        {"next": my_quarter},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == my_quarter
    assert "Submitted 1 action update for review." in response.content.decode()
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.SUBMITTED


def test_a_bad_update_says_why_beside_the_field_and_saves_nothing(plan):
    now = current_quarter(partnership=plan.partnership)
    response = as_user(plan.lead).post(
        url("action_update", plan, pk=plan.action.pk),
        {
            "quarter": now.key,
            "status": "on_track",
            "progress": "",
            "risk_0": "Funding",
            "rating_0": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the risk a rating." in html
    assert "This field is required." in html
    assert not ActionUpdate.objects.exists()


def test_the_admin_approves_and_returns_on_the_review_page(plan):
    now = current_quarter(partnership=plan.partnership)
    update = write_update(plan, quarter=now)
    ActionUpdate.objects.filter(pk=update.pk).update(
        review_status=ReviewStatus.SUBMITTED
    )
    client = as_user(plan.admin)
    review_url = url("updates_review", plan) + f"?quarter={now.key}"
    page = client.get(review_url)
    assert plan.action.name in page.content.decode()
    response = client.post(
        review_url, {"quarter": now.key, "update": update.pk, "do": "return"}
    )
    assert response.status_code == 400
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.SUBMITTED
    client.post(
        review_url,
        {"quarter": now.key, "update": update.pk, "do": "return", "reason": "Dates?"},
    )
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.RETURNED
    assert update.return_reason == "Dates?"


def test_the_admin_adds_an_action_and_bad_input_is_refused(plan):
    client = as_user(plan.admin)
    response = client.post(url("action_add", plan), {"name": "", "status": "planned"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(
        url("action_add", plan),
        {
            "name": "Development of programme of partnership roadshows.",
            "status": "planned",
            "lead_agencies": [plan.wmdc.pk, plan.nhswd.pk],
            "lead_person": plan.lead.pk,
        },
    )
    assert response.status_code == 302
    action = plan.partnership.action_set.get(name__startswith="Development of")
    assert action.lead_agencies.count() == 2


def test_the_action_plan_reads_a_bounded_number_of_queries(
    plan, django_assert_max_num_queries
):
    for i in range(5):
        extra = make_plan(plan.partnership, name=f"Action {i}")
        write_update(extra, quarter=current_quarter(partnership=plan.partnership))
    client = as_user(plan.viewer)
    with django_assert_max_num_queries(25):
        assert client.get(url("action_plan", plan)).status_code == 200


def test_the_dashboard_loads_each_prioritys_actions_by_status(plan):
    make_plan(plan.partnership, name="Training of community researchers")
    client = as_user(plan.viewer)
    dashboard = client.get(
        reverse("reports:dashboard", kwargs={"slug": plan.partnership.slug})
    ).content.decode()
    by_status = url("actions_by_status", plan)
    assert f'href="{by_status}" hx-get="{by_status}"' in dashboard
    partial = client.get(by_status, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<section")
    assert plan.priority.name in partial
    assert '<span class="status__count">1</span> On track' in partial
    page = client.get(by_status)
    assert page.status_code == 200
    assert "<h1>" in page.content.decode()
