"""End to end (issue 12, "Done when"): a partnership from nothing, in the
app's own pages only (no Django admin site, no workbook).

Platform staff create a partnership on the staff page and invite its admin;
the admin opens the emailed link, sets a password, adds an authenticator
app, lands in the partnership and builds a priority, an outcome and two
measures with targets for two years in the strategy editor, then invites a
project lead and a steering-group member. The lead joins, is made the lead
of a measure and enters a figure on My measures; the steering member joins
and sees it on the dashboard. axe checks every page (the new ones at a
phone size too).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kpis.models import MeasureTarget, PerformanceMeasure, QuarterlyValue
from partnerships import tenancy
from partnerships.models import Membership, Partnership, Role, User
from tests.browser.flows import (
    DESKTOP,
    add_measure,
    check_both_sizes,
    emailed_link,
    sign_in,
)
from tests.browser.navigation import nav_link
from tests.browser.second_factor import enrol_from_page
from tests.factories import UserFactory

# The clock is pinned (tests/conftest.py): 16 November 2026, so with a
# September year the current reporting year is 2026/27.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

NAME = "Wakefield Together"
SLUG = "wakefield-together"
STAFF_EMAIL = "sam.staff@example.net"
ADMIN_EMAIL = "amira.admin@example.net"
LEAD_EMAIL = "lewis.lead@example.net"
STEERING_EMAIL = "stella.steering@example.net"
MEASURE_NAME = "Young people in volunteering"


def accept_invitation(page: Page, a11y, link: str, password: str, label: str):
    """Open the emailed link and set a password: the person joins."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name=f"Join {NAME}")).to_be_visible()
    a11y.check(page, f"invitation ({label})")
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Set the password and join").click()


def invite(page: Page, email: str, name: str, role: str) -> None:
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email address").fill(email)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Role").select_option(label=role)
    form.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Invitation sent to {email}.")
    ).to_be_visible()


def dashboard_url(base: str):
    return re.compile(re.escape(f"{base}/p/{SLUG}/") + "$")


