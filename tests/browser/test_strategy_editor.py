"""The admin builds a framework in the strategy editor, in a real browser.

A priority, an outcome under it and two measures, each with targets for two
reporting years, through the editor's plain forms; one refusal is shown
beside its field. axe checks every page at 1366x900 and 390x844.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kpis.models import MeasureTarget, PerformanceMeasure
from outcomes.models import Outcome, Priority
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Role
from tests.browser.flows import add_measure, check_both_sizes, sign_in
from tests.browser.navigation import nav_link
from tests.factories import UserFactory

# The clock is pinned (tests/conftest.py): 16 November 2026, so with a
# September year the current reporting year is 2026/27.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]


@pytest.fixture
def admin(transactional_db):
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Flintshire Health Partnership",
            slug="flintshire-health",
            reporting_year_start_month=9,
        )
        user = UserFactory(email="ada.admin@example.net", full_name="Ada Admin")
        partnership_services.membership_grant(
            partnership=partnership, user=user, role=Role.ADMIN
        )
    return partnership, user


@pytest.mark.django_db(transaction=True)
def test_the_admin_builds_a_priority_an_outcome_and_two_measures(
    live_server, browser, admin, a11y
):
    partnership, user = admin
    expect.set_options(timeout=10_000)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, user.email)
    nav_link(page, "Strategy").click()
    expect(page.get_by_role("heading", level=1, name="Strategy")).to_be_visible()
    check_both_sizes(page, a11y, "strategy, empty")

    add = page.get_by_role("form", name="Add a priority")
    add.get_by_label("Name").fill("Healthy communities")
    add.get_by_label("Mission statement").fill("People in Flintshire live well.")
    add.get_by_role("button", name="Add the priority").click()
    expect(page.get_by_role("status")).to_contain_text("Added the priority.")

    add = page.get_by_role("form", name="Add an outcome")
    add.get_by_label("Outcome").fill("More people are active every week")
    add.get_by_label("Priority").select_option(label="Healthy communities")
    add.get_by_label("Horizon").select_option(label="Short term (1–2 years)")
    add.get_by_role("button", name="Add the outcome").click()
    expect(page.get_by_role("status")).to_contain_text("Added the outcome.")
    check_both_sizes(page, a11y, "strategy with a priority and an outcome")

    # A refusal first: a percentage target above 100, shown beside the field.
    add_measure(
        page,
        "ACT-2",
        "Adults active for 150 minutes a week",
        "Percentage",
        "Mean of the quarters",
        {"2026/27": "140", "2027/28": "45"},
    )
    page.get_by_role("button", name="Save the measure").click()
    expect(
        page.get_by_text("The target for 2026 is a percentage: at most 100.")
    ).to_be_visible()
    check_both_sizes(page, a11y, "measure refused")
    page.get_by_label("Target for 2026/27").fill("40")
    page.get_by_role("button", name="Save the measure").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Adults active")

    add_measure(
        page,
        "ACT-1",
        "Sessions run",
        "Count",
        "Sum of the quarters",
        {"2026/27": "120", "2027/28": "150"},
    )
    check_both_sizes(page, a11y, "add a measure")
    page.get_by_role("button", name="Save the measure").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Sessions run")
    expect(
        page.get_by_role("link", name=re.compile("ACT-1 Sessions run"))
    ).to_be_visible()
    check_both_sizes(page, a11y, "strategy with two measures")
    context.close()

    with tenancy.platform_scope():
        priority = Priority.objects.get(partnership=partnership)
        outcome = Outcome.objects.get(partnership=partnership)
        assert outcome.priority == priority
        measures = PerformanceMeasure.objects.filter(partnership=partnership)
        assert {m.code: m.outcome_id for m in measures} == {
            "ACT-1": outcome.pk,
            "ACT-2": outcome.pk,
        }
        targets = {
            (t.measure.code, t.year): t.target
            for t in MeasureTarget.objects.filter(partnership=partnership)
        }
        assert targets == {
            ("ACT-1", 2026): Decimal(120),
            ("ACT-1", 2027): Decimal(150),
            ("ACT-2", 2026): Decimal(40),
            ("ACT-2", 2027): Decimal(45),
        }
    a11y.assert_clean()
