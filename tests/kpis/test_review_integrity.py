"""An approval covers the figure as approved: a change sends it back for review.

Whatever path changes an approved figure (an admin's save, the API's bulk
record, an import's write, the admin site or raw SQL), it is "submitted"
again and its history says why; the quarter cannot be locked until it is
approved again.
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpis import recording, selectors
from kpis.models import QuarterlyValue, ReviewStatus
from tests.api import bearer, post_json

from .test_review_cycle import Q2, approve, lock, make_team, record, submit, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def approved(team, value=12):
    with web(team.lead):
        figure = record(team, team.lead, value)
    with web(team.lead):
        submit(team)
    with web(team.admin):
        approve(team, figure)
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.APPROVED
    return figure


def status_of(figure):
    return QuarterlyValue.objects.get(pk=figure.pk).status


def test_an_admins_save_of_an_approved_figure_returns_it_to_submitted(team):
    figure = approved(team)
    with web(team.admin):
        saved = record(team, team.admin, 15)
    assert saved.status == ReviewStatus.SUBMITTED
    assert saved.submitted_by == team.admin
    assert status_of(figure) == ReviewStatus.SUBMITTED
    entries = selectors.value_history(
        partnership=team.partnership, measure=team.measure
    )[team.period.pk]
    assert entries[-1].who == str(team.admin)
    assert entries[-1].changes == [
        "Figure 12 → 15",
        "Changed after approval: to be approved again",
    ]


def test_saving_an_approved_figure_unchanged_keeps_its_approval(team):
    figure = approved(team)
    with web(team.admin):
        saved = record(team, team.admin, 12)
    assert saved.status == ReviewStatus.APPROVED
    assert status_of(figure) == ReviewStatus.APPROVED


def test_a_changed_story_also_needs_approving_again(team):
    figure = approved(team)
    with web(team.admin):
        record(team, team.admin, 12, story="Recounted.")
    assert status_of(figure) == ReviewStatus.SUBMITTED


def test_the_api_bulk_record_returns_a_changed_approved_figure_to_submitted(
    client, team
):
    figure = approved(team)
    url = reverse("api:value_bulk", kwargs={"slug": team.partnership.slug})
    response = post_json(
        client,
        url,
        {
            "year": Q2.year,
            "quarter": Q2.quarter,
            "values": [{"measure": team.measure.code, "value": "13"}],
        },
        bearer(team.admin),
    )
    assert response.status_code == 200, response.content
    assert response.json()["values"][0]["status"] == ReviewStatus.SUBMITTED
    assert status_of(figure) == ReviewStatus.SUBMITTED


def test_the_import_write_returns_a_changed_approved_figure_to_submitted(team):
    figure = approved(team)
    written = recording.figures_write(
        partnership=team.partnership,
        actor=team.admin,
        rows=[
            recording.FigureWrite(
                measure=team.measure,
                period=team.period,
                value=D(20),
                numerator=None,
                denominator=None,
                story="",
                breakdown={},
                version=figure.version,
            )
        ],
        keep_breakdowns=True,
    )
    assert written == [(team.measure.pk, team.period.pk)]
    assert status_of(figure) == ReviewStatus.SUBMITTED


def test_a_change_outside_the_services_returns_it_to_submitted_too(team):
    """The admin site's save and raw SQL: the database's trigger."""
    figure = approved(team)
    QuarterlyValue.objects.filter(pk=figure.pk).update(value=D(30))
    assert status_of(figure) == ReviewStatus.SUBMITTED


def test_a_quarter_with_a_figure_changed_since_approval_cannot_be_locked(team):
    figure = approved(team)
    with web(team.admin):
        record(team, team.admin, 15)
    with pytest.raises(ValidationError) as error, web(team.admin):
        lock(team)
    assert "not approved yet" in " ".join(error.value.messages)
    team.period.refresh_from_db()
    assert not team.period.is_locked

    with web(team.admin):
        approve(team, figure)
        period = lock(team)
    assert period.is_locked
