"""End to end: a quarter's figures go through review and are locked.

A lead enters two measures in place with htmx (one broken down by an
exhaustive age group, whose cells must add up to the total) and submits the
quarter; an admin, in another browser, returns one with a reason; the lead
sees why, corrects it and submits again; the admin approves both and locks
the quarter. The measure page's history tells the whole story, the database
refuses to change the locked figure, and the lead's page shows the lock.

A second journey has two people save the same figure: the one whose page is
out of date is told, sees the value now stored and keeps what they typed.

A third test builds the same states through the services and runs axe on
My measures (a returned figure and the breakdown grid), the quarter page as
an admin sees it, and the measure page with a quarter's history open. Every
state is saved as a full-page screenshot ``test-artifacts/review-*.png``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import pghistory
import pytest
from django.db import IntegrityError
from playwright.sync_api import Page, expect

from kpis import recording as kpi_recording
from kpis import review as kpi_review
from kpis import selectors as kpi_selectors
from kpis import services as kpi_services
from kpis.models import (
    Aggregation,
    Dimension,
    DimensionCategory,
    Direction,
    PerformanceMeasure,
    QuarterlyValue,
    Question,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter
from outcomes import services as outcome_services
from outcomes.models import Horizon
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Partnership, Role, User
from tests.browser.conftest import AccessibilityChecker, _format_violations
from tests.browser.navigation import nav_link
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, UserFactory

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
# The database's clock is not: the measure's history takes every time it lists
# (value events and lock changes alike) from the database, so its order holds.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

CLUBS = "Young people attending youth clubs"
SESSIONS = "Youth club sessions run"
AGE_GROUPS = ("Under 11", "11 to 15", "16 to 18")
RETURN_REASON = (
    "The total leaves out the October half-term sessions; the register "
    "says 46 young people came."
)
SAVE = re.compile(r"^Save\b")


@dataclass
class Scenario:
    partnership: Partnership
    clubs: PerformanceMeasure
    sessions: PerformanceMeasure
    categories: dict[str, DimensionCategory]
    lead: User
    admin: User
    quarter: Quarter

    @property
    def quarter_key(self) -> str:
        return self.quarter.key

    @property
    def my_measures_path(self) -> str:
        return f"/p/{self.partnership.slug}/my-measures/?quarter={self.quarter_key}"


@pytest.fixture
def scenario(transactional_db) -> Scenario:
    """A lead with two measures, one broken down by an exhaustive age group."""
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Tees Valley Youth Partnership",
            slug="tees-youth",
            reporting_year_start_month=4,
        )
        priority = outcome_services.priority_upsert(
            partnership=partnership,
            name="Somewhere to go",
            mission_statement="To give every young person a place to belong.",
        )
        outcome = outcome_services.outcome_upsert(
            partnership=partnership,
            priority=priority,
            statement="Young people take part in youth clubs",
            horizon=Horizon.SHORT,
        )
        age_group = Dimension.objects.create(
            partnership=partnership, name="Age group", is_exhaustive=True
        )
        categories = {
            name: DimensionCategory.objects.create(
                partnership=partnership,
                dimension=age_group,
                name=name,
                position=position,
            )
            for position, name in enumerate(AGE_GROUPS)
        }
        common = {
            "priority": priority,
            "outcome": outcome,
            "question": Question.HOW_MUCH,
            "value_type": ValueType.COUNT,
            "aggregation": Aggregation.SUM,
            "direction": Direction.UP,
            "is_headline": True,
        }
        clubs = kpi_services.measure_upsert(
            partnership=partnership,
            code="YC1",
            name=CLUBS,
            unit="young people",
            annual_target=Decimal(160),
            breakdown_first=age_group,
            **common,
        )
        sessions = kpi_services.measure_upsert(
            partnership=partnership,
            code="YC2",
            name=SESSIONS,
            unit="sessions",
            annual_target=Decimal(96),
            **common,
        )
        lead = UserFactory(email="lena.lead@example.net", full_name="Lena Lead")
        admin = UserFactory(email="ada.admin@example.net", full_name="Ada Admin")
        partnership_services.membership_grant(
            partnership=partnership, user=lead, role=Role.LEAD
        )
        partnership_services.membership_grant(
            partnership=partnership, user=admin, role=Role.ADMIN
        )
        for measure in (clubs, sessions):
            kpi_services.measure_assign_lead(
                partnership=partnership, measure=measure, user=lead
            )
        quarter = kpi_selectors.current_quarter(partnership=partnership)
    return Scenario(partnership, clubs, sessions, categories, lead, admin, quarter)


class ReviewScreens(AccessibilityChecker):
    """The shared axe checker, saving its screenshots as ``review-<label>.png``."""

    def shot(self, page: Page, label: str) -> None:
        slug = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")
        page.screenshot(path=str(self.directory / f"review-{slug}.png"), full_page=True)

    def check(self, page: Page, label: str, *, javascript: bool = True) -> None:
        self.shot(page, label)
        violations = self._violations(page)
        if violations:
            report = _format_violations(f"{label} ({page.url})", violations)
            print(report)
            self.reports.append(report)


@pytest.fixture
def screens(browser, artifacts_dir) -> ReviewScreens:
    return ReviewScreens(browser, artifacts_dir)


def stored(scenario: Scenario, measure: PerformanceMeasure) -> QuarterlyValue | None:
    with tenancy.partnership_scope(scenario.partnership.pk):
        return (
            QuarterlyValue.objects.filter(
                measure=measure,
                period__year=scenario.quarter.year,
                period__quarter=scenario.quarter.quarter,
            )
            .select_related("period", "entered_by")
            .first()
        )


def sign_in(browser, live_server, user: User) -> Page:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    return page


def entry(page: Page, name: str):
    """A measure's block on My measures: a form when editable, else a group."""
    return page.locator(
        ".entry", has=page.get_by_role("heading", name=name, exact=True)
    )


