"""End to end: a lead writes an action update, submits the quarter, the admin
approves and locks it, and the dashboard and the report show the action's status.

Against ``live_server`` in a real browser: the lead writes the update for seed
003's "Develop a community engagement data base" on its own form (and is told
beside the field what is missing), submits the quarter from My quarter; the
admin, in another browser, approves the update on the review page and locks
the quarter; the action plan, the dashboard (which loads the actions by status
in place) and the annual report (read back from its PDF) show the status. axe
checks every new page at 1366x900 and 390x844; screenshots land in
``test-artifacts/``.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from playwright.sync_api import expect

from delivery import services as delivery_services
from delivery.models import Action, ActionStatus, ActionUpdate
from kpis import recording as kpi_recording
from kpis import review as kpi_review
from kpis import selectors as kpi_selectors
from kpis import services as kpi_services
from kpis.models import Aggregation, Direction, PerformanceMeasure, Question, ValueType
from kpis.periods import Quarter
from outcomes import services as outcome_services
from outcomes.models import Horizon
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Partnership, Role, User
from reports.annual import annual_report_document, render_pdf
from tests.browser.flows import check_both_sizes, sign_in
from tests.factories import UserFactory
from tests.reports.test_annual_report import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

ACTION = "Develop a community engagement data base"
RISK = "IT problems identified re multi-agency input and access to joint data base."


@dataclass
class Scenario:
    partnership: Partnership
    action: Action
    measure: PerformanceMeasure
    lead: User
    admin: User
    quarter: Quarter


@pytest.fixture
def scenario(transactional_db) -> Scenario:
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Wakefield Together", slug="wakefield", reporting_year_start_month=4
        )
        priority = outcome_services.priority_upsert(
            partnership=partnership,
            name="Data sharing and coordination",
            mission_statement="Engagement coordinated across the district.",
        )
        outcome = outcome_services.outcome_upsert(
            partnership=partnership,
            priority=priority,
            statement="Community engagement activity is coordinated",
            horizon=Horizon.SHORT,
        )
        measure = kpi_services.measure_upsert(
            partnership=partnership,
            code="WT-08",
            name="Partners contributing to the calendar of engagement",
            priority=priority,
            outcome=outcome,
            question=Question.HOW_MUCH,
            value_type=ValueType.COUNT,
            aggregation=Aggregation.LATEST,
            direction=Direction.UP,
            annual_target=Decimal(7),
            is_headline=True,
        )
        wmdc = partnership_services.organisation_create(
            partnership=partnership, name="WMDC"
        )
        nhswd = partnership_services.organisation_create(
            partnership=partnership, name="NHSWD"
        )
        lead = UserFactory(email="jo.walker@example.net", full_name="Jo Walker")
        admin = UserFactory(email="alex.admin@example.net", full_name="Alex Admin")
        partnership_services.membership_grant(
            partnership=partnership, user=lead, role=Role.LEAD
        )
        partnership_services.membership_grant(
            partnership=partnership, user=admin, role=Role.ADMIN
        )
        quarter = kpi_selectors.current_quarter(partnership=partnership)
        action = delivery_services.action_create(
            partnership=partnership,
            actor=admin,
            fields=delivery_services.ActionFields(
                name=ACTION,
                priority_id=priority.pk,
                lead_agency_ids=(wmdc.pk, nhswd.pk),
                lead_person_id=lead.pk,
                start_quarter=quarter.previous(),
                status=ActionStatus.ON_TRACK,
                outcome_ids=(outcome.pk,),
                measure_ids=(measure.pk,),
            ),
        )
        # The admin's own figure for the quarter, approved: the quarter has
        # something to lock besides the update.
        period = kpi_services.period_get_or_create(
            partnership=partnership, quarter=quarter
        )
        value = kpi_recording.quarterly_value_record(
            partnership=partnership,
            measure=measure,
            period=period,
            actor=admin,
            value=Decimal(5),
        )
        kpi_review.value_approve(
            partnership=partnership, value_id=value.pk, actor=admin
        )
    return Scenario(partnership, action, measure, lead, admin, quarter)


def test_a_leads_action_update_goes_through_review_into_the_report(
    live_server, browser, scenario, a11y
):
    slug = f"/p/{scenario.partnership.slug}"
    key = scenario.quarter.key

    lead_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    page = lead_context.new_page()
    sign_in(page, scenario.lead.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My quarter"
    ).click()
    expect(page.get_by_role("heading", level=1, name="My quarter")).to_be_visible()
    check_both_sizes(page, a11y, "my quarter before")
    page.get_by_role("link", name=f"Write the update {ACTION}").click()
    expect(
        page.get_by_role(
            "heading", level=1, name=f"Update for {scenario.quarter.label}"
        )
    ).to_be_visible()
    check_both_sizes(page, a11y, "update form")

    # A risk without its rating, and no progress: told beside each field.
    page.get_by_label("Status this quarter").select_option(label="At risk")
    page.get_by_label("Risk 1", exact=True).fill(RISK)
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("Give the risk a rating.")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    check_both_sizes(page, a11y, "update form with errors")
    with tenancy.platform_scope():
        assert not ActionUpdate.objects.exists()

    page.get_by_label("Progress").fill(
        "Agreement to fund dedicated member of staff to populate and coordinate "
        "data base systems secured via PH dept."
    )
    page.get_by_label("Rating of risk 1").select_option(label="High")
    page.get_by_label("Next step 1").fill("Negotiations commenced with IT")
    page.get_by_label("Timescale of step 1").fill("Next quarter")
    page.get_by_role("button", name="Save the update").click()
    expect(
        page.get_by_text(f"Saved the update for {scenario.quarter.label}.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=ACTION)).to_be_visible()
    check_both_sizes(page, a11y, "action detail")

    page.goto(f"{slug}/my-quarter/?quarter={key}")
    page.get_by_role(
        "button", name=f"Submit {scenario.quarter.label} for review"
    ).click()
    expect(page.get_by_text("Submitted 1 action update for review.")).to_be_visible()
    with tenancy.platform_scope():
        assert ActionUpdate.objects.get().review_status == "submitted"

    page.goto(f"{slug}/actions/")
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    expect(page.get_by_text(RISK)).to_be_visible()
    check_both_sizes(page, a11y, "action plan")

    # The admin approves the update and locks the quarter.
    admin_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}
    )
    admin = admin_context.new_page()
    sign_in(admin, scenario.admin.email)
    admin.goto(f"{slug}/actions/review/?quarter={key}")
    expect(
        admin.get_by_role("heading", level=1, name="Review action updates")
    ).to_be_visible()
    check_both_sizes(admin, a11y, "review updates")
    admin.get_by_role("button", name=f"Approve {ACTION}").click()
    expect(admin.get_by_text(f"Approved the update on “{ACTION}”.")).to_be_visible()
    admin.goto(f"{slug}/quarter/?quarter={key}")
    admin.get_by_role("button", name=f"Lock {scenario.quarter.label}").click()
    expect(admin.get_by_text(f"Locked {scenario.quarter.label}.")).to_be_visible()
    with tenancy.platform_scope():
        update = ActionUpdate.objects.get()
        assert update.review_status == "approved"
        assert update.period.is_locked
        # The locked quarter's update cannot change, by any path.
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionUpdate.objects.filter(pk=update.pk).update(progress="Changed")

    # The other new pages, as the admin sees them.
    admin.goto(f"{slug}/actions/new/")
    check_both_sizes(admin, a11y, "add an action")
    admin.goto(f"{slug}/measures/{scenario.measure.pk}/curve/")
    expect(
        admin.get_by_role("heading", level=2, name="Turning the curve")
    ).to_be_visible()
    check_both_sizes(admin, a11y, "turning the curve")
    admin.goto(f"{slug}/actions/by-status/")
    check_both_sizes(admin, a11y, "actions by status")

    # The dashboard loads each priority's actions by status in place.
    admin.goto(f"{slug}/")
    section = admin.locator("#actions-by-status")
    expect(
        section.get_by_role("heading", name="The action plan by priority")
    ).to_be_visible()
    expect(section.get_by_text("At risk")).to_be_visible()
    check_both_sizes(admin, a11y, "dashboard with actions")

    # The lead's page says the quarter is locked.
    page.goto(f"{slug}/my-quarter/?quarter={key}")
    expect(page.get_by_text("This quarter is locked.")).to_be_visible()

    with tenancy.platform_scope():
        document = annual_report_document(
            partnership=scenario.partnership, year=scenario.quarter.year
        )
    _reader, text = pdf_text(render_pdf(document.html).content)
    assert "Action plan" in text
    assert ACTION in text
    assert "At risk" in text
    assert "Negotiations commenced with IT (Next quarter)" in text
    lead_context.close()
    admin_context.close()
    a11y.assert_clean()