@pytest.mark.django_db(transaction=True)
def test_staff_create_a_partnership_that_its_people_then_run(
    live_server, browser, a11y, settings
):
    expect.set_options(timeout=10_000)
    # Emailed links start with the site's address: here, the live server's.
    settings.SITE_URL = live_server.url
    with tenancy.platform_scope():
        UserFactory(
            email=STAFF_EMAIL, full_name="Sam Staff", is_staff=True, is_superuser=True
        )

    def new_page() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        return context.new_page()

    # --- Platform staff create the partnership and invite its admin. --------
    staff = new_page()
    sign_in(staff, STAFF_EMAIL)
    staff.goto("/staff/partnerships/new/")
    expect(
        staff.get_by_role("heading", level=1, name="New partnership")
    ).to_be_visible()
    check_both_sizes(staff, a11y, "new partnership")
    staff.get_by_label("Name", exact=True).fill(NAME)
    staff.get_by_label("Short name").fill(SLUG)
    staff.get_by_label("Reporting year starts in").select_option(label="September")
    staff.get_by_label("First admin's email address").fill(ADMIN_EMAIL)
    staff.get_by_role("button", name="Create and invite").click()
    expect(
        staff.get_by_role("status").filter(
            has_text=f"Created {NAME} and invited {ADMIN_EMAIL} as its admin."
        )
    ).to_be_visible()
    a11y.check(staff, "new partnership, created")
    staff.context.close()

    # --- The admin joins, adds an authenticator app and lands inside. -------
    admin = new_page()
    accept_invitation(admin, a11y, emailed_link(ADMIN_EMAIL), "admin-moor-41", "admin")
    expect(
        admin.get_by_role("heading", level=1, name="Add an authenticator app")
    ).to_be_visible()
    check_both_sizes(admin, a11y, "enrolment after joining")
    enrol_from_page(admin)
    expect(admin).to_have_url(dashboard_url(live_server.url))
    a11y.check(admin, "dashboard, empty (admin)")

    # --- The admin builds the strategy. ----------------------------------------
    nav_link(admin, "Strategy").click()
    expect(admin.get_by_role("heading", level=1, name="Strategy")).to_be_visible()
    add = admin.get_by_role("form", name="Add a priority")
    add.get_by_label("Name").fill("Young people thrive")
    add.get_by_label("Mission statement").fill("Every young person has a part.")
    add.get_by_role("button", name="Add the priority").click()
    expect(admin.get_by_role("status")).to_contain_text("Added the priority.")
    add = admin.get_by_role("form", name="Add an outcome")
    add.get_by_label("Outcome").fill("More young people volunteer")
    add.get_by_label("Priority").select_option(label="Young people thrive")
    add.get_by_label("Horizon").select_option(label="Short term (1–2 years)")
    add.get_by_role("button", name="Add the outcome").click()
    expect(admin.get_by_role("status")).to_contain_text("Added the outcome.")
    check_both_sizes(admin, a11y, "strategy with a priority and an outcome")

    add_measure(
        admin,
        "VOL-1",
        MEASURE_NAME,
        "Count",
        "Sum of the quarters",
        {"2026/27": "200", "2027/28": "260"},
    )
    admin.get_by_label("Headline measure (KPI)").check()
    a11y.check(admin, "add a measure")
    admin.get_by_role("button", name="Save the measure").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Saved {MEASURE_NAME}")
    add_measure(
        admin,
        "VOL-2",
        "Volunteers who would recommend it",
        "Percentage",
        "Mean of the quarters",
        {"2026/27": "70", "2027/28": "75"},
    )
    admin.get_by_role("button", name="Save the measure").click()
    expect(admin.get_by_role("status")).to_contain_text("Saved Volunteers who")
    a11y.check(admin, "strategy with two measures")

    # --- The admin invites a lead and a steering-group member. ----------------
    admin.goto(f"/p/{SLUG}/members/")
    expect(admin.get_by_role("heading", level=1, name="Members")).to_be_visible()
    invite(admin, LEAD_EMAIL, "Lewis Lead", "Project lead")
    invite(admin, STEERING_EMAIL, "Stella Steering", "Steering-group member")
    check_both_sizes(admin, a11y, "members, two invited")

    # --- The lead joins; the admin makes them the measure's lead. -------------
    lead = new_page()
    accept_invitation(lead, a11y, emailed_link(LEAD_EMAIL), "lead-tarn-58", "lead")
    expect(lead).to_have_url(dashboard_url(live_server.url))
    expect(
        lead.get_by_role("status").filter(has_text=f"Welcome to {NAME}.")
    ).to_be_visible()
    a11y.check(lead, "dashboard after joining (lead)")

    admin.goto(f"/p/{SLUG}/strategy/")
    admin.get_by_role("link", name=re.compile(f"VOL-1 {MEASURE_NAME}")).click()
    expect(
        admin.get_by_role("heading", level=1, name=f"Edit {MEASURE_NAME}")
    ).to_be_visible()
    admin.get_by_label("Lewis Lead").check()
    a11y.check(admin, "edit a measure")
    admin.get_by_role("button", name="Save the measure").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Saved {MEASURE_NAME}")

    # --- The lead enters a figure. --------------------------------------------
    lead.get_by_role("link", name="My quarter").click()
    lead.get_by_role("link", name="Enter my figures").click()
    form = lead.get_by_role("form", name=MEASURE_NAME)
    form.get_by_label("Count").fill("37")
    form.get_by_label("The story behind the number").fill(
        "Two youth clubs in Castleford started a volunteering week."
    )
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    a11y.check(lead, "my measures, figure saved")

    # --- The steering member joins and sees the figure. ------------------------
    steering = new_page()
    accept_invitation(
        steering, a11y, emailed_link(STEERING_EMAIL), "steer-fell-63", "steering"
    )
    expect(steering).to_have_url(dashboard_url(live_server.url))
    expect(steering.get_by_role("link", name="My quarter")).to_have_count(0)
    table = steering.get_by_role("table", name="Headline measures")
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    row = table.get_by_role("row").filter(
        has=steering.get_by_role("rowheader", name=re.compile(MEASURE_NAME))
    )
    expect(row).to_have_count(1)
    expect(row.locator("th, td").nth(headers.index("Latest quarter"))).to_contain_text(
        re.compile(r"^\s*37\b")
    )
    check_both_sizes(steering, a11y, "dashboard (steering)")
    # Closing the browsers ends their kept-alive connections, and with them the
    # live server's threads and their database sessions.
    for page in (steering, lead, admin):
        page.context.close()

    with tenancy.platform_scope():
        partnership = Partnership.objects.get(slug=SLUG)
        assert partnership.reporting_year_start_month == 9
        roles = dict(
            Membership.objects.filter(partnership=partnership).values_list(
                "user__email", "role"
            )
        )
        assert roles == {
            ADMIN_EMAIL: Role.ADMIN,
            LEAD_EMAIL: Role.LEAD,
            STEERING_EMAIL: Role.VIEWER,
        }
        measure = PerformanceMeasure.objects.get(partnership=partnership, code="VOL-1")
        assert list(measure.leads.values_list("email", flat=True)) == [LEAD_EMAIL]
        targets = {
            (t.measure.code, t.year): t.target
            for t in MeasureTarget.objects.filter(partnership=partnership)
        }
        assert targets == {
            ("VOL-1", 2026): Decimal(200),
            ("VOL-1", 2027): Decimal(260),
            ("VOL-2", 2026): Decimal(70),
            ("VOL-2", 2027): Decimal(75),
        }
        value = QuarterlyValue.objects.get(measure=measure)
        assert (value.value, value.entered_by) == (
            37,
            User.objects.get(email=LEAD_EMAIL),
        )
    a11y.assert_clean()