def save(form) -> None:
    form.get_by_role("button", name=SAVE).click()


def review_row(page: Page, name: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(re.escape(name)))
    )


def messages(page: Page):
    return page.locator(".messages")


@pytest.mark.django_db(transaction=True)
def test_a_quarter_goes_through_review_and_is_locked(
    live_server, browser, scenario, screens
):
    expect.set_options(timeout=10_000)
    label = scenario.quarter.label
    cell = {name: str(c.pk) for name, c in scenario.categories.items()}
    problems: list[str] = []

    # --- The lead enters both figures in place. ---------------------------
    lead = sign_in(browser, live_server, scenario.lead)
    # My quarter (figures and action updates), then its figures' entry.
    lead.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My quarter"
    ).click()
    lead.get_by_role("link", name="Enter my figures").click()
    expect(lead.get_by_role("heading", level=1, name="My measures")).to_be_visible()
    lead.evaluate("window.__civicSamePage = true")

    sessions = entry(lead, SESSIONS)
    sessions.get_by_label("Sessions", exact=True).fill("24")
    sessions.get_by_label("The story behind the number").fill(
        "Two clubs a week in each of the three towns, all term."
    )
    save(sessions)
    expect(sessions.get_by_role("status")).to_have_text("Saved.")
    assert stored(scenario, scenario.sessions).value == 24

    clubs = entry(lead, CLUBS)
    grid = clubs.get_by_role("group", name="Breakdown by Age group")
    expect(grid).to_be_visible()
    clubs.get_by_label("Young people", exact=True).fill("40")
    for name, amount in zip(AGE_GROUPS, ("12", "18", "5"), strict=True):
        grid.get_by_label(name, exact=True).fill(amount)
    clubs.get_by_label("The story behind the number").fill(
        "The new Thornaby club opened in the second week of term."
    )
    save(clubs)
    mismatch = (
        "The cells add up to 35, but the total is 40. "
        "Everyone counts in exactly one cell."
    )
    # The message is in the measure's form at once...
    expect(clubs.get_by_role("alert").filter(has_text=mismatch)).to_have_count(1)
    # ...and belongs beside the grid, not only in the summary at the form's top.
    # Checked here, reported at the end, so the rest of the cycle still runs.
    if grid.get_by_role("alert").filter(has_text=mismatch).count() != 1:
        problems.append(
            "The breakdown's message is not beside the grid: the view files the "
            "service's 'breakdown' error as a non-field error, so the grid's "
            "own alert (breakdown_errors) stays empty."
        )
    expect(grid.get_by_label("16 to 18", exact=True)).to_have_value("5")
    expect(clubs.get_by_role("status")).not_to_have_text("Saved.")
    assert stored(scenario, scenario.clubs) is None, "a wrong breakdown was saved"
    screens.shot(lead, "cycle 1 my measures breakdown does not add up")

    grid.get_by_label("16 to 18", exact=True).fill("10")
    save(clubs)
    expect(clubs.get_by_role("status")).to_have_text("Saved.")
    expect(clubs.get_by_role("alert")).to_have_count(0)
    value = stored(scenario, scenario.clubs)
    assert value.value == 40
    assert value.breakdown == {
        cell["Under 11"]: 12,
        cell["11 to 15"]: 18,
        cell["16 to 18"]: 10,
    }
    assert value.status == ReviewStatus.DRAFT
    assert lead.evaluate("window.__civicSamePage === true"), "the page reloaded"
    screens.shot(lead, "cycle 2 my measures both saved")

    # --- The lead submits the quarter. ------------------------------------
    lead.get_by_role("button", name=f"Submit {label} for review").click()
    expect(messages(lead)).to_contain_text("Submitted 2 figures for review.")
    for measure in (scenario.clubs, scenario.sessions):
        assert stored(scenario, measure).status == ReviewStatus.SUBMITTED
        expect(entry(lead, measure.name)).to_contain_text(
            "Submitted and waiting for review."
        )
    expect(lead.get_by_role("button", name=SAVE)).to_have_count(0)
    screens.shot(lead, "cycle 3 my measures submitted")

    # --- The admin, in another browser, returns one figure. ---------------
    admin = sign_in(browser, live_server, scenario.admin)
    nav_link(admin, "Quarter", exact=True).click()
    admin.get_by_label("Quarter", exact=True).select_option(label=label)
    admin.get_by_role("button", name="Show").click()
    expect(
        admin.get_by_role("heading", level=1, name=f"{label}: progress and review")
    ).to_be_visible()
    row = review_row(admin, CLUBS)
    expect(row.get_by_text("Submitted", exact=True)).to_be_visible()
    row.get_by_text("Return with a reason").click()
    row.get_by_label("Reason for returning").fill(RETURN_REASON)
    screens.shot(admin, "cycle 4 quarter review returning")
    row.get_by_role("button", name=re.compile(r"^Return\b")).click()
    expect(messages(admin)).to_contain_text(f"Returned {CLUBS} to its lead.")
    row = review_row(admin, CLUBS)
    expect(row.get_by_text("Returned", exact=True)).to_be_visible()
    expect(row).to_contain_text(RETURN_REASON)
    value = stored(scenario, scenario.clubs)
    assert value.status == ReviewStatus.RETURNED
    assert value.return_reason == RETURN_REASON
    assert value.reviewed_by == scenario.admin
    assert stored(scenario, scenario.sessions).status == ReviewStatus.SUBMITTED
    screens.shot(admin, "cycle 5 quarter review after return")

    # --- The lead sees why, corrects the figure and submits again. --------
    lead.goto(scenario.my_measures_path)
    clubs = entry(lead, CLUBS)
    expect(clubs.get_by_text("Returned", exact=True)).to_be_visible()
    expect(clubs.get_by_role("note")).to_contain_text(
        f"Returned by Ada Admin: {RETURN_REASON}"
    )
    expect(entry(lead, SESSIONS).get_by_role("button", name=SAVE)).to_have_count(0)
    grid = clubs.get_by_role("group", name="Breakdown by Age group")
    expect(grid.get_by_label("16 to 18", exact=True)).to_have_value("10")
    screens.shot(lead, "cycle 6 my measures with a returned figure")

    clubs.get_by_label("Young people", exact=True).fill("46")
    grid.get_by_label("11 to 15", exact=True).fill("20")
    grid.get_by_label("16 to 18", exact=True).fill("14")
    save(clubs)
    expect(clubs.get_by_role("status")).to_have_text("Saved.")
    value = stored(scenario, scenario.clubs)
    assert value.value == 46
    assert value.breakdown[cell["16 to 18"]] == 14
    assert value.status == ReviewStatus.RETURNED
    lead.get_by_role("button", name=f"Submit {label} for review").click()
    expect(messages(lead)).to_contain_text("Submitted 1 figure for review.")
    assert stored(scenario, scenario.clubs).status == ReviewStatus.SUBMITTED

    # --- The admin approves both and locks the quarter. -------------------
    admin.reload()
    for name in (CLUBS, SESSIONS):
        review_row(admin, name).get_by_role(
            "button", name=re.compile(r"^Approve\b")
        ).click()
        expect(messages(admin)).to_contain_text(f"Approved {name}.")
    for measure in (scenario.clubs, scenario.sessions):
        assert stored(scenario, measure).status == ReviewStatus.APPROVED
    admin.get_by_role("button", name=f"Lock {label}").click()
    expect(messages(admin)).to_contain_text(
        f"Locked {label}. Its figures can no longer change."
    )
    expect(
        admin.get_by_text(re.compile(r"Locked on .* by Ada Admin\."))
    ).to_be_visible()
    expect(
        admin.get_by_role("button", name=re.compile(r"^(Approve|Return)\b"))
    ).to_have_count(0)
    assert stored(scenario, scenario.clubs).period.is_locked
    screens.shot(admin, "cycle 7 quarter review locked")

    # --- The measure page tells the story, each step with who. ------------
    admin.get_by_role("link", name=CLUBS).click()
    expect(admin.get_by_role("heading", level=1, name=CLUBS)).to_be_visible()
    history = admin.locator("details.history-details").filter(
        has=admin.get_by_text(f"History of {label}")
    )
    history.get_by_text(f"History of {label}").click()
    table = history.get_by_role("table")
    expect(table).to_be_visible()
    lines = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    story = [(who, how, what) for _when, who, how, what in lines]
    assert story == [
        ("Lena Lead", "Web", "Entered 40"),
        ("Lena Lead", "Web", "Submitted for review"),
        ("Ada Admin", "Web", f"Returned: {RETURN_REASON}"),
        ("Lena Lead", "Web", "Figure 40 → 46; Breakdown changed"),
        ("Lena Lead", "Web", "Submitted for review"),
        ("Ada Admin", "Web", "Approved"),
        ("Ada Admin", "Web", "Quarter locked"),
    ], story
    screens.shot(admin, "cycle 8 measure page with history open")

    # --- The database itself refuses to change the locked figure. ---------
    with (
        pytest.raises(IntegrityError) as refused,
        tenancy.partnership_scope(scenario.partnership.pk),
    ):
        QuarterlyValue.objects.filter(pk=value.pk).update(value=Decimal(50))
    assert kpi_recording.is_locked_quarter_error(refused.value)
    assert stored(scenario, scenario.clubs).value == 46

    # --- The lead's page shows the lock, and nothing to save. -------------
    lead.goto(scenario.my_measures_path)
    expect(lead.get_by_role("note").first).to_contain_text("This quarter is locked.")
    expect(lead.get_by_role("button", name=SAVE)).to_have_count(0)
    expect(lead.get_by_role("button", name=re.compile(r"^Submit\b"))).to_have_count(0)
    for name in (CLUBS, SESSIONS):
        expect(entry(lead, name)).to_contain_text("The quarter is locked.")
    expect(entry(lead, CLUBS)).to_contain_text("46")
    screens.shot(lead, "cycle 9 my measures locked")

    lead.context.close()
    admin.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_two_people_save_the_same_figure(live_server, browser, scenario, screens):
    expect.set_options(timeout=10_000)
    first = sign_in(browser, live_server, scenario.admin)
    second = sign_in(browser, live_server, scenario.lead)
    for page in (first, second):
        page.goto(scenario.my_measures_path)
        expect(
            entry(page, SESSIONS).get_by_label("Sessions", exact=True)
        ).to_have_value("")

    # A saves 10.
    mine = entry(first, SESSIONS)
    mine.get_by_label("Sessions", exact=True).fill("10")
    save(mine)
    expect(mine.get_by_role("status")).to_have_text("Saved.")
    value = stored(scenario, scenario.sessions)
    assert (value.value, value.version, value.entered_by) == (10, 1, scenario.admin)

    # B's page still shows the form as it was; their 12 would overwrite 10.
    theirs = entry(second, SESSIONS)
    theirs.get_by_label("Sessions", exact=True).fill("12")
    save(theirs)
    alert = theirs.get_by_role("alert")
    expect(alert).to_contain_text(
        re.compile(r"Ada Admin saved this figure at \d\d:\d\d while you were editing")
    )
    expect(alert).to_contain_text("Now stored: 10")
    expect(theirs.get_by_label("Sessions", exact=True)).to_have_value("12")
    expect(theirs.get_by_role("status")).not_to_have_text("Saved.")
    value = stored(scenario, scenario.sessions)
    assert (value.value, value.version, value.entered_by) == (10, 1, scenario.admin)
    screens.shot(second, "conflict 1 second save refused")

    # Saving again, knowingly, replaces it.
    save(theirs)
    expect(theirs.get_by_role("status")).to_have_text("Saved.")
    expect(theirs.get_by_role("alert")).to_have_count(0)
    expect(theirs.get_by_label("Sessions", exact=True)).to_have_value("12")
    value = stored(scenario, scenario.sessions)
    assert (value.value, value.version, value.entered_by) == (12, 2, scenario.lead)
    screens.shot(second, "conflict 2 saved again")

    first.context.close()
    second.context.close()


