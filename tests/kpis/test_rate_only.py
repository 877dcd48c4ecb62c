"""A bare percentage for a measure whose year pools numbers: refused everywhere.

The form, the API and the import share one rule (``kpis.recording``), so a
quarter is never silently left out of a ratio of sums (the import's case is
in tests/exchange/test_values_import.py).
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from kpis import recording
from kpis.models import Aggregation, QuarterlyValue, ValueType
from kpis.selectors import current_quarter
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PeriodFactory,
    QuarterlyValueFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

WHAT_TO_ENTER = (
    "Enter the number of pupils and the total it is out of: this measure's "
    "year adds them up."
)


@pytest.fixture
def pooled():
    measure = MeasureFactory(
        code="PR-01",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        unit="pupils",
        annual_target=80,
    )
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN).user
    return measure, admin


def test_the_service_refuses_a_rate_without_its_numbers(pooled):
    measure, admin = pooled
    period = PeriodFactory(partnership=measure.partnership)
    with pytest.raises(ValidationError) as error:
        recording.quarterly_value_record(
            partnership=measure.partnership,
            measure=measure,
            period=period,
            actor=admin,
            value=D(50),
        )
    assert error.value.message_dict["value"] == [WHAT_TO_ENTER]
    assert not QuarterlyValue.objects.exists()


def test_a_rate_is_still_taken_where_the_year_does_not_pool(pooled):
    _measure, admin = pooled
    latest = MeasureFactory(
        partnership=_measure.partnership,
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.LATEST,
    )
    period = PeriodFactory(partnership=latest.partnership)
    saved = recording.quarterly_value_record(
        partnership=latest.partnership,
        measure=latest,
        period=period,
        actor=admin,
        value=D(50),
    )
    assert saved.value == D(50)


def test_the_entry_form_says_what_to_enter(client, pooled):
    measure, admin = pooled
    client.force_login(admin)
    url = reverse("kpis:my_measures", kwargs={"slug": measure.partnership.slug})
    response = client.post(url, {"measure": measure.pk, f"m{measure.pk}-value": "50"})
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert WHAT_TO_ENTER in page
    assert not QuarterlyValue.objects.exists()


def test_the_api_says_what_to_enter(client, pooled):
    measure, admin = pooled
    quarter = current_quarter(partnership=measure.partnership)
    response = post_json(
        client,
        reverse("api:value_bulk", kwargs={"slug": measure.partnership.slug}),
        {
            "year": quarter.year,
            "quarter": quarter.quarter,
            "values": [{"measure": "PR-01", "value": "50"}],
        },
        bearer(admin),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["values"] == {"0": {"value": [WHAT_TO_ENTER]}}
    assert not QuarterlyValue.objects.exists()


def test_figures_without_counts_lists_stored_rates_of_pooled_measures(pooled, capsys):
    measure, _admin = pooled
    period = PeriodFactory(partnership=measure.partnership, year=2024, quarter=1)
    QuarterlyValueFactory(measure=measure, period=period, value=D(50))
    counted = PeriodFactory(partnership=measure.partnership, year=2024, quarter=2)
    QuarterlyValueFactory(
        measure=measure, period=counted, value=None, numerator=3, denominator=4
    )
    call_command("figures_without_counts")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "\t" in line]
    assert lines == [
        f"{measure.partnership.slug}\tPR-01 {measure.name}\t{period.label}"
    ]
    assert "1 figure(s) give only a percentage" in out


def test_figures_without_counts_says_when_there_are_none(db, capsys):
    call_command("figures_without_counts")
    assert (
        "Every pooled percentage has its number and total." in capsys.readouterr().out
    )
