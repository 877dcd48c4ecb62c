"""An admin's My measures narrows to the measures without a figure, the ones
they lead, or one priority's, and every measure stays one choice away; the
filter never limits what may be saved or what the submit counts."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    OutcomeFactory,
    PriorityFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def framework(client):
    health = PriorityFactory(name="Health")
    partnership = health.partnership
    skills = PriorityFactory(partnership=partnership, name="Skills")
    reported = MeasureFactory(
        partnership=partnership,
        outcome=OutcomeFactory(partnership=partnership, priority=health),
        name="Clinics held",
    )
    missing = MeasureFactory(
        partnership=partnership,
        outcome=OutcomeFactory(partnership=partnership, priority=skills),
        name="Apprentices placed",
    )
    led = MeasureFactory(
        partnership=partnership,
        outcome=OutcomeFactory(partnership=partnership, priority=skills),
        name="Mentors trained",
    )
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    MeasureLeadFactory(measure=led, user=admin)
    quarter = current_quarter(partnership=partnership)
    recording.quarterly_value_record(
        partnership=partnership,
        measure=reported,
        period=services.period_get_or_create(partnership=partnership, quarter=quarter),
        value=D(4),
        actor=admin,
    )
    client.force_login(admin)
    url = reverse("kpis:my_measures", kwargs={"slug": partnership.slug})
    return url, (reported, missing, led), (health, skills)


def _names(page: str, measures) -> set[str]:
    return {m.name for m in measures if f'id="measure-{m.pk}"' in page}


def test_every_measure_by_default_with_the_counts(client, framework):
    url, measures, _ = framework
    page = client.get(url).content.decode()
    assert _names(page, measures) == {m.name for m in measures}
    assert "Every measure (3)" in page
    assert "Without a figure (2)" in page
    assert "The one I lead (1)" in page
    assert "Showing" not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"show": "missing"}, {"Apprentices placed", "Mentors trained"}),
        ({"show": "mine"}, {"Mentors trained"}),
        ({"priority": "health"}, {"Clinics held"}),
        (
            {"show": "missing", "priority": "skills"},
            {"Apprentices placed", "Mentors trained"},
        ),
        ({"show": "mine", "priority": "health"}, set()),
    ],
)
def test_a_filter_narrows_the_list_and_offers_the_rest(client, framework, query, shown):
    url, measures, (health, skills) = framework
    priorities = {"health": health.pk, "skills": skills.pk}
    if "priority" in query:
        query = {**query, "priority": priorities[query["priority"]]}
    page = client.get(url, query).content.decode()
    assert _names(page, measures) == shown
    assert f"Showing {len(shown)} of 3 measures." in page
    # What there is to report is still every measure.
    assert "3 measures to report." in page
    assert "Show every measure" in page
    # The filter stays chosen, and the quarter picker keeps it.
    if "show" in query:
        assert f'<option value="{query["show"]}" selected>' in page
        assert f'<input type="hidden" name="show" value="{query["show"]}">' in page


def test_an_unknown_filter_shows_every_measure(client, framework):
    url, measures, _ = framework
    page = client.get(url, {"show": "everything'", "priority": "999999"})
    assert page.status_code == 200
    assert _names(page.content.decode(), measures) == {m.name for m in measures}


def test_the_submit_counts_every_measure_whatever_the_filter(client, framework):
    url, measures, _ = framework
    page = client.get(url, {"show": "missing"}).content.decode()
    # The reported figure is a draft: it is counted though not listed.
    assert "1 saved figure is not submitted yet." in page


def test_a_lead_sees_no_filter(client, framework):
    url, (reported, *_), _ = framework
    lead = MembershipFactory(partnership=reported.partnership, role=Role.LEAD).user
    MeasureLeadFactory(measure=reported, user=lead)
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert 'class="entry-filter"' not in page
    assert _names(page, [reported]) == {reported.name}
