"""The story behind a number has one length limit on every path.

The form, the API and the service refuse a story over
``recording.STORY_MAX_LENGTH`` beside the story, and nothing is saved (the
import's case is in tests/exchange/test_values_import.py).
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpis import recording
from kpis.models import QuarterlyValue
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import MeasureFactory, MembershipFactory, PeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LIMIT = recording.STORY_MAX_LENGTH


@pytest.fixture
def measure_and_admin():
    measure = MeasureFactory(code="ST-01")
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    return measure, admin


def test_the_service_keeps_a_story_at_the_limit_and_refuses_a_longer_one(
    measure_and_admin,
):
    measure, admin = measure_and_admin
    period = PeriodFactory(partnership=measure.partnership)
    kwargs = {
        "partnership": measure.partnership,
        "measure": measure,
        "period": period,
        "actor": admin,
        "value": D(3),
    }
    with pytest.raises(ValidationError) as error:
        recording.quarterly_value_record(**kwargs, story="x" * (LIMIT + 1))
    assert error.value.message_dict["story"] == [
        "The story is 5,001 characters long: keep it to 5,000 or fewer."
    ]
    assert not QuarterlyValue.objects.exists()
    # Spaces around it are not counted: they are not kept.
    saved = recording.quarterly_value_record(**kwargs, story=f"  {'x' * LIMIT}\n")
    assert len(saved.story) == LIMIT


def test_the_bulk_service_refuses_it_beside_the_row(measure_and_admin):
    measure, admin = measure_and_admin
    quarter = current_quarter(partnership=measure.partnership)
    with pytest.raises(recording.BulkRecordError) as error:
        recording.quarterly_values_record(
            partnership=measure.partnership,
            year=quarter.year,
            quarter=quarter.quarter,
            rows=[recording.ValueInput("ST-01", value=D(3), story="x" * (LIMIT + 1))],
            actor=admin,
        )
    assert list(error.value.errors[0]) == ["story"]
    assert not QuarterlyValue.objects.exists()


def test_the_entry_form_refuses_it_beside_the_story(client, measure_and_admin):
    measure, admin = measure_and_admin
    client.force_login(admin)
    url = reverse("kpis:my_measures", kwargs={"slug": measure.partnership.slug})
    response = client.post(
        url,
        {
            "measure": measure.pk,
            f"m{measure.pk}-value": "3",
            f"m{measure.pk}-story": "x" * (LIMIT + 1),
        },
    )
    assert response.status_code == 400
    assert "at most 5000 characters (it has 5001)" in response.content.decode()
    assert not QuarterlyValue.objects.exists()


def test_the_api_refuses_it_beside_the_row(client, measure_and_admin):
    measure, admin = measure_and_admin
    quarter = current_quarter(partnership=measure.partnership)
    response = post_json(
        client,
        reverse("api:value_bulk", kwargs={"slug": measure.partnership.slug}),
        {
            "year": quarter.year,
            "quarter": quarter.quarter,
            "values": [{"measure": "ST-01", "value": "3", "story": "x" * (LIMIT + 1)}],
        },
        bearer(admin),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]["values"]["0"]) == ["story"]
    assert not QuarterlyValue.objects.exists()
