"""Turning the curve through the API: what the measure's curve page and the
indicator page do, the API does too, with the same rules."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from delivery.models import CurveStoryAction
from kpis.selectors import current_quarter
from partnerships.api import NON_FIELD
from partnerships.models import Role
from partnerships.text_limits import limit_of
from tests.api import bearer
from tests.delivery.helpers import make_plan, member
from tests.factories import (
    MeasureFactory,
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    PartnershipFactory,
)
from wellbeing import services as wellbeing_services
from wellbeing.models import CurveStory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def plan():
    framework = NationalFrameworkFactory(nation="Testland")
    plan = make_plan(PartnershipFactory(framework=framework))
    plan.measure = MeasureFactory(
        partnership=plan.partnership, code="EN-01", is_headline=True
    )
    plan.indicator = NationalIndicatorFactory(framework=framework, number=7)
    plan.year = current_quarter(partnership=plan.partnership).year
    return plan


def _put(user, url, body):
    return Client().put(
        url, json.dumps(body), content_type="application/json", headers=bearer(user)
    )


def _get(user, url):
    return Client().get(url, headers=bearer(user))


def measure_url(plan, year=None, code="EN-01"):
    if year is None:
        return reverse(
            "api:measure_curve_story_list",
            kwargs={"slug": plan.partnership.slug, "code": code},
        )
    return reverse(
        "api:measure_curve_story_detail",
        kwargs={"slug": plan.partnership.slug, "code": code, "year": year},
    )


def indicator_url(plan, year=None, number=7):
    if year is None:
        return reverse(
            "api:indicator_curve_story_list",
            kwargs={"slug": plan.partnership.slug, "number": number},
        )
    return reverse(
        "api:indicator_curve_story_detail",
        kwargs={"slug": plan.partnership.slug, "number": number, "year": year},
    )


STORY = {
    "story": "Partners consult the same neighbourhoods separately.",
    "partners": "WMDC; NHSWD",
    "what_works": "One shared calendar of engagement (no cost).",
    "action_plan": "Build the community engagement database.",
}


def test_an_admin_writes_this_years_measure_story_and_every_member_reads_it(plan):
    response = _put(
        plan.admin, measure_url(plan, plan.year), {**STORY, "actions": [plan.action.pk]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["measure"] == "EN-01"
    assert body["indicator"] is None
    assert body["year"] == plan.year
    assert body["editable"] is True
    assert body["what_works"] == "One shared calendar of engagement (no cost)."
    assert body["actions"] == [{"id": plan.action.pk, "name": plan.action.name}]
    assert body["updated_by"] == plan.admin.email
    story = CurveStory.objects.get(measure=plan.measure, year=plan.year)
    assert list(
        CurveStoryAction.objects.filter(story=story).values_list("action", flat=True)
    ) == [plan.action.pk]
    # Writing again changes the same story (200), and the links become the
    # ones sent: none.
    response = _put(plan.admin, measure_url(plan, plan.year), {"story": "Shorter."})
    assert response.status_code == 200
    assert response.json()["actions"] == []
    assert response.json()["partners"] == ""
    assert CurveStory.objects.filter(measure=plan.measure).count() == 1
    assert not CurveStoryAction.objects.filter(story=story).exists()
    for user in (plan.viewer, plan.lead):
        listed = _get(user, measure_url(plan))
        assert listed.status_code == 200
        assert [s["story"] for s in listed.json()] == ["Shorter."]
        one = _get(user, measure_url(plan, plan.year))
        assert one.status_code == 200
        assert one.json()["id"] == story.pk


def test_the_page_and_the_api_show_the_same_story(plan):
    _put(plan.admin, measure_url(plan, plan.year), {**STORY, "actions": []})
    client = Client()
    client.force_login(plan.viewer)
    html = client.get(
        reverse(
            "reports:measure_curve",
            kwargs={"slug": plan.partnership.slug, "pk": plan.measure.pk},
        )
    ).content.decode()
    assert "Partners consult the same neighbourhoods separately." in html


def test_last_years_story_stays_as_written(plan):
    CurveStory.objects.create(
        partnership=plan.partnership,
        measure=plan.measure,
        year=plan.year - 1,
        story="Last year: nobody fed back what changed.",
    )
    response = _put(plan.admin, measure_url(plan, plan.year - 1), {"story": "Redone"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        NON_FIELD: ["Only the current reporting year's story can be edited."]
    }
    assert CurveStory.objects.get(year=plan.year - 1).story == (
        "Last year: nobody fed back what changed."
    )
    # Nor can next year's be written ahead.
    assert _put(plan.admin, measure_url(plan, plan.year + 1), STORY).status_code == 400
    assert not CurveStory.objects.filter(year=plan.year + 1).exists()
    listed = _get(plan.viewer, measure_url(plan)).json()
    assert [(s["year"], s["editable"]) for s in listed] == [(plan.year - 1, False)]


def test_text_limits_give_the_pages_message_and_save_nothing(plan):
    limit = limit_of(CurveStory, "what_works")
    response = _put(
        plan.admin,
        measure_url(plan, plan.year),
        {**STORY, "what_works": "x" * (limit + 1), "actions": [plan.action.pk]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "what_works": [
            f"Keep this to {limit:,} characters or fewer (it has {limit + 1:,})."
        ]
    }
    assert not CurveStory.objects.exists()


def test_only_the_partnerships_own_actions_can_be_linked(plan):
    other = make_plan(name="Another partnership's action")
    response = _put(
        plan.admin,
        measure_url(plan, plan.year),
        {**STORY, "actions": [plan.action.pk, other.action.pk]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "actions": ["Choose from the partnership's own list."]
    }
    # Neither the story nor any link was saved (the two writes are one).
    assert not CurveStory.objects.exists()
    assert not CurveStoryAction.objects.exists()


def test_roles_as_on_the_page(plan):
    for user in (plan.viewer, plan.lead):
        response = _put(user, measure_url(plan, plan.year), STORY)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Only the partnership's admins can do this."
        )
    assert not CurveStory.objects.exists()


def test_another_partnerships_measure_or_indicator_is_not_found(plan):
    other = make_plan()
    MeasureFactory(partnership=other.partnership, code="OT-01", is_headline=True)
    for url in (
        measure_url(plan, code="OT-01"),
        measure_url(plan, plan.year, code="OT-01"),
        # Not a headline measure: the page has no story for it either.
        measure_url(
            plan,
            code=MeasureFactory(partnership=plan.partnership, is_headline=False).code,
        ),
        # An indicator of a framework the partnership has not adopted.
        indicator_url(plan, number=NationalIndicatorFactory(number=8).number),
    ):
        assert _get(plan.admin, url).status_code == 404, url
    response = _put(plan.admin, measure_url(plan, plan.year, code="OT-01"), STORY)
    assert response.status_code == 404
    # Another partnership's slug, for a member of this one only.
    foreign = reverse(
        "api:measure_curve_story_list",
        kwargs={"slug": other.partnership.slug, "code": "OT-01"},
    )
    assert _get(plan.admin, foreign).status_code == 404
    assert not CurveStory.objects.exists()


def test_an_indicators_story_through_the_api(plan):
    response = _put(
        plan.admin,
        indicator_url(plan, plan.year),
        {**STORY, "actions": [plan.action.pk]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["indicator"] == 7
    assert response.json()["measure"] is None
    story = CurveStory.objects.get(indicator=plan.indicator)
    assert story.partners == "WMDC; NHSWD"
    assert [s["id"] for s in _get(plan.viewer, indicator_url(plan)).json()] == [
        story.pk
    ]
    client = Client()
    client.force_login(plan.viewer)
    html = client.get(
        reverse("reports:indicator_detail", args=[plan.partnership.slug, 7])
    ).content.decode()
    assert "Partners consult the same neighbourhoods separately." in html


def test_every_story_of_a_year_in_one_list(plan, django_assert_max_num_queries):
    wellbeing_services.curve_story_save(
        partnership=plan.partnership,
        indicator=plan.indicator,
        story="The indicator's.",
        actor=plan.admin,
    )
    CurveStory.objects.create(
        partnership=plan.partnership,
        measure=plan.measure,
        year=plan.year - 1,
        story="Last year's.",
    )
    for number in range(3):
        measure = MeasureFactory(partnership=plan.partnership, is_headline=True)
        story = wellbeing_services.curve_story_save(
            partnership=plan.partnership,
            measure=measure,
            story=f"Measure {number}.",
            actor=plan.admin,
        )
        CurveStoryAction.objects.create(
            partnership=plan.partnership, story=story, action=plan.action
        )
    # Another partnership's story never comes back.
    other = make_plan()
    wellbeing_services.curve_story_save(
        partnership=other.partnership,
        measure=MeasureFactory(partnership=other.partnership, is_headline=True),
        story="Not ours.",
        actor=other.admin,
    )
    headers = bearer(plan.viewer)
    url = reverse("api:curve_story_list", kwargs={"slug": plan.partnership.slug})
    with django_assert_max_num_queries(12):
        this_year = Client().get(url, {"year": plan.year}, headers=headers).json()
    assert sorted(s["story"] for s in this_year) == [
        "Measure 0.",
        "Measure 1.",
        "Measure 2.",
        "The indicator's.",
    ]
    assert all(s["year"] == plan.year for s in this_year)
    everything = Client().get(url, headers=headers).json()
    assert len(everything) == 5
    assert everything[-1]["story"] == "Last year's."
    bad = Client().get(url, {"year": "soon"}, headers=headers)
    assert bad.status_code == 400
    assert "year" in bad.json()["errors"]


def test_a_viewer_of_one_partnership_is_refused_anothers(plan):
    outsider = member(PartnershipFactory(), Role.ADMIN)
    assert _get(outsider, measure_url(plan)).status_code == 404
    assert _put(outsider, measure_url(plan, plan.year), STORY).status_code == 404
