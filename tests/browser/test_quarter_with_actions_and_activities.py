"""End to end, issue 15's Deliver 7 in one flow: a lead writes an action update
and logs two engagement activities, submits the quarter (figures and update
together); the admin approves the update and the figures and locks the
quarter; the dashboard and the annual report show the action's status and the
measures computed from the log.

Against ``live_server`` in a real browser (two contexts, the lead's and the
admin's, each signed in with the second factor where asked); axe checks every
page visited at 1366x900 and 390x844, and the screenshots land in
``test-artifacts/``. The two flows this joins (tests/browser/test_action_plan.py
and test_engagement_log.py) stay as they are.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from delivery import services as delivery_services
from delivery.models import ActionStatus, ActionUpdate
from engagement.models import ComputedKind, EngagementStandard
from engagement.services import ComputationInput, computed_measure_set
from kpis.models import Aggregation, QuarterlyValue, ReviewStatus, ValueType
from partnerships import tenancy
from partnerships.models import Role
from reports.annual import annual_report_document, render_pdf
from tests.browser.flows import DESKTOP, check_both_sizes, sign_in
from tests.browser.navigation import nav_link
from tests.browser.test_engagement_log import _log
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    UserFactory,
)
from tests.reports.test_annual_report import pdf_text

# Today is 16 November 2026 (tests/conftest.py): 2026/27 Q3 of a year from April.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]
QUARTER = "2026/27 Q3"
KEY = "2026-3"
ACTION = "Develop a community engagement data base"
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
        health = OrganisationFactory(partnership=partnership, name="Health board")
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
        priority = PriorityFactory(
            partnership=partnership, name="Data sharing and coordination"
        )
        outcome = OutcomeFactory(partnership=partnership, priority=priority)
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
                priority=priority,
                outcome=outcome,
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
        delivery_services.action_create(
            partnership=partnership,
            actor=admin,
            fields=delivery_services.ActionFields(
                name=ACTION,
                priority_id=priority.pk,
                lead_agency_ids=(council.pk, health.pk),
                lead_person_id=lead.pk,
                status=ActionStatus.ON_TRACK,
                outcome_ids=(outcome.pk,),
                measure_ids=tuple(m.pk for m in measures.values()),
            ),
        )
    return partnership, lead, admin, measures


def _figures(measures):
    with tenancy.platform_scope():
        return {
            code: QuarterlyValue.objects.filter(
                measure=measure, period__year=2026, period__quarter=3
            ).first()
            for code, measure in measures.items()
        }


@pytest.mark.django_db(transaction=True)
def test_a_leads_quarter_of_updates_and_activities_into_the_dashboard_and_report(
    live_server, browser, scenario, a11y
):
    partnership, lead, admin, measures = scenario
    expect.set_options(timeout=10_000)
    slug = f"/p/{partnership.slug}"

    # --- The lead writes the action's update. -----------------------------
    lead_context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = lead_context.new_page()
    sign_in(page, lead.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My quarter"
    ).click()
    expect(page.get_by_role("heading", level=1, name="My quarter")).to_be_visible()
    check_both_sizes(page, a11y, "my quarter, nothing written")
    page.get_by_role("link", name=f"Write the update {ACTION}").click()
    check_both_sizes(page, a11y, "the update form")
    page.get_by_label("Status this quarter").select_option(label="At risk")
    page.get_by_label("Progress").fill(
        "Agreement to fund a member of staff to populate the data base."
    )
    page.get_by_label("Risk 1", exact=True).fill(
        "IT problems identified re multi-agency input and access to joint data base."
    )
    page.get_by_label("Rating of risk 1").select_option(label="High")
    page.get_by_label("Next step 1").fill("Negotiations commenced with IT")
    page.get_by_label("Timescale of step 1").fill("Next quarter")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text(f"Saved the update for {QUARTER}.")).to_be_visible()
    check_both_sizes(page, a11y, "the action with its update")

    # --- The lead logs two activities. ------------------------------------
    nav_link(page, "Engagement").click()
    expect(page.get_by_role("heading", level=1, name="Engagement log")).to_be_visible()
    check_both_sizes(page, a11y, "the engagement log, empty")
    _log(page, "Eastmoor bus forum", "2026-11-02", 14, "Eastmoor", feedback=True)
    check_both_sizes(page, a11y, "the first activity")
    page.get_by_role("link", name="Engagement log").click()
    _log(page, "Warwick bus forum", "2026-11-04", 6, "Warwick", feedback=False)
    page.get_by_role("link", name="Engagement log").click()
    check_both_sizes(page, a11y, "the engagement log, two activities")
    figures = _figures(measures)
    assert figures["EN-01"].value == 2
    assert figures["EN-03"].value == 20

    # --- One submit sends the figures and the update. ---------------------
    page.goto(f"{slug}/my-quarter/?quarter={KEY}")
    check_both_sizes(page, a11y, "my quarter, ready to submit")
    page.get_by_role("button", name=f"Submit {QUARTER} for review").click()
    expect(page.get_by_text("Submitted 3 figures for review.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"1 action update"))).to_be_visible()
    check_both_sizes(page, a11y, "my quarter, submitted")
    assert {f.status for f in _figures(measures).values()} == {ReviewStatus.SUBMITTED}
    with tenancy.platform_scope():
        assert ActionUpdate.objects.get().review_status == ReviewStatus.SUBMITTED

    # --- The admin approves the update and the figures, and locks. --------
    admin_context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    desk = admin_context.new_page()
    sign_in(desk, admin.email)
    desk.goto(f"{slug}/actions/review/?quarter={KEY}")
    check_both_sizes(desk, a11y, "review the updates")
    desk.get_by_role("button", name=f"Approve {ACTION}").click()
    expect(desk.get_by_text(f"Approved the update on “{ACTION}”.")).to_be_visible()
    desk.goto(f"{slug}/quarter/?quarter={KEY}")
    check_both_sizes(desk, a11y, "the quarter to approve")
    for name in MEASURES.values():
        desk.get_by_role("row", name=re.compile(re.escape(name))).get_by_role(
            "button", name=re.compile(r"^Approve\b")
        ).click()
        expect(desk.get_by_text(f"Approved {name}.")).to_be_visible()
    desk.get_by_role("button", name=f"Lock {QUARTER}").click()
    expect(
        desk.get_by_text(f"Locked {QUARTER}. Its figures can no longer change.")
    ).to_be_visible()
    check_both_sizes(desk, a11y, "the quarter, locked")
    with tenancy.platform_scope():
        update = ActionUpdate.objects.get()
        assert update.review_status == ReviewStatus.APPROVED
        assert update.period.is_locked

    # --- The dashboard: the action's status and the computed measures. ----
    desk.goto(f"{slug}/")
    section = desk.locator("#actions-by-status")
    expect(
        section.get_by_role("heading", name="The action plan by priority")
    ).to_be_visible()
    expect(section.get_by_text("At risk")).to_be_visible()
    for code, shown in (("EN-01", "2"), ("EN-03", "20")):
        row = desk.get_by_role("row", name=re.compile(re.escape(MEASURES[code])))
        expect(row.get_by_role("cell").first).to_contain_text(shown)
    expect(
        desk.get_by_role("row", name=re.compile(MEASURES["EN-02"]))
        .get_by_role("cell")
        .first
    ).to_contain_text("50")
    check_both_sizes(desk, a11y, "the dashboard")
    desk.goto(f"{slug}/actions/")
    expect(desk.get_by_text("Negotiations commenced with IT")).to_be_visible()
    check_both_sizes(desk, a11y, "the action plan")

    # --- The annual report: the action plan and the computed measures. ----
    with tenancy.platform_scope():
        document = annual_report_document(partnership=partnership, year=2026)
    _reader, text = pdf_text(render_pdf(document.html).content)
    flat = " ".join(text.split())
    assert "Action plan" in flat
    assert ACTION in flat
    assert "At risk" in flat
    assert "Negotiations commenced with IT (Next quarter)" in flat
    for name in MEASURES.values():
        assert name in flat
    lead_context.close()
    admin_context.close()
    a11y.assert_clean()
