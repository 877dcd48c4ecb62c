"""End to end: an admin's My measures for a partnership of more measures than
``ENTRY_FORMS_OPEN``. Each measure is a line with its figures and state; its
form opens in place (htmx, focus on the measure's name) and saves there, or,
without JavaScript, opens as the page with that form, and saves with a
redirect. One priority's list opens every form. axe at 1366x900 and 390x844
on each state; screenshots ``test-artifacts/NN-long-list-*.png``."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kpis import recording as kpi_recording
from kpis import selectors as kpi_selectors
from kpis import services as kpi_services
from kpis.models import (
    Aggregation,
    Direction,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ValueType,
)
from kpis.periods import Quarter
from kpis.views import ENTRY_FORMS_OPEN
from outcomes import services as outcome_services
from outcomes.models import Horizon, Priority
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Partnership, Role, User
from tests.browser.flows import DESKTOP, PHONE, check_both_sizes
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]


@dataclass
class Scenario:
    partnership: Partnership
    measures: list[PerformanceMeasure]
    small: Priority
    admin: User
    quarter: Quarter

    @property
    def path(self) -> str:
        return f"/p/{self.partnership.slug}/my-measures/"


@pytest.fixture
def scenario(transactional_db) -> Scenario:
    """ENTRY_FORMS_OPEN + 4 measures under "Homes", three under "Work"; the
    first has a figure this quarter."""
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Humber Estuary Partnership",
            slug="humber",
            reporting_year_start_month=4,
        )
        measures = []
        priorities = []
        for name, count in (("Homes", ENTRY_FORMS_OPEN + 4), ("Work", 3)):
            priority = outcome_services.priority_upsert(
                partnership=partnership,
                name=name,
                mission_statement=f"{name} for everyone on the estuary.",
            )
            priorities.append(priority)
            outcome = outcome_services.outcome_upsert(
                partnership=partnership,
                priority=priority,
                statement=f"More people have {name.lower()}",
                horizon=Horizon.SHORT,
            )
            for n in range(count):
                measures.append(
                    kpi_services.measure_upsert(
                        partnership=partnership,
                        code=f"{name[0]}{n + 1:02d}",
                        name=f"{name}: measure number {n + 1}",
                        priority=priority,
                        outcome=outcome,
                        question=Question.HOW_MUCH,
                        value_type=ValueType.COUNT,
                        aggregation=Aggregation.SUM,
                        direction=Direction.UP,
                        annual_target=Decimal(100),
                    )
                )
        admin = UserFactory(email="ali.admin@example.net", full_name="Ali Admin")
        partnership_services.membership_grant(
            partnership=partnership, user=admin, role=Role.ADMIN
        )
        quarter = kpi_selectors.current_quarter(partnership=partnership)
    with tenancy.partnership_scope(partnership.pk):
        kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=measures[0],
            period=kpi_services.period_get_or_create(
                partnership=partnership, quarter=quarter
            ),
            value=Decimal(17),
            story="The spring lettings.",
            actor=admin,
        )
    return Scenario(partnership, measures, priorities[1], admin, quarter)


def sign_in(browser, live_server, user: User, *, javascript: bool = True) -> Page:
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)
    return page


def line(page: Page, measure: PerformanceMeasure):
    return page.locator(f"#measure-{measure.pk}")


def stored(scenario: Scenario, measure: PerformanceMeasure) -> Decimal | None:
    with tenancy.partnership_scope(scenario.partnership.pk):
        return (
            QuarterlyValue.objects.filter(
                measure=measure,
                period__year=scenario.quarter.year,
                period__quarter=scenario.quarter.quarter,
            )
            .values_list("value", flat=True)
            .first()
        )


@pytest.mark.django_db(transaction=True)
def test_a_long_list_opens_each_form_in_place(live_server, browser, scenario, a11y):
    page = sign_in(browser, live_server, scenario.admin)
    page.goto(scenario.path)
    measures = scenario.measures
    expect(page.locator(".entry--summary")).to_have_count(len(measures))
    expect(page.locator("form.entry")).to_have_count(0)
    first = line(page, measures[0])
    expect(first.get_by_role("definition").first).to_have_text("17")
    expect(first.get_by_role("link", name="Change the figure")).to_be_visible()
    check_both_sizes(page, a11y, "long list")

    wanted = measures[4]
    line(page, wanted).get_by_role("link", name="Enter the figure").click()
    form = page.locator(f"form#measure-{wanted.pk}")
    expect(form).to_be_visible()
    # In place: the address is the list's, and focus is on the opened name.
    assert "open=" not in page.url
    expect(form.get_by_role("heading", name=wanted.name)).to_be_focused()
    expect(page.locator("form.entry")).to_have_count(1)
    check_both_sizes(page, a11y, "long list with a form open")

    form.get_by_label("Count", exact=True).fill("23")
    form.get_by_label("The story behind the number").fill("New tenancies.")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    expect(page.locator("#submit-quarter")).to_contain_text(
        "2 saved figures are not submitted yet."
    )
    assert stored(scenario, wanted) == Decimal(23)

    # One priority's three measures: every form open.
    page.get_by_label("Priority").select_option(label="Work (3)")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("form.entry")).to_have_count(3)
    expect(page.locator(".entry--summary")).to_have_count(0)
    check_both_sizes(page, a11y, "long list one priority")
    a11y.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_a_long_list_works_without_javascript(live_server, browser, scenario, a11y):
    page = sign_in(browser, live_server, scenario.admin, javascript=False)
    page.goto(scenario.path)
    wanted = scenario.measures[-1]
    line(page, wanted).get_by_role("link", name="Enter the figure").click()
    assert f"open={wanted.pk}" in page.url
    form = page.locator(f"form#measure-{wanted.pk}")
    expect(form).to_be_visible()
    expect(page.locator("form.entry")).to_have_count(1)
    expect(page.locator(".entry--summary")).to_have_count(len(scenario.measures) - 1)
    for size, label in ((DESKTOP, "1366"), (PHONE, "390")):
        page.set_viewport_size(size)
        a11y.check(page, f"long list no script form open at {label}", javascript=False)
    page.set_viewport_size(DESKTOP)

    form.get_by_label("Count", exact=True).fill("8")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(f"Saved {wanted.name}")
    expect(line(page, wanted).get_by_role("definition").first).to_have_text("8")
    expect(page.locator("form.entry")).to_have_count(0)
    assert stored(scenario, wanted) == Decimal(8)
    a11y.assert_clean()
