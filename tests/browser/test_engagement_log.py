"""End to end: a lead logs two engagement activities, submits the quarter;
the admin approves and locks it; the measures computed from the log show on
the dashboard, and the locked quarter's activities can no longer change.
axe checks every engagement page at 1366x900 and 390x844."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from engagement.models import ComputedKind, EngagementStandard
from engagement.services import ComputationInput, computed_measure_set
from kpis.models import Aggregation, QuarterlyValue, ReviewStatus, ValueType
from partnerships import tenancy
from partnerships.models import Role
from tests.browser.flows import DESKTOP, check_both_sizes, sign_in
from tests.browser.navigation import nav_link
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

# Today is 16 November 2026 (tests/conftest.py): 2026/27 Q3 of a year from April.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]
QUARTER = "2026/27 Q3"
MEASURES = {
    "EN-01": "Engagement activities held",
    "EN-02": "Activities that gave feedback",
    "EN-03": "People taking part in engagement",
}


@pytest.fixture
def scenario(transactional_db):
    with tenancy.platform_scope():
        partnership = PartnershipFactory(
            name="Wakeley Together", slug="wakeley", reporting_year_start_month=4
        )
        council = OrganisationFactory(partnership=partnership, name="Council")
        OrganisationFactory(partnership=partnership, name="Health board")
        community = DimensionFactory(partnership=partnership, name="Community")
        for name in ("Eastmoor", "Warwick"):
            DimensionCategoryFactory(dimension=community, name=name)
        standard = EngagementStandard.objects.create(
            partnership=partnership, name="Feedback given to participants"
        )
        lead = UserFactory(email="lee.lead@example.net", full_name="Lee Lead")
        MembershipFactory(
            partnership=partnership, user=lead, role=Role.LEAD, organisation=council
        )
        admin = UserFactory(email="ada.admin@example.net", full_name="Ada Admin")
        MembershipFactory(partnership=partnership, user=admin, role=Role.ADMIN)
        kinds = {
            "EN-01": (ComputedKind.ACTIVITIES, ValueType.COUNT, None),
            "EN-02": (ComputedKind.STANDARD_MET, ValueType.PERCENTAGE, standard.pk),
            "EN-03": (ComputedKind.PARTICIPANTS, ValueType.COUNT, None),
        }
        measures = {}
        for code, (kind, value_type, standard_id) in kinds.items():
            measure = MeasureFactory(
                partnership=partnership,
                code=code,
                name=MEASURES[code],
                value_type=value_type,
                aggregation=Aggregation.RATIO_OF_SUMS
                if value_type == ValueType.PERCENTAGE
                else Aggregation.SUM,
                annual_target=Decimal(80 if value_type == ValueType.PERCENTAGE else 40),
            )
            MeasureLeadFactory(measure=measure, user=lead)
            computed_measure_set(
                partnership=partnership,
                actor=admin,
                measure=measure,
                data=ComputationInput(kind=kind, standard_id=standard_id),
            )
            measures[code] = measure
    return partnership, lead, admin, measures


def _figures(measures):
    with tenancy.platform_scope():
        return {
            code: QuarterlyValue.objects.filter(
                measure=measure, period__year=2026, period__quarter=3
            ).first()
            for code, measure in measures.items()
        }


def _log(page: Page, title, day, participants, community, feedback: bool):
    page.get_by_role("link", name="Log an activity").click()
    expect(page.get_by_role("heading", level=1, name="Log an activity")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("First day").fill(day)
    page.get_by_label("Last day").fill(day)
    page.get_by_label("Held").check()
    page.get_by_label("Level of engagement").select_option(label="Forums for debate")
    page.get_by_label("Method").fill("Public meetings")
    page.get_by_role("checkbox", name=f"{community} (Community)").check()
    if feedback:
        page.get_by_role("checkbox", name="Feedback given to participants").check()
    page.get_by_label("Number of participants").fill(str(participants))
    page.get_by_label("What people said").fill("Buses stop too early.")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_text("The activity is in the log.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_leads_logged_activity_becomes_the_quarters_computed_figures(
    live_server, browser, scenario, a11y
):
    partnership, lead, admin, measures = scenario
    expect.set_options(timeout=10_000)
    slug = partnership.slug

    # --- The lead logs two activities. ------------------------------------
    page = browser.new_context(base_url=live_server.url, viewport=DESKTOP).new_page()
    sign_in(page, lead.email)
    nav_link(page, "Engagement").click()
    expect(page.get_by_role("heading", level=1, name="Engagement log")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="November 2026")).to_be_visible()
    check_both_sizes(page, a11y, "engagement log, empty month")

    page.get_by_role("link", name="Log an activity").click()
    expect(page.get_by_text("Record no names, contact details")).to_be_visible()
    check_both_sizes(page, a11y, "log an activity")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_text("Give the activity a title.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    check_both_sizes(page, a11y, "log an activity, refused")
    page.get_by_role("link", name="Engagement log").click()

    _log(page, "Eastmoor bus forum", "2026-11-02", 14, "Eastmoor", feedback=True)
    check_both_sizes(page, a11y, "an activity")
    page.get_by_role("link", name="Engagement log").click()
    _log(page, "Warwick bus forum", "2026-11-04", 6, "Warwick", feedback=False)
    page.get_by_role("link", name="Engagement log").click()
    week = page.get_by_role("region", name="Week of 2 November to 8 November")
    expect(week.get_by_role("link", name="Eastmoor bus forum")).to_be_visible()
    expect(week.get_by_role("link", name="Warwick bus forum")).to_be_visible()
    check_both_sizes(page, a11y, "engagement log, a month with activity")
    page.get_by_role("link", name="List").click()
    check_both_sizes(page, a11y, "engagement log, list")
    page.get_by_role("navigation", name="Engagement log").get_by_role(
        "link", name="Import and export"
    ).click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Import and export the engagement log"
        )
    ).to_be_visible()
    check_both_sizes(page, a11y, "engagement import and export")

    figures = _figures(measures)
    assert figures["EN-01"].value == 2
    assert (figures["EN-02"].numerator, figures["EN-02"].denominator) == (1, 2)
    assert figures["EN-03"].value == 20

    # --- The lead's quarter shows them read-only and submits them. --------
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My quarter"
    ).click()
    page.get_by_role("link", name="Enter my figures").click()
    block = page.get_by_role("group", name=MEASURES["EN-01"])
    expect(block).to_contain_text("Computed from the engagement log")
    expect(page.get_by_role("button", name=re.compile(r"^Save\b"))).to_have_count(0)
    page.get_by_role("button", name=f"Submit {QUARTER} for review").click()
    expect(page.get_by_text("Submitted 3 figures for review.")).to_be_visible()
    assert {f.status for f in _figures(measures).values()} == {ReviewStatus.SUBMITTED}

    # --- The admin approves and locks the quarter. ------------------------
    desk = browser.new_context(base_url=live_server.url, viewport=DESKTOP).new_page()
    sign_in(desk, admin.email)
    desk.goto(f"/p/{slug}/quarter/?quarter=2026-3")
    for name in MEASURES.values():
        desk.get_by_role("row", name=re.compile(re.escape(name))).get_by_role(
            "button", name=re.compile(r"^Approve\b")
        ).click()
        expect(desk.get_by_text(f"Approved {name}.")).to_be_visible()
    desk.get_by_role("button", name=f"Lock {QUARTER}").click()
    expect(
        desk.get_by_text(f"Locked {QUARTER}. Its figures can no longer change.")
    ).to_be_visible()

    # --- The dashboard shows the computed measures. -----------------------
    desk.goto(f"/p/{slug}/")
    for code, shown in (("EN-01", "2"), ("EN-03", "20")):
        row = desk.get_by_role("row", name=re.compile(re.escape(MEASURES[code])))
        expect(row.get_by_role("cell").first).to_contain_text(shown)
        expect(row.get_by_role("cell").first).to_contain_text(QUARTER)
    expect(
        desk.get_by_role("row", name=re.compile(MEASURES["EN-02"]))
        .get_by_role("cell")
        .first
    ).to_contain_text("50")

    # --- The admin's standards and computed measures page. ----------------
    desk.goto(f"/p/{slug}/engagement/settings/")
    expect(
        desk.get_by_role("heading", level=1, name="Engagement standards and measures")
    ).to_be_visible()
    expect(desk.get_by_role("row", name=re.compile("EN-02"))).to_contain_text(
        "Feedback given to participants"
    )
    check_both_sizes(desk, a11y, "engagement standards and measures")

    # --- The locked quarter's activities cannot change. -------------------
    page.goto(f"/p/{slug}/engagement/?month=2026-11")
    page.get_by_role("link", name="Eastmoor bus forum").click()
    page.get_by_role("link", name=re.compile(r"^Change\b")).click()
    page.get_by_label("Number of participants").fill("15")
    page.get_by_role("button", name="Save the activity").click()
    expect(
        page.get_by_text(
            f"{QUARTER} is locked, so its activities cannot change. An admin can "
            "reopen it, giving a reason."
        )
    ).to_be_visible()
    assert _figures(measures)["EN-03"].value == 20
    # Closed here, not at the session's end: an open context keeps its
    # keep-alive connections to the live server, and each one's thread keeps
    # a database session, which stopped the test database being dropped
    # when this file ran alone.
    page.context.close()
    desk.context.close()
    a11y.assert_clean()
