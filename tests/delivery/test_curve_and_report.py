"""Turning the curve on a headline measure, and the annual report's action plan.

The report's text is read back from the PDF, as a reader would see it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from delivery.models import CurveStoryAction
from kpis.selectors import current_quarter
from partnerships.models import Partnership
from reports.annual import annual_report_document, render_pdf
from tests.delivery.helpers import make_plan
from tests.factories import MeasureFactory
from tests.reports.test_annual_report import pdf_text
from wellbeing import services as wellbeing_services
from wellbeing.models import CurveStory
from wellbeing.selectors import framework_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan():
    plan = make_plan()
    plan.measure = MeasureFactory(
        partnership=plan.partnership,
        name="% of people who feel able to influence decisions",
        is_headline=True,
    )
    return plan


def test_a_partnership_without_a_framework_writes_a_measures_story(plan):
    assert framework_for(partnership=plan.partnership) is None
    this_year = current_quarter(partnership=plan.partnership).year
    # Last year's story, as it was written then.
    CurveStory.objects.create(
        partnership=plan.partnership,
        measure=plan.measure,
        year=this_year - 1,
        story="Last year: nobody fed back what changed.",
    )
    page_url = reverse(
        "reports:measure_curve",
        kwargs={"slug": plan.partnership.slug, "pk": plan.measure.pk},
    )
    client = as_user(plan.admin)
    response = client.post(
        reverse(
            "reports:measure_curve",
            kwargs={"slug": plan.partnership.slug, "pk": plan.measure.pk},
        ),
        {
            "story": "Partners consult the same neighbourhoods separately.",
            "partners": "WMDC; NHSWD",
            "what_works": "One shared calendar of engagement (no cost).",
            "action_plan": "Build the community engagement database.",
            "actions": [plan.action.pk],
        },
    )
    assert response.status_code == 302
    story = CurveStory.objects.get(measure=plan.measure, year=this_year)
    assert story.indicator is None
    assert story.what_works == "One shared calendar of engagement (no cost)."
    assert list(
        CurveStoryAction.objects.filter(story=story).values_list("action", flat=True)
    ) == [plan.action.pk]
    assert CurveStory.objects.get(year=this_year - 1).story == (
        "Last year: nobody fed back what changed."
    )
    html = client.get(page_url).content.decode()
    assert "Turning the curve" in html
    assert "Partners consult the same neighbourhoods separately." in html
    assert plan.action.name in html
    assert "Last year: nobody fed back what changed." in html
    # The measure page loads the section in place, from a plain link to it.
    measure_page = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": plan.partnership.slug, "pk": plan.measure.pk},
        )
    ).content.decode()
    assert f'href="{page_url}" hx-get="{page_url}"' in measure_page
    partial = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section class="rba curve-story"')
    # A viewer reads it but has no form.
    viewer_html = as_user(plan.viewer).get(page_url).content.decode()
    assert "Partners consult the same neighbourhoods separately." in viewer_html
    assert "Save the story" not in viewer_html
    response = as_user(plan.viewer).post(
        reverse(
            "reports:measure_curve",
            kwargs={"slug": plan.partnership.slug, "pk": plan.measure.pk},
        ),
        {"story": "x"},
    )
    assert response.status_code == 403


def test_last_years_story_cannot_be_rewritten_and_only_headline_measures_have_one(
    plan,
):
    this_year = current_quarter(partnership=plan.partnership).year
    with pytest.raises(ValidationError, match="current reporting year"):
        wellbeing_services.curve_story_save(
            partnership=plan.partnership,
            measure=plan.measure,
            story="Rewritten",
            actor=plan.admin,
            year=this_year - 1,
        )
    other = MeasureFactory(partnership=plan.partnership, is_headline=False)
    with pytest.raises(ValidationError, match="headline measures"):
        wellbeing_services.curve_story_save(
            partnership=plan.partnership, measure=other, story="x", actor=plan.admin
        )
    assert not CurveStory.objects.exists()


def test_another_partnerships_measure_story_is_a_404(plan):
    other = make_plan()
    response = as_user(plan.admin).post(
        reverse(
            "reports:measure_curve",
            kwargs={
                "slug": plan.partnership.slug,
                "pk": MeasureFactory(
                    partnership=other.partnership, is_headline=True
                ).pk,
            },
        ),
        {"story": "x"},
    )
    assert response.status_code == 404


@pytest.mark.usefixtures("demo_database")
class TestWakefieldsReport:
    def test_the_report_has_the_action_plan_and_the_measures_curve_story(self):
        wakefield = Partnership.objects.get(slug="wakefield-together")
        document = annual_report_document(partnership=wakefield, year=2026)
        _reader, text = pdf_text(render_pdf(document.html).content)
        assert "Action plan" in text
        assert "Action and lead agencies Progress Risks Next steps and timescales" in (
            text
        )
        assert "Develop a community engagement data base" in text
        assert "WMDC · NHSWD" in text or "NHSWD · WMDC" in text
        # The line may break at "multi-agency"'s hyphen.
        assert "IT problems identified re multi" in text
        assert "input and access to joint data base. (High risk)" in text
        assert "Negotiations commenced with IT" in text
        # The headline measure's turn-the-curve story, beside its chart.
        assert "Turning the curve: 2026/27" in text
        assert "Partners consult the same neighbourhoods separately" in text
        assert "one shared calendar of engagement" in text
        assert "Actions that carry out the plan:" in text
        # No national framework: no contribution chapter.
        assert "Contribution to the well-being goals" not in text
