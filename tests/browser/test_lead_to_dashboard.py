"""End to end: a project lead reports a quarter; the steering group sees it.

One journey through a real browser against ``live_server``: the lead enters a
value with htmx (and is told off for a non-number), then again with
JavaScript off through the plain form; the steering-group member then sees the
figure on the dashboard and the story on the measure page, and cannot reach
another partnership. axe checks every page on the way, and each page is saved
as a screenshot in ``test-artifacts/``.
"""

import re
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
from outcomes import services as outcome_services
from outcomes.models import Horizon
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Partnership, Role, User
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, UserFactory

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

MEASURE_NAME = "Schools engaged in the Children's University"
STORY_JS = "Three more secondary schools joined after the autumn open evenings."
STORY_PLAIN = (
    "A fourth school joined in the last week of the quarter, after the "
    "head teachers' forum."
)
NOT_A_NUMBER = "Enter a number, like 12 or 12.5."


@dataclass
class Scenario:
    partnership: Partnership
    other: Partnership
    measure: PerformanceMeasure
    lead: User
    steering: User
    quarter: Quarter
    earlier_in_year: list[int]


@pytest.fixture
def scenario(transactional_db) -> Scenario:
    """One partnership's framework, a lead, a steering member, and a stranger.

    ``live_server`` serves from its own connection, so the data is committed;
    row-level security admits no write without a tenant context, hence the
    platform scope.
    """
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Tees Valley Learning Partnership",
            slug="tees-valley",
            reporting_year_start_month=9,
        )
        outcome_services.mission_set(
            partnership=partnership,
            statement="Every child in the Tees Valley finds a love of learning",
            target_year=2030,
        )
        priority = outcome_services.priority_upsert(
            partnership=partnership,
            name="Learning beyond the classroom",
            mission_statement="To widen what children learn and where they learn it.",
        )
        outcome = outcome_services.outcome_upsert(
            partnership=partnership,
            priority=priority,
            statement="Children take part in learning outside school hours",
            horizon=Horizon.SHORT,
        )
        measure = kpi_services.measure_upsert(
            partnership=partnership,
            code="CU1",
            name=MEASURE_NAME,
            priority=priority,
            outcome=outcome,
            question=Question.HOW_MUCH,
            value_type=ValueType.COUNT,
            aggregation=Aggregation.SUM,
            direction=Direction.UP,
            annual_target=Decimal(50),
            is_headline=True,
        )
        kpi_services.measure_upsert(
            partnership=partnership,
            code="CU2",
            name="Pupils gaining a Children's University award",
            priority=priority,
            outcome=outcome,
            question=Question.BETTER_OFF,
            value_type=ValueType.PERCENTAGE,
            aggregation=Aggregation.RATIO_OF_SUMS,
            direction=Direction.UP,
            annual_target=Decimal(60),
            is_headline=True,
        )
        lead = UserFactory(email="lena.lead@example.net", full_name="Lena Lead")
        steering = UserFactory(
            email="sam.steering@example.net", full_name="Sam Steering"
        )
        partnership_services.membership_grant(
            partnership=partnership, user=lead, role=Role.LEAD
        )
        partnership_services.membership_grant(
            partnership=partnership, user=steering, role=Role.VIEWER
        )
        kpi_services.measure_assign_lead(
            partnership=partnership, measure=measure, user=lead
        )

        # Two earlier quarters, so the dashboard has a trend to draw: the
        # partnership brings them, so it reports from the first of them.
        quarter = kpi_selectors.current_quarter(partnership=partnership)
        first = quarter.back(3)[0]
        partnership.first_reporting_year = first.year
        partnership.first_reporting_quarter = first.quarter
        partnership.save(
            update_fields=["first_reporting_year", "first_reporting_quarter"]
        )
        earlier_in_year = []
        for earlier, value in zip(quarter.back(3)[:-1], (9, 12), strict=True):
            if earlier.year == quarter.year:
                earlier_in_year.append(value)
            kpi_recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=kpi_services.period_get_or_create(
                    partnership=partnership, quarter=earlier
                ),
                actor=lead,
                value=Decimal(value),
                story=f"{value} schools by the end of {earlier.label}.",
            )

        # A partnership the steering member does not belong to.
        other = partnership_services.partnership_create(
            name="Humber Skills Partnership",
            slug="humber-skills",
            reporting_year_start_month=9,
        )
        partnership_services.membership_grant(
            partnership=other, user=UserFactory(), role=Role.ADMIN
        )
    return Scenario(
        partnership, other, measure, lead, steering, quarter, earlier_in_year
    )


