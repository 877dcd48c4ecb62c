"""The engagement log in the admin site: each form within its partnership."""

import datetime

import pytest
from django.urls import reverse

from engagement.models import (
    Activity,
    ActivityOrganisation,
    ComputedKind,
    ContinuumLevel,
    EngagementStandard,
)
from engagement.services import ComputationInput, computed_measure_set
from kpis.models import QuarterlyValue
from kpis.periods import Quarter
from kpis.review import period_lock
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def elsewhere():
    """Another partnership's organisation, community and standard."""
    other = PartnershipFactory()
    return {
        "organisation": OrganisationFactory(partnership=other, name="Their council"),
        "category": DimensionCategoryFactory(
            dimension=DimensionFactory(partnership=other), name="Their estate"
        ),
        "standard": EngagementStandard.objects.create(
            partnership=other, name="Their standard"
        ),
    }


def _change_url(activity):
    return reverse("admin:engagement_activity_change", args=[activity.pk])


def _post(activity, *, organisation, category=None, standard=None):
    data = {
        "partnership": activity.partnership_id,
        "title": activity.title,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "status": activity.status,
        "level": activity.level,
        "method": "",
        "participants": "12",
        "feedback_said": "",
        "feedback_done": "",
    }
    for prefix, field, value in (
        ("activityorganisation_set", "organisation", organisation),
        ("activitycommunity_set", "category", category),
        ("activitystandard_set", "standard", standard),
    ):
        rows = [value] if value is not None else []
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-{field}"] = str(row.pk)
    return data


def test_an_activitys_rows_offer_only_its_partnerships_choices(staff, log, elsewhere):
    activity = log.activity(community_ids=[log.eastmoor.pk])
    page = staff.get(_change_url(activity)).content.decode()
    assert "Council" in page and "Eastmoor" in page and "Feedback given" in page
    for theirs in ("Their council", "Their estate", "Their standard"):
        assert theirs not in page
    for name in ("standard", "level name"):
        list_page = staff.get(
            reverse(
                "admin:engagement_engagementstandard_changelist"
                if name == "standard"
                else "admin:engagement_continuumlevelname_changelist"
            )
        )
        assert list_page.status_code == 200


def test_another_partnerships_organisation_is_refused_beside_the_row(
    staff, log, elsewhere
):
    activity = log.activity()
    for field, theirs in elsewhere.items():
        choices = {"organisation": log.health}
        choices[field] = theirs
        response = staff.post(_change_url(activity), _post(activity, **choices))
        assert response.status_code == 200, field
        assert "Select a valid choice" in response.content.decode()
    assert list(activity.organisations.all()) == [log.council]
    activity.refresh_from_db()
    assert activity.participants == 10


def test_a_change_saves_in_the_partnership_and_recomputes_the_figures(
    staff, log, clock
):
    measure = MeasureFactory(partnership=log.partnership, code="EN1")
    computed_measure_set(
        partnership=log.partnership,
        actor=log.admin,
        measure=measure,
        data=ComputationInput(kind=ComputedKind.PARTICIPANTS),
    )
    day = datetime.date(2026, 8, 3)
    activity = log.activity(starts_on=day, ends_on=day)
    response = staff.post(
        _change_url(activity),
        _post(
            activity,
            organisation=log.health,
            category=log.warwick,
            standard=log.standard,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.participants == 12
    rows = ActivityOrganisation.objects.filter(activity=activity)
    assert {(r.organisation, r.partnership_id) for r in rows} == {
        (log.council, log.partnership.pk),
        (log.health, log.partnership.pk),
    }
    assert list(activity.communities.all()) == [log.warwick]
    assert QuarterlyValue.objects.get(measure=measure, period__quarter=2).value == 12


def test_a_locked_quarters_activity_is_read_only(staff, log):
    activity = log.activity(level=ContinuumLevel.PARTICIPATION)
    period_lock(
        partnership=log.partnership, quarter=Quarter(2026, 1, 4), actor=log.admin
    )
    response = staff.post(_change_url(activity), _post(activity, organisation=None))
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).participants == 10
    page = staff.get(_change_url(activity)).content.decode()
    assert 'name="title"' not in page
