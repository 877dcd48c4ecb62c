"""The indicator page: a population curve, its forecast and the stories."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.periods import Quarter
from partnerships.models import Role
from reports.indicators import indicator_page_get
from tests.factories import (
    MembershipFactory,
    NationalFrameworkFactory,
    NationalIndicatorFactory,
    PartnershipFactory,
    PriorityFactory,
)
from wellbeing import services
from wellbeing.models import CurveStory
from wellbeing.population import indicator_series_import

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

YEARS = ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22"]


def _csv(rows_per_area: dict[tuple[str, str], list[float]], note="") -> str:
    lines = (
        [note, "Indicator,Area code,Area,Period,Value"]
        if note
        else ["Indicator,Area code,Area,Period,Value"]
    )
    for (code, name), values in rows_per_area.items():
        for year, value in zip(YEARS, values, strict=False):
            lines.append(f"7,{code},{name},{year},{value}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def setting():
    framework = NationalFrameworkFactory(nation="Testland")
    indicator = NationalIndicatorFactory(
        framework=framework, number=7, title="People doing well", direction="up"
    )
    indicator_series_import(
        text=_csv(
            {
                ("A01", "Alphaton"): [40, 41, 42, 43, 44, 47],
                ("N00", "Testland"): [50, 50, 51, 51, 52, 52],
                ("C01", "Gammaford"): [45, 45, 44, 44, 43, 43],
                ("Z99", "Elsewhere"): [1, 2, 3, 4, 5, 6],
            },
            note="# SAMPLE DATA: made up.",
        ),
        framework=framework,
    )
    partnership = PartnershipFactory(
        framework=framework, area_code="A01", comparator_area_code="C01"
    )
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    return {
        "framework": framework,
        "indicator": indicator,
        "partnership": partnership,
        "admin": admin,
        "viewer": viewer,
    }


def _url(partnership, number=7):
    return reverse("reports:indicator_detail", args=[partnership.slug, number])


def test_the_local_area_against_the_nation_and_comparator_with_a_forecast(setting):
    page = indicator_page_get(partnership=setting["partnership"], number=7)
    assert [(line.name, line.role) for line in page.lines] == [
        ("Alphaton", "local"),
        ("Testland", "national"),
        ("Gammaford", "comparator"),
    ]
    chart = str(page.chart)
    assert chart.count('<polyline class="chart-forecast"') == 1
    assert 'class="chart-compare-1"' in chart and 'class="chart-compare-2"' in chart
    assert "Elsewhere" not in chart
    # 40..44 rising by one then 47: above the trend's 45.
    assert page.curve == "turning"
    assert [p.label for p in page.forecast] == ["2022-23", "2023-24", "2024-25"]
    assert page.chart_description.startswith("Sample data, not real figures.")
    assert "If nothing changes, the curve reaches" in page.chart_description
    assert "by 2024-25." in page.chart_description


def test_members_see_the_page_labelled_as_sample_data(client, setting):
    client.force_login(setting["viewer"])
    response = client.get(_url(setting["partnership"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SAMPLE DATA" in html
    assert "People doing well" in html
    assert "Turning the curve" in html
    # Viewers read the story; only admins get the form.
    assert "Save the story" not in html


def test_non_members_and_other_frameworks_get_404(client, setting):
    outsider = MembershipFactory(role=Role.ADMIN).user
    client.force_login(outsider)
    assert client.get(_url(setting["partnership"])).status_code == 404
    client.force_login(setting["viewer"])
    assert client.get(_url(setting["partnership"], 8)).status_code == 404
    no_framework = PartnershipFactory()
    member = MembershipFactory(partnership=no_framework).user
    client.force_login(member)
    assert client.get(_url(no_framework)).status_code == 404


def test_an_admin_writes_this_years_story_and_viewers_cannot(client, setting):
    partnership = setting["partnership"]
    client.force_login(setting["viewer"])
    response = client.post(_url(partnership), {"story": "mine"})
    assert response.status_code == 403
    client.force_login(setting["admin"])
    response = client.post(
        _url(partnership),
        {
            "story": "Hubs opened.",
            "partners": "The council.",
            "what_works": "Listening.",
            "action_plan": "More hubs.",
        },
    )
    assert response.status_code == 302
    story = CurveStory.objects.get(partnership=partnership)
    this_year = Quarter.containing(
        timezone.localdate(), partnership.reporting_year_start_month
    ).year
    assert (story.year, story.story, story.action_plan) == (
        this_year,
        "Hubs opened.",
        "More hubs.",
    )
    html = client.get(_url(partnership)).content.decode()
    assert "Hubs opened." in html and "More hubs." in html


def test_earlier_years_stories_stay_as_they_were(client, setting):
    partnership = setting["partnership"]
    this_year = Quarter.containing(
        timezone.localdate(), partnership.reporting_year_start_month
    ).year
    old = CurveStory.objects.create(
        partnership=partnership,
        indicator=setting["indicator"],
        year=this_year - 1,
        story="Last year's view.",
    )
    with pytest.raises(Exception, match="current reporting year"):
        services.curve_story_save(
            partnership=partnership,
            indicator=setting["indicator"],
            story="rewritten",
            actor=setting["admin"],
            year=this_year - 1,
        )
    client.force_login(setting["admin"])
    client.post(_url(partnership), {"story": "This year's view."})
    old.refresh_from_db()
    assert old.story == "Last year's view."
    html = client.get(_url(partnership)).content.decode()
    assert "Earlier years" in html
    assert "Last year&#x27;s view." in html and "This year&#x27;s view." in html


def test_another_partnerships_story_is_never_shown(client, setting):
    other = PartnershipFactory(framework=setting["framework"], area_code="A01")
    other_admin = MembershipFactory(partnership=other, role=Role.ADMIN).user
    services.curve_story_save(
        partnership=other,
        indicator=setting["indicator"],
        story="Their secret story.",
        actor=other_admin,
    )
    client.force_login(setting["viewer"])
    html = client.get(_url(setting["partnership"])).content.decode()
    assert "Their secret story." not in html
    page = indicator_page_get(partnership=setting["partnership"], number=7)
    assert page.current_story is None and page.earlier_stories == []
    # Nor can another partnership's admin write into this one.
    with pytest.raises(Exception, match="admins"):
        services.curve_story_save(
            partnership=setting["partnership"],
            indicator=setting["indicator"],
            story="x",
            actor=other_admin,
        )


def test_the_page_takes_a_bounded_number_of_queries(
    client, setting, django_assert_max_num_queries
):
    partnership = setting["partnership"]
    for year in range(2000, 2010):
        CurveStory.objects.create(
            partnership=partnership,
            indicator=setting["indicator"],
            year=year,
            story=f"Story {year}",
            updated_by=setting["admin"],
        )
    client.force_login(setting["admin"])
    with django_assert_max_num_queries(14):
        response = client.get(_url(partnership))
    assert response.status_code == 200
    assert response.content.decode().count('class="curve-story"') == 10


def test_the_contribution_page_links_indicator_numbers_to_their_page(client, setting):
    partnership = setting["partnership"]
    priority = PriorityFactory(partnership=partnership)
    services.contribution_link(
        partnership=partnership,
        source=priority,
        target=setting["indicator"],
        actor=setting["admin"],
    )
    client.force_login(setting["viewer"])
    html = client.get(
        reverse("reports:contribution_indicators", args=[partnership.slug])
    ).content.decode()
    assert f'href="{_url(partnership)}"' in html


def test_an_indicators_story_links_the_actions_that_carry_it_out(client, setting):
    """One form and model with the measures' stories: the actions come too."""
    from delivery.models import CurveStoryAction
    from reports.annual import annual_report_document
    from tests.delivery.helpers import make_plan

    partnership = setting["partnership"]
    plan = make_plan(partnership, name="Open two more community hubs")
    other = make_plan(name="Their own action")
    services.contribution_link(
        partnership=partnership,
        source=plan.priority,
        target=setting["indicator"],
        actor=setting["admin"],
    )
    client.force_login(setting["admin"])
    form_html = client.get(_url(partnership)).content.decode()
    assert "Actions that carry out the plan" in form_html
    assert "Open two more community hubs" in form_html
    assert "Their own action" not in form_html

    # Another partnership's action is refused beside the field; nothing saved.
    response = client.post(
        _url(partnership), {"story": "Hubs opened.", "actions": [other.action.pk]}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not CurveStory.objects.filter(partnership=partnership).exists()

    response = client.post(
        _url(partnership),
        {
            "story": "Hubs opened.",
            "action_plan": "More hubs.",
            "actions": [plan.action.pk],
        },
    )
    assert response.status_code == 302
    story = CurveStory.objects.get(partnership=partnership)
    assert list(
        CurveStoryAction.objects.filter(story=story).values_list("action", flat=True)
    ) == [plan.action.pk]
    page = indicator_page_get(partnership=partnership, number=7)
    assert page.current_actions == [plan.action]
    client.force_login(setting["viewer"])
    html = client.get(_url(partnership)).content.decode()
    assert "Actions that carry out the plan:" in html
    assert "Open two more community hubs" in html
    # The form shows what is linked, and unticking every box unlinks them.
    client.force_login(setting["admin"])
    boxes = re.findall(
        r"<input[^>]*name=\"actions\"[^>]*>", client.get(_url(partnership)).text
    )
    assert len(boxes) == 1
    assert f'value="{plan.action.pk}"' in boxes[0] and "checked" in boxes[0]

    # The annual report's contribution chapter carries them beside the curve.
    year = page.current_year
    document = annual_report_document(partnership=partnership, year=year)
    chapter = document.html.split('class="indicator-curve"', 1)[1]
    assert "Hubs opened." in chapter
    assert "Actions that carry out the plan:" in chapter
    assert "Open two more community hubs" in chapter

    client.post(_url(partnership), {"story": "Hubs opened."})
    assert not CurveStoryAction.objects.filter(story=story).exists()


def test_the_story_action_selectors_never_return_another_partnerships_actions(
    setting,
):
    from delivery import selectors as delivery_selectors
    from delivery.services import curve_story_actions_set
    from tests.delivery.helpers import make_plan

    mine = make_plan(setting["partnership"], name="Mine")
    theirs = make_plan(
        PartnershipFactory(framework=setting["framework"]), name="Theirs"
    )
    their_story = services.curve_story_save(
        partnership=theirs.partnership,
        indicator=setting["indicator"],
        story="Their story.",
        actor=theirs.admin,
    )
    curve_story_actions_set(
        partnership=theirs.partnership,
        story=their_story,
        action_ids=[theirs.action.pk],
        actor=theirs.admin,
    )
    linked, choices = delivery_selectors.curve_story_actions_and_choices(
        partnership=mine.partnership, story_ids=[their_story.pk]
    )
    assert (linked, choices) == ({}, [mine.action])
    assert list(
        delivery_selectors.action_choice_list(partnership=mine.partnership)
    ) == [mine.action]
    assert (
        delivery_selectors.curve_story_actions(
            partnership=mine.partnership, story_ids=[their_story.pk]
        )
        == {}
    )