def stored_value(scenario: Scenario) -> QuarterlyValue | None:
    with tenancy.platform_scope():
        return (
            QuarterlyValue.objects.filter(
                measure=scenario.measure,
                period__year=scenario.quarter.year,
                period__quarter=scenario.quarter.quarter,
            )
            .select_related("period")
            .first()
        )


def sign_in(page: Page, user: User, a11y=None) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    if a11y is not None:
        a11y.check(page, "login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def entry_form(page: Page):
    """The measure's own form on My measures (labelled by the measure's name)."""
    return page.get_by_role("form", name=MEASURE_NAME)


@pytest.mark.django_db(transaction=True)
def test_lead_reports_a_quarter_and_the_steering_group_sees_it(
    live_server, browser, scenario, a11y
):
    expect.set_options(timeout=10_000)
    dashboard_path = f"/p/{scenario.partnership.slug}/"
    dashboard_url = re.compile(re.escape(live_server.url + dashboard_path) + "$")
    my_measures_url = re.compile(
        re.escape(f"{live_server.url}{dashboard_path}my-measures/")
    )

    # --- The lead, with JavaScript: htmx saves the row in place. -----------
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, scenario.lead, a11y)
    # One membership: straight to the partnership's dashboard.
    expect(page).to_have_url(dashboard_url)
    expect(
        page.get_by_role("heading", level=1, name=scenario.partnership.name)
    ).to_be_visible()
    a11y.check(page, "dashboard (lead)")

    # My quarter (figures and action updates), then its figures' entry.
    main_nav(page).get_by_role("link", name="My quarter").click()
    page.get_by_role("link", name="Enter my figures").click()
    expect(page).to_have_url(my_measures_url)
    expect(page.get_by_role("heading", level=1, name="My measures")).to_be_visible()
    a11y.check(page, "my measures")

    form = entry_form(page)
    expect(form.get_by_role("heading", name=MEASURE_NAME)).to_be_visible()
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: (
            navigations.append(frame.url) if frame == page.main_frame else None
        ),
    )
    # A full page load would wipe this marker; an htmx swap keeps it.
    page.evaluate("window.__civicSamePage = true")

    form.get_by_label("Count").fill("17")
    form.get_by_label("The story behind the number").fill(STORY_JS)
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    assert page.evaluate("window.__civicSamePage === true"), "the page reloaded"
    assert navigations == []
    # The swap replaced the button; htmx puts focus back on its successor.
    expect(form.get_by_role("button", name=re.compile(r"^Save\b"))).to_be_focused()
    expect(form.get_by_label("Count")).to_have_value("17")
    saved = stored_value(scenario)
    assert saved is not None
    assert saved.value == 17
    assert saved.story == STORY_JS
    a11y.check(page, "my measures saved (htmx)")

    # Bad input: the message appears beside the field and nothing is stored.
    form.get_by_label("Count").fill("lots")
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    count_field = form.locator(".field", has=page.get_by_label("Count"))
    expect(count_field.get_by_text(NOT_A_NUMBER)).to_be_visible()
    expect(form.get_by_label("Count")).to_have_value("lots")
    expect(form.get_by_label("Count")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Count")).to_have_accessible_description(
        re.compile(re.escape(NOT_A_NUMBER))
    )
    expect(form.get_by_role("status")).not_to_have_text("Saved.")
    assert page.evaluate("window.__civicSamePage === true"), "the page reloaded"
    assert navigations == []
    unchanged = stored_value(scenario)
    assert unchanged.value == 17
    assert unchanged.story == STORY_JS
    assert unchanged.updated_at == saved.updated_at
    a11y.check(page, "my measures with an error (htmx)")

    # --- The lead again, JavaScript off: the plain form posts and redirects.
    plain_context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False
    )
    plain = plain_context.new_page()
    sign_in(plain, scenario.lead)
    expect(plain).to_have_url(dashboard_url)
    main_nav(plain).get_by_role("link", name="My quarter").click()
    plain.get_by_role("link", name="Enter my figures").click()
    expect(plain).to_have_url(my_measures_url)
    plain_form = entry_form(plain)
    expect(plain_form.get_by_label("Count")).to_have_value("17")
    expect(plain_form.get_by_label("The story behind the number")).to_have_value(
        STORY_JS
    )
    plain_form.get_by_label("Count").fill("18")
    plain_form.get_by_label("The story behind the number").fill(STORY_PLAIN)
    with plain.expect_navigation():
        plain_form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    quarter_key = scenario.quarter.key
    expect(plain).to_have_url(
        re.compile(
            re.escape(f"my-measures/?quarter={quarter_key}#measure-")
            + str(scenario.measure.pk)
            + "$"
        )
    )
    expect(
        plain.get_by_role("status").filter(
            has_text=f"Saved {MEASURE_NAME} for {scenario.quarter.label}."
        )
    ).to_be_visible()
    expect(entry_form(plain).get_by_label("Count")).to_have_value("18")
    saved = stored_value(scenario)
    assert saved.value == 18
    assert saved.story == STORY_PLAIN
    a11y.check(plain, "my measures saved (no JavaScript)", javascript=False)
    plain_context.close()

    # --- The lead signs out; the steering member signs in. ----------------
    main_nav(page).get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_have_count(0)
    sign_in(page, scenario.steering)
    expect(page).to_have_url(dashboard_url)
    expect(main_nav(page).get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="My quarter")).to_have_count(0)

    table = page.get_by_role("table", name="Headline measures")
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(re.escape(MEASURE_NAME)))
    )
    expect(row).to_have_count(1)
    cells = row.locator("th, td")
    expect(cells.nth(headers.index("Latest quarter"))).to_contain_text(
        re.compile(r"^\s*18\b")
    )
    expect(cells.nth(headers.index("Latest quarter"))).to_contain_text(
        scenario.quarter.label
    )
    # The year so far adds the earlier figures of the same reporting year: none
    # when this is the year's first quarter, 12 (or 9 and 12) later in the year.
    year_so_far = f"{scenario.quarter.year_label} so far"
    expect(cells.nth(headers.index(year_so_far))).to_have_text(
        str(18 + sum(scenario.earlier_in_year))
    )
    a11y.check(page, "dashboard (steering)")

    row.get_by_role("link", name=MEASURE_NAME).click()
    expect(page).to_have_url(
        re.compile(re.escape(f"{dashboard_path}measures/{scenario.measure.pk}/") + "$")
    )
    expect(page.get_by_role("heading", level=1, name=MEASURE_NAME)).to_be_visible()
    stories = page.get_by_role("list").filter(
        has=page.get_by_role("heading", name=scenario.quarter.label)
    )
    expect(stories.get_by_text(STORY_PLAIN)).to_be_visible()
    expect(page.get_by_role("link", name="Enter this quarter's value")).to_have_count(0)
    a11y.check(page, "measure page (steering)")

    # Another partnership's dashboard is as absent as one that does not exist.
    response = page.goto(f"/p/{scenario.other.slug}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text(scenario.other.name)).to_have_count(0)
    expect(page.get_by_role("link", name="My quarter")).to_have_count(0)
    a11y.check(page, "other partnership (404)")

    context.close()
    a11y.assert_clean()
