"""A quarter that has ended without a figure is missing: said, never Off track.

The demo's case: 76, 86 and 81 against a quarterly share of 75, with Q1
not reported, is judged against three quarters' share of the target (225),
not against the whole year's 300, and every place showing the status says
that Q1 was not reported.
"""

import datetime
import re
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kpis import recording, services
from kpis.models import Aggregation, ValueType
from kpis.periods import Quarter
from partnerships.models import Partnership, Role
from reports.annual import annual_report_document, render_pdf
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    MissionFactory,
    PartnershipFactory,
    QuarterlyValueFactory,
)

from .test_annual_report import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

YEAR = 2024


def record(partnership, measure, admin, quarter, value):
    period = services.period_get_or_create(
        partnership=partnership,
        quarter=Quarter(YEAR, quarter, partnership.reporting_year_start_month),
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=period,
        actor=admin,
        value=D(value),
    )


@pytest.fixture
def q1_missing():
    partnership = PartnershipFactory()
    MissionFactory(partnership=partnership)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    events = MeasureFactory(
        partnership=partnership,
        code="C4C-01",
        name="Partners at C4C collaborative events",
        annual_target=300,
        is_headline=True,
    )
    # Another measure reported Q1, so Q1 counts: it is missing for events.
    other = MeasureFactory(partnership=partnership, code="C4C-02", annual_target=4)
    record(partnership, other, admin, 1, 1)
    for quarter, value in ((2, 76), (3, 86), (4, 81)):
        record(partnership, events, admin, quarter, value)
    return partnership, admin, events


def test_the_dashboard_says_q1_is_missing_rather_than_off_track(client, q1_missing):
    partnership, admin, events = q1_missing
    client.force_login(admin)
    page = client.get(
        reverse("reports:dashboard", kwargs={"slug": partnership.slug}),
        {"year": YEAR},
    ).content.decode()
    row = page[page.index(events.name) :]
    row = row[: row.index("</li>")]
    assert "243" in row
    assert "On track" in row and "Off track" not in row
    assert "Q1 not reported" in row


def test_the_measure_page_says_q1_is_missing(client, q1_missing):
    partnership, admin, events = q1_missing
    client.force_login(admin)
    page = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": events.pk},
        )
    ).content.decode()
    year = page[page.index("2024/25</th>") :]
    year = year[: year.index("</tr>")]
    assert "3 of 4" in year
    assert "225" in year  # the target for the three quarters reported
    assert "On track" in year and "Q1 not reported" in year


def test_the_report_says_q1_is_missing_rather_than_off_track(q1_missing):
    partnership, _admin, events = q1_missing
    document = annual_report_document(partnership=partnership, year=YEAR)
    _reader, text = pdf_text(render_pdf(document.html).content)
    # The appendix row: code, name, question, figure, target, status.
    row = re.search(
        r"C4C-01 Partners at C4C collaborative events .*? 243 300 "
        # The target the status judged by, for the quarters reported.
        r"225 for the 3 quarters reported "
        r"(On track|At risk|Off track) ?(Q1 not reported)?",
        text,
    )
    assert row, text
    assert row.group(1) == "On track" and row.group(2), row.group(0)
    headline = text[text.index("Figure 2024/25") :]
    assert "A quarter that has ended without a figure is missing" in text
    assert re.match(
        r"Figure 2024/25 243 Annual target 300 225 for the 3 quarters reported "
        r"Status On track ?Q1 not reported",
        headline,
    ), headline[:200]


def test_quarters_before_the_first_reporting_quarter_are_not_missing(client):
    partnership = PartnershipFactory()
    # Created in 2024/25 Q3 (September start: March to May 2025).
    Partnership.objects.filter(pk=partnership.pk).update(
        created_at=datetime.datetime(2025, 4, 1, tzinfo=ZoneInfo("Europe/London"))
    )
    partnership.refresh_from_db()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(partnership=partnership, annual_target=100)
    record(partnership, measure, admin, 4, 50)
    client.force_login(admin)
    page = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": partnership.slug, "pk": measure.pk},
        )
    ).content.decode()
    year = page[page.index("2024/25</th>") :]
    year = year[: year.index("</tr>")]
    # Q1 and Q2 were before the partnership: only Q3 is missing.
    assert "1 of 2" in year
    assert "Q3 not reported" in year
    assert "Q1" not in year and "Q2" not in year


def test_a_quarter_before_the_partnership_existed_is_not_overdue(client):
    # Created now (2026/27 Q1, the pinned clock) with no figures before it.
    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    MeasureFactory(partnership=partnership)
    client.force_login(admin)
    before = Quarter(2025, 4, partnership.reporting_year_start_month)
    page = client.get(
        reverse("kpis:quarter_review", kwargs={"slug": partnership.slug}),
        {"quarter": before.key},
    ).content.decode()
    assert "overdue" not in page.replace("remind_when_overdue", "").replace(
        "figures are overdue", ""
    )
    assert "first reporting quarter: nothing is due" in page.replace("&#x27;", "'")


def test_a_stored_rate_only_quarter_is_named_on_the_dashboard(client):
    measure = MeasureFactory(
        name="Partners satisfied",
        value_type=ValueType.PERCENTAGE,
        aggregation=Aggregation.RATIO_OF_SUMS,
        annual_target=80,
    )
    partnership = measure.partnership
    MissionFactory(partnership=partnership)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    start = partnership.reporting_year_start_month
    # Stored before entry refused it (the factory writes it directly).
    QuarterlyValueFactory(
        measure=measure,
        period=services.period_get_or_create(
            partnership=partnership, quarter=Quarter(YEAR, 1, start)
        ),
        value=D(50),
    )
    for quarter in (2, 3, 4):
        QuarterlyValueFactory(
            measure=measure,
            period=services.period_get_or_create(
                partnership=partnership, quarter=Quarter(YEAR, quarter, start)
            ),
            value=None,
            numerator=45,
            denominator=50,
        )
    client.force_login(admin)
    page = client.get(
        reverse("reports:dashboard", kwargs={"slug": partnership.slug}),
        {"year": YEAR},
    ).content.decode()
    row = page[page.index(measure.name) :]
    row = row[: row.index("</li>")]
    assert "90%" in row
    assert "Q1 given only as a rate, not counted" in row
