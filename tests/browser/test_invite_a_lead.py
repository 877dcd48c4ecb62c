"""End to end (issue 12): an admin invites a project lead from the members
page; the lead opens the emailed link, sets a password, lands in the
partnership and enters a figure. axe checks every page on the way, at a
desktop and a phone size, and each page is saved as a screenshot.

The measure's lead is assigned in set-up once the lead has joined: assigning
leads is the strategy editor's page.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kpis import selectors as kpi_selectors
from kpis import services as kpi_services
from kpis.models import Aggregation, Direction, QuarterlyValue, Question, ValueType
from outcomes import services as outcome_services
from outcomes.models import Horizon
from partnerships import services as partnership_services
from partnerships import tenancy
from partnerships.models import Membership, Role, User
from tests.browser.flows import emailed_link, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

MEASURE_NAME = "Schools engaged in the Children's University"
LEAD_EMAIL = "lowri.lead@example.net"
LEAD_PASSWORD = "slate-quarry-harbour-27"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def setting(transactional_db):
    with tenancy.platform_scope():
        partnership = partnership_services.partnership_create(
            name="Conwy Learning Partnership",
            slug="conwy-learning",
            reporting_year_start_month=9,
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
        admin = UserFactory(email="alaw.admin@example.net", full_name="Alaw Admin")
        partnership_services.membership_grant(
            partnership=partnership, user=admin, role=Role.ADMIN
        )
        partnership_services.organisation_create(
            partnership=partnership, name="Conwy County Borough Council"
        )
    return partnership, measure, admin


@pytest.mark.parametrize("size", list(VIEWPORTS), ids=str)
@pytest.mark.django_db(transaction=True)
def test_an_admin_invites_a_lead_who_joins_and_enters_a_figure(
    live_server, browser, setting, a11y, size, settings
):
    expect.set_options(timeout=10_000)
    # Emailed links start with the site's address: here, the live server's.
    settings.SITE_URL = live_server.url
    partnership, measure, admin = setting
    width, height = VIEWPORTS[size]
    viewport = {"width": width, "height": height}
    members_path = f"/p/{partnership.slug}/members/"

    # --- The admin invites the lead. ----------------------------------------
    admin_context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = admin_context.new_page()
    sign_in(page, admin.email)
    page.goto(members_path)
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
    expect(
        page.get_by_role("table", name="Members").get_by_role(
            "rowheader", name=re.compile("Alaw Admin")
        )
    ).to_be_visible()
    a11y.check(page, f"members ({size})")

    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Email address").fill("not an address")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_role("form", name="Invite someone").get_by_text(
            "Enter a valid email address."
        )
    ).to_be_visible()
    a11y.check(page, f"members, invitation refused ({size})")

    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Email address").fill(LEAD_EMAIL)
    invite.get_by_label("Name", exact=True).fill("Lowri Lead")
    invite.get_by_label("Role").select_option(label="Project lead")
    invite.get_by_label("Organisation").select_option(
        label="Conwy County Borough Council"
    )
    invite.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Invitation sent to {LEAD_EMAIL}.")
    ).to_be_visible()
    expect(
        page.get_by_role("region", name="Invitations not yet accepted").get_by_role(
            "rowheader", name=re.compile(re.escape(LEAD_EMAIL))
        )
    ).to_be_visible()
    a11y.check(page, f"members, invitation sent ({size})")
    link = emailed_link(LEAD_EMAIL)

    # --- The lead opens the link and sets a password. -------------------------
    lead_context = browser.new_context(base_url=live_server.url, viewport=viewport)
    lead_page = lead_context.new_page()
    lead_page.goto(link)
    expect(
        lead_page.get_by_role("heading", level=1, name=f"Join {partnership.name}")
    ).to_be_visible()
    a11y.check(lead_page, f"invitation ({size})")
    lead_page.get_by_label("Choose a password").fill("short")
    lead_page.get_by_label("Type the password again").fill("short")
    lead_page.get_by_role("button", name="Set the password and join").click()
    expect(
        lead_page.get_by_text(re.compile("This password is too short"))
    ).to_be_visible()
    a11y.check(lead_page, f"invitation, password refused ({size})")
    lead_page.get_by_label("Choose a password").fill(LEAD_PASSWORD)
    lead_page.get_by_label("Type the password again").fill(LEAD_PASSWORD)
    lead_page.get_by_role("button", name="Set the password and join").click()
    expect(lead_page).to_have_url(
        re.compile(re.escape(f"{live_server.url}/p/{partnership.slug}/") + "$")
    )
    expect(
        lead_page.get_by_role("status").filter(
            has_text=f"Welcome to {partnership.name}."
        )
    ).to_be_visible()
    a11y.check(lead_page, f"dashboard after joining ({size})")

    with tenancy.platform_scope():
        lead = User.objects.get(email=LEAD_EMAIL)
        membership = Membership.objects.get(partnership=partnership, user=lead)
        assert membership.role == Role.LEAD
        assert membership.organisation.name == "Conwy County Borough Council"
        kpi_services.measure_assign_lead(
            partnership=partnership, measure=measure, user=lead
        )
        quarter = kpi_selectors.current_quarter(partnership=partnership)

    # --- The lead enters a figure. ----------------------------------------------
    lead_page.goto(f"/p/{partnership.slug}/my-measures/")
    form = lead_page.get_by_role("form", name=MEASURE_NAME)
    form.get_by_label("Count").fill("14")
    form.get_by_label("The story behind the number").fill(
        "Two primary schools in Llandudno joined."
    )
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    a11y.check(lead_page, f"my measures, figure saved ({size})")
    with tenancy.platform_scope():
        value = QuarterlyValue.objects.get(
            measure=measure, period__year=quarter.year, period__quarter=quarter.quarter
        )
        assert (value.value, value.entered_by) == (14, lead)

    # --- The admin sees the lead among the members, and what happened. ---------
    page.goto(members_path)
    row = (
        page.get_by_role("table", name="Members")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=re.compile("Lowri Lead")))
    )
    expect(row).to_contain_text("CU1")
    expect(page.get_by_text(f"{LEAD_EMAIL} accepted the invitation.")).to_be_visible()
    a11y.check(page, f"members, lead joined ({size})")

    lead_context.close()
    admin_context.close()
    a11y.assert_clean()