@pytest.mark.django_db(transaction=True)
def test_review_pages_pass_axe(live_server, browser, scenario, screens):
    """axe on My measures (a returned figure, the grid), the quarter page
    (admin) and the measure page with a quarter's history open."""
    expect.set_options(timeout=10_000)
    partnership, quarter = scenario.partnership, scenario.quarter
    cell = {name: str(c.pk) for name, c in scenario.categories.items()}

    def as_user(user: User):
        """A service call in the partnership's scope, named in the history."""
        scope = tenancy.partnership_scope(partnership.pk)
        return scope, pghistory.context(user=user.pk, path="web")

    def record(measure, value, breakdown=None, story=""):
        scope, context = as_user(scenario.lead)
        with scope, context:
            kpi_recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=kpi_services.period_get_or_create(
                    partnership=partnership, quarter=quarter
                ),
                actor=scenario.lead,
                value=Decimal(value),
                breakdown=breakdown,
                story=story,
            )

    def submit():
        scope, context = as_user(scenario.lead)
        with scope, context:
            kpi_review.quarter_submit(
                partnership=partnership, quarter=quarter, actor=scenario.lead
            )

    record(scenario.sessions, 24, story="Two clubs a week in each town.")
    record(
        scenario.clubs,
        40,
        {cell["Under 11"]: 12, cell["11 to 15"]: 18, cell["16 to 18"]: 10},
        story="The new Thornaby club opened in the second week of term.",
    )
    submit()
    clubs_value = stored(scenario, scenario.clubs)
    scope, context = as_user(scenario.admin)
    with scope, context:
        kpi_review.value_return(
            partnership=partnership,
            value_id=clubs_value.pk,
            actor=scenario.admin,
            reason=RETURN_REASON,
        )

    lead = sign_in(browser, live_server, scenario.lead)
    lead.goto(scenario.my_measures_path)
    clubs = entry(lead, CLUBS)
    expect(clubs.get_by_role("note")).to_contain_text(RETURN_REASON)
    expect(clubs.get_by_role("group", name="Breakdown by Age group")).to_be_visible()
    screens.check(lead, "axe 1 my measures with a returned figure")

    admin = sign_in(browser, live_server, scenario.admin)
    review_path = f"/p/{partnership.slug}/quarter/?quarter={scenario.quarter_key}"
    admin.goto(review_path)
    expect(review_row(admin, CLUBS)).to_contain_text(RETURN_REASON)
    screens.check(admin, "axe 2 quarter review (admin)")

    record(
        scenario.clubs,
        46,
        {cell["Under 11"]: 12, cell["11 to 15"]: 20, cell["16 to 18"]: 14},
        story="The new Thornaby club opened in the second week of term.",
    )
    submit()
    scope, context = as_user(scenario.admin)
    with scope, context:
        for measure in (scenario.clubs, scenario.sessions):
            kpi_review.value_approve(
                partnership=partnership,
                value_id=stored(scenario, measure).pk,
                actor=scenario.admin,
            )
        kpi_review.period_lock(
            partnership=partnership, quarter=quarter, actor=scenario.admin
        )

    admin.goto(review_path)
    expect(
        admin.get_by_text(re.compile(r"Locked on .* by Ada Admin\."))
    ).to_be_visible()
    screens.check(admin, "axe 3 quarter review locked (admin)")

    admin.goto(f"/p/{partnership.slug}/measures/{scenario.clubs.pk}/")
    summary = admin.get_by_text(f"History of {quarter.label}")
    summary.click()
    history = admin.locator("details.history-details")
    expect(history).to_have_attribute("open", "")
    expect(history.get_by_role("table")).to_contain_text("Quarter locked")
    screens.check(admin, "axe 4 measure page with history open")

    lead.goto(scenario.my_measures_path)
    expect(lead.get_by_text("This quarter is locked.")).to_be_visible()
    screens.check(lead, "axe 5 my measures locked (lead)")

    lead.context.close()
    admin.context.close()
    screens.assert_clean()
