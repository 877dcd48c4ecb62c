"""The framework's read endpoints: mission, priorities, outcomes, projects."""

import pytest
from django.urls import reverse

from outcomes.models import Project
from partnerships.models import Role
from tests.api import bearer
from tests.factories import (
    MembershipFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)
from tests.reports.framework import build_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    partnership, admin, _expected = build_framework()
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    return partnership, viewer


def get(client, name, partnership, user, params=None, **kwargs):
    url = reverse(name, kwargs={"slug": partnership.slug, **kwargs})
    return client.get(url, params or {}, headers=bearer(user))


def test_the_mission_and_priorities_in_order(client, framework):
    partnership, viewer = framework
    mission = get(client, "api:mission", partnership, viewer).json()
    assert mission == {
        "statement": "Every young person in the valley thrives by 2030",
        "target_year": 2030,
        "description": "",
        # No Welsh yet (outcomes/translation.py).
        "statement_cy": None,
        "description_cy": None,
    }
    priorities = get(client, "api:priority_list", partnership, viewer).json()
    assert priorities["count"] == 2
    assert [p["name"] for p in priorities["results"]] == [
        "Learning for life",
        "Keeping well",
    ]
    first = priorities["results"][0]
    detail = get(client, "api:priority_detail", partnership, viewer, pk=first["id"])
    assert detail.json() == first


def test_a_partnership_without_a_mission_answers_404(client):
    membership = MembershipFactory()
    response = get(client, "api:mission", membership.partnership, membership.user)
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_outcomes_filter_by_priority(client, framework):
    partnership, viewer = framework
    learning = partnership.priority_set.get(name="Learning for life")
    everything = get(client, "api:outcome_list", partnership, viewer).json()
    assert everything["count"] == 2
    mine = get(
        client, "api:outcome_list", partnership, viewer, {"priority": learning.pk}
    ).json()
    assert [o["statement"] for o in mine["results"]] == [
        "More children from every school take part"
    ]
    assert mine["results"][0]["priority"] == learning.pk
    assert mine["results"][0]["horizon"] == "short"
    bad = get(client, "api:outcome_list", partnership, viewer, {"priority": "x"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"priority": ["A valid integer is required."]}


def test_projects_name_their_lead(client, framework):
    partnership, viewer = framework
    outcome = partnership.outcome_set.first()
    Project.objects.create(
        partnership=partnership,
        name="Taster days",
        outcome=outcome,
        priority=outcome.priority,
        lead_person=viewer,
    )
    Project.objects.create(partnership=partnership, name="Summer school")
    data = get(client, "api:project_list", partnership, viewer).json()
    assert [p["name"] for p in data["results"]] == ["Summer school", "Taster days"]
    taster = data["results"][1]
    assert taster["lead_person"] == viewer.email
    assert taster["lead_organisation"] is None
    assert taster["status"] == "in_progress"
    by_outcome = get(
        client, "api:project_list", partnership, viewer, {"outcome": outcome.pk}
    ).json()
    assert by_outcome["count"] == 1


def test_pages_and_their_size_cap(client, settings):
    partnership = PartnershipFactory()
    viewer = MembershipFactory(partnership=partnership).user
    for number in range(7):
        PriorityFactory(partnership=partnership, position=number)
    first = get(client, "api:priority_list", partnership, viewer, {"page_size": 3})
    data = first.json()
    assert data["count"] == 7 and len(data["results"]) == 3
    assert data["previous"] is None
    assert "page=2" in data["next"]
    last = get(
        client, "api:priority_list", partnership, viewer, {"page_size": 3, "page": 3}
    ).json()
    assert len(last["results"]) == 1 and last["next"] is None
    # Asking for more than the cap gets the cap.
    from partnerships.apiconf import PageNumberPagination

    capped = PageNumberPagination.max_page_size
    assert capped == settings.API_MAX_PAGE_SIZE
    huge = get(
        client, "api:priority_list", partnership, viewer, {"page_size": 10**6}
    ).json()
    assert len(huge["results"]) == 7


def test_framework_lists_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    partnership = PartnershipFactory()
    viewer = MembershipFactory(partnership=partnership).user
    headers = bearer(viewer)
    names = ("api:priority_list", "api:outcome_list", "api:project_list")

    def fill(count):
        for _ in range(count):
            outcome = OutcomeFactory(partnership=partnership)
            Project.objects.create(
                partnership=partnership,
                name="P",
                outcome=outcome,
                priority=outcome.priority,
                lead_person=viewer,
            )

    def fetch():
        for name in names:
            client.get(reverse(name, args=[partnership.slug]), headers=headers)

    fill(1)
    with django_assert_max_num_queries(40) as few:
        fetch()
    fill(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        fetch()
