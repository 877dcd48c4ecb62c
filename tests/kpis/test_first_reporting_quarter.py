"""The partnership's first reporting quarter: set on the Settings page and the
API; quarters before it take no figures (web, API, import) and are neither
missing nor overdue, and get no reminders."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from exchange.models import ImportStatus
from kpis import recording, services
from kpis.models import QuarterlyValue
from kpis.periods import Quarter
from kpis.reminders import reminders_send
from kpis.selectors import first_reporting_quarter_read, quarter_review_get
from partnerships import services as partnership_services
from partnerships.models import Partnership, Role
from tests.api import bearer, post_json
from tests.exchange.helpers import checked_job, csv_upload, messages_of
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)

# Pinned to 16 November 2026 (tests/conftest.py): with April years the
# current quarter is 2026/27 Q3.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

APRIL = 4
FIRST = Quarter(2026, 2, APRIL)
BEFORE = Quarter(2026, 1, APRIL)


@pytest.fixture
def team():
    partnership = PartnershipFactory(
        reporting_year_start_month=APRIL,
        first_reporting_year=FIRST.year,
        first_reporting_quarter=FIRST.quarter,
    )
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    measure = MeasureFactory(partnership=partnership, code="CU1", name="Schools")
    services.measure_assign_lead(partnership=partnership, measure=measure, user=lead)
    return partnership, admin, lead, measure


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def settings_url(partnership):
    return reverse("kpis:partnership_settings", kwargs={"slug": partnership.slug})


def settings_form(partnership, **changes):
    return {
        "name": partnership.name,
        "reporting_year_start_month": partnership.reporting_year_start_month,
        "area_code": "",
        "comparator_area_code": "",
        **changes,
    }


# Setting it


def test_a_new_partnership_reports_from_the_quarter_it_was_made_in():
    partnership = partnership_services.partnership_create(
        name="New", slug="new", reporting_year_start_month=APRIL
    )
    assert (partnership.first_reporting_year, partnership.first_reporting_quarter) == (
        2026,
        3,
    )


def test_unset_it_is_the_earlier_of_creation_and_the_earliest_figure():
    partnership = PartnershipFactory(reporting_year_start_month=APRIL)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(partnership=partnership)
    period = services.period_get_or_create(
        partnership=partnership, quarter=Quarter(2024, 2, APRIL)
    )
    recording.quarterly_value_record(
        partnership=partnership, measure=measure, period=period, actor=admin, value=D(3)
    )
    assert first_reporting_quarter_read(partnership=partnership) == Quarter(
        2024, 2, APRIL
    )


def test_the_settings_page_sets_the_first_reporting_quarter(team):
    partnership, admin, _lead, _measure = team
    client = client_for(admin)
    page = client.get(settings_url(partnership)).content.decode()
    assert "First reporting quarter" in page
    assert 'value="2026-2" selected' in page

    response = client.post(
        settings_url(partnership),
        settings_form(partnership, first_reporting_quarter="2025-1"),
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.first_reporting_year, partnership.first_reporting_quarter) == (
        2025,
        1,
    )


def test_the_first_reporting_quarter_cannot_be_after_a_quarter_with_figures(team):
    partnership, admin, lead, measure = team
    period = services.period_get_or_create(partnership=partnership, quarter=FIRST)
    recording.quarterly_value_record(
        partnership=partnership, measure=measure, period=period, actor=lead, value=D(2)
    )
    response = client_for(admin).post(
        settings_url(partnership),
        settings_form(partnership, first_reporting_quarter="2026-3"),
    )
    assert response.status_code == 400
    assert "already holds figures" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.first_reporting_quarter == FIRST.quarter


def test_the_api_reads_and_sets_the_first_reporting_quarter(team):
    partnership, admin, lead, _measure = team
    url = reverse("api:partnership_settings", kwargs={"slug": partnership.slug})
    client = Client()
    answer = client.get(url, headers=bearer(admin))
    assert answer.status_code == 200
    assert answer.json()["first_reporting_quarter"] == "2026-2"

    changed = client.patch(
        url,
        json.dumps({"first_reporting_quarter": "2024-4"}),
        content_type="application/json",
        headers=bearer(admin),
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["first_reporting_quarter"] == "2024-4"
    assert changed.json()["name"] == partnership.name

    for key, message in (
        ("2026-4", "cannot be after this quarter"),
        ("1989-1", "cannot be before 1990"),
    ):
        refused = client.patch(
            url,
            json.dumps({"first_reporting_quarter": key}),
            content_type="application/json",
            headers=bearer(admin),
        )
        assert refused.status_code == 400
        [text] = refused.json()["errors"]["first_reporting_quarter"]
        assert message in text
    malformed = client.patch(
        url,
        json.dumps({"first_reporting_quarter": "Q1"}),
        content_type="application/json",
        headers=bearer(admin),
    )
    assert malformed.status_code == 400
    assert "first_reporting_quarter" in malformed.json()["errors"]

    by_lead = client.patch(
        url,
        json.dumps({"first_reporting_quarter": "2020-1"}),
        content_type="application/json",
        headers=bearer(lead),
    )
    assert by_lead.status_code == 403
    partnership.refresh_from_db()
    assert partnership.first_reporting_year == 2024


def test_another_partnerships_settings_are_not_found(team):
    partnership, admin, _lead, _measure = team
    other = PartnershipFactory()
    url = reverse("api:partnership_settings", kwargs={"slug": other.slug})
    assert Client().get(url, headers=bearer(admin)).status_code == 404


# Figures only from the first reporting quarter on


def test_the_service_refuses_a_quarter_before_the_first_with_its_name(team):
    partnership, _admin, lead, measure = team
    period = services.period_get_or_create(partnership=partnership, quarter=BEFORE)
    with pytest.raises(ValidationError) as refused:
        recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=period,
            actor=lead,
            value=D(2),
        )
    [message] = refused.value.message_dict["quarter"]
    assert "2026/27 Q1 is before 2026/27 Q2" in message
    assert not QuarterlyValue.objects.exists()


def test_the_entry_page_offers_no_quarter_before_the_first(team):
    partnership, _admin, lead, _measure = team
    client = client_for(lead)
    url = reverse("kpis:my_measures", kwargs={"slug": partnership.slug})
    page = client.get(url).content.decode()
    assert 'value="2026-2"' in page
    assert 'value="2026-1"' not in page
    assert client.get(url, {"quarter": BEFORE.key}).status_code == 404


def test_the_api_refuses_a_quarter_before_the_first(team):
    partnership, _admin, lead, _measure = team
    response = post_json(
        Client(),
        reverse("api:value_bulk", kwargs={"slug": partnership.slug}),
        {
            "year": BEFORE.year,
            "quarter": BEFORE.quarter,
            "values": [{"measure": "CU1", "value": "4"}],
        },
        bearer(lead),
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["quarter"]
    assert "first reporting quarter" in message
    assert not QuarterlyValue.objects.exists()


def test_the_import_refuses_a_row_before_the_first(team, import_storage):
    partnership, admin, _lead, _measure = team
    job = checked_job(
        partnership,
        admin,
        csv_upload(
            [
                [BEFORE.label, "CU1", "", "", "5", "", "", ""],
                [FIRST.label, "CU1", "", "", "6", "", "", ""],
            ]
        ),
    )
    assert job.status == ImportStatus.REJECTED
    assert any(
        "2026/27 Q1 is before 2026/27 Q2" in message for message in messages_of(job)
    ), messages_of(job)
    assert not QuarterlyValue.objects.exists()


# Neither missing nor overdue, and no reminders


def test_a_quarter_before_the_first_is_not_overdue_on_the_quarter_page(team):
    partnership, _admin, _lead, _measure = team
    before = quarter_review_get(partnership=partnership, quarter=BEFORE)
    assert before.before_first_reporting
    assert before.days_overdue == 0
    first = quarter_review_get(partnership=partnership, quarter=FIRST)
    assert not first.before_first_reporting
    assert first.days_overdue > 0


@pytest.mark.parametrize(
    ("first", "sent"),
    [(Quarter(2026, 2, APRIL), 1), (Quarter(2026, 3, APRIL), 0)],
)
def test_no_reminders_for_a_quarter_before_the_first(team, mailoutbox, first, sent):
    """2026/27 Q2 is overdue on 2 November 2026: reminded only if it counts."""
    partnership, _admin, lead, _measure = team
    Partnership.objects.filter(pk=partnership.pk).update(
        first_reporting_year=first.year, first_reporting_quarter=first.quarter
    )
    partnership.refresh_from_db()
    assert reminders_send(
        partnership=partnership, today=datetime.date(2026, 11, 2)
    ) == (sent)
    assert [m.to for m in mailoutbox] == [[lead.email]] * sent


def test_the_migration_sets_each_partnership_s_as_it_was_derived():
    """kpis 0023 sets the earlier of the creation quarter and the earliest
    figure's for every partnership that has none, and leaves the others."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module(
        "kpis.migrations.0023_milestone_due_quarter_digest_sent"
    )
    with_history = PartnershipFactory(reporting_year_start_month=APRIL)
    MeasureFactory(partnership=with_history)
    admin = MembershipFactory(partnership=with_history, role=Role.ADMIN).user
    period = services.period_get_or_create(
        partnership=with_history, quarter=Quarter(2023, 4, APRIL)
    )
    recording.quarterly_value_record(
        partnership=with_history,
        measure=with_history.performancemeasure_set.get(),
        period=period,
        actor=admin,
        value=D(1),
    )
    new = PartnershipFactory(reporting_year_start_month=APRIL)
    already = PartnershipFactory(
        reporting_year_start_month=APRIL,
        first_reporting_year=2020,
        first_reporting_quarter=2,
    )

    migration.first_reporting_quarters_set(apps, SimpleNamespace(connection=connection))

    found = {
        p.pk: (p.first_reporting_year, p.first_reporting_quarter)
        for p in Partnership.objects.filter(
            pk__in=[with_history.pk, new.pk, already.pk]
        )
    }
    assert found == {
        with_history.pk: (2023, 4),
        new.pk: (2026, 3),
        already.pk: (2020, 2),
    }
