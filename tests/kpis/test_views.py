from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis.models import QuarterlyValue
from kpis.selectors import current_quarter, periods_for_entry
from partnerships.models import Role
from tests.factories import MeasureFactory, MeasureLeadFactory, MembershipFactory

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def lead_setup(client):
    measure = MeasureFactory(name="Schools engaged")
    partnership = measure.partnership
    not_assigned = MeasureFactory(partnership=partnership, name="Research bids")
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    MeasureLeadFactory(measure=measure, user=lead)
    client.force_login(lead)
    url = reverse("kpis:my_measures", kwargs={"slug": partnership.slug})
    return measure, not_assigned, url


def post(client, url, measure, htmx=False, **fields):
    data = {"measure": measure.pk}
    data.update({f"m{measure.pk}-{name}": value for name, value in fields.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


def test_my_measures_lists_only_the_leads_measures(client, lead_setup):
    measure, not_assigned, url = lead_setup
    page = client.get(url).content.decode()
    assert measure.name in page
    assert not_assigned.name not in page
    quarter = current_quarter(partnership=measure.partnership)
    assert quarter.label in page


def test_saving_without_javascript_redirects_back_with_a_message(client, lead_setup):
    measure, _other, url = lead_setup
    response = post(client, url, measure, value="17", story="Two new schools.")
    assert response.status_code == 302
    saved = QuarterlyValue.objects.get(measure=measure)
    assert saved.value == D(17) and saved.story == "Two new schools."
    page = client.get(response["Location"]).content.decode()
    assert "Saved Schools engaged" in page


def test_saving_with_htmx_returns_just_the_row(client, lead_setup):
    measure, _other, url = lead_setup
    response = post(client, url, measure, htmx=True, value="17")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert f'id="measure-{measure.pk}"' in page
    assert "Saved." in page
    assert QuarterlyValue.objects.get(measure=measure).value == D(17)


@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
    client, lead_setup, htmx
):
    measure, _other, url = lead_setup
    for bad, message in [("lots", "Enter a number"), ("-2", "whole number, 0 or more")]:
        response = post(client, url, measure, htmx=htmx, value=bad, story="kept")
        page = response.content.decode()
        assert message in page
        assert f'id="id_m{measure.pk}-value_error"' in page
        assert 'aria-invalid="true"' in page
        # What the person typed is still there to correct.
        assert f'value="{bad}"' in page and "kept</textarea>" in page
    assert not QuarterlyValue.objects.exists()


def test_a_lead_cannot_save_a_measure_not_assigned_to_them(client, lead_setup):
    _measure, not_assigned, url = lead_setup
    assert post(client, url, not_assigned, value="3").status_code == 403
    assert not QuarterlyValue.objects.exists()


def test_a_viewer_is_offered_nothing_and_refused(client):
    measure = MeasureFactory()
    viewer = MembershipFactory(partnership=measure.partnership, role=Role.VIEWER).user
    client.force_login(viewer)
    url = reverse("kpis:my_measures", kwargs={"slug": measure.partnership.slug})
    dashboard = client.get(
        reverse("reports:dashboard", kwargs={"slug": measure.partnership.slug})
    )
    assert "My measures" not in dashboard.content.decode()
    assert '<form id="measure-' not in client.get(url).content.decode()
    assert post(client, url, measure, value="3").status_code == 403
    assert not QuarterlyValue.objects.exists()


def test_another_partnerships_measure_is_404(client, lead_setup):
    _measure, _other, url = lead_setup
    theirs = MeasureFactory()
    assert post(client, url, theirs, value="3").status_code == 404


def test_earlier_quarters_can_be_chosen_and_unknown_ones_are_404(client, lead_setup):
    measure, _other, url = lead_setup
    previous = current_quarter(partnership=measure.partnership).previous()
    key = previous.key
    response = post(client, f"{url}?quarter={key}", measure, value="4")
    assert response.status_code == 302
    saved = QuarterlyValue.objects.get(measure=measure)
    assert (saved.period.year, saved.period.quarter) == (
        previous.year,
        previous.quarter,
    )
    assert client.get(f"{url}?quarter=1999-1").status_code == 404


def test_my_measures_shows_last_quarter_and_the_year_to_date(client, lead_setup):
    measure, _other, url = lead_setup
    # Five open quarters always include two consecutive ones in the same year.
    open_quarters = periods_for_entry(partnership=measure.partnership)
    later = next(
        q for q in open_quarters if q.quarter > 1 and q.previous() in open_quarters
    )
    earlier = later.previous()
    post(client, f"{url}?quarter={earlier.key}", measure, value="6")
    post(client, f"{url}?quarter={later.key}", measure, value="4")
    row = client.get(f"{url}?quarter={later.key}").context["rows"][0]
    assert row.previous_display == "6"
    assert row.year.display == "10"


def test_htmx_saves_are_announced_in_a_live_region_outside_the_row(client, lead_setup):
    measure, _other, url = lead_setup
    page = client.get(url).content.decode()
    assert page.count('id="entry-announcer"') == 1
    saved = post(client, url, measure, htmx=True, value="5").content.decode()
    assert 'hx-swap-oob="true"' in saved and f"Saved {measure.name}." in saved
    failed = post(client, url, measure, htmx=True, value="x").content.decode()
    assert f"{measure.name} was not saved" in failed
