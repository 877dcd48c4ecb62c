"""The engagement log's import in a browser: a lead uploads a file, the job's
page follows the check (problems by row and column), a corrected file is
previewed, confirmed and imported. The check and the import run here as the
worker runs them (tests/exchange/test_activities_job.py runs a real worker);
axe checks each page at 1366x900 and 390x844."""

import pytest
from playwright.sync_api import expect

from engagement.models import Activity
from exchange import services
from exchange.models import ImportJob
from partnerships import tenancy
from partnerships.models import Role
from tests.browser.flows import DESKTOP, check_both_sizes, sign_in
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

HEADER = (
    "Title,First day,Level of engagement,Organisations involved,Status,"
    "Number of participants"
)


@pytest.fixture
def scenario(transactional_db, import_storage):
    with tenancy.platform_scope():
        partnership = PartnershipFactory(
            name="Wakeley Together", slug="wakeley", reporting_year_start_month=4
        )
        council = OrganisationFactory(partnership=partnership, name="Council")
        lead = UserFactory(email="lee.lead@example.net", full_name="Lee Lead")
        MembershipFactory(
            partnership=partnership, user=lead, role=Role.LEAD, organisation=council
        )
    return partnership, lead


def _work(partnership, *, apply=False):
    """What the worker does with the newest job."""
    with tenancy.partnership_scope(partnership.pk):
        job = ImportJob.objects.filter(partnership=partnership).latest("pk")
    if apply:
        services.import_job_apply(job_id=job.pk, partnership_id=partnership.pk)
    else:
        services.import_job_check(job_id=job.pk, partnership_id=partnership.pk)


@pytest.mark.django_db(transaction=True)
def test_a_lead_imports_the_log_through_a_checked_job(
    live_server, browser, scenario, a11y, tmp_path
):
    partnership, lead = scenario
    expect.set_options(timeout=10_000)
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, lead.email)
    page.goto(f"/p/{partnership.slug}/engagement/data/")
    expect(page.get_by_text("The file is checked in the background")).to_be_visible()
    check_both_sizes(page, a11y, "engagement import page")

    bad = tmp_path / "log.csv"
    bad.write_text(
        f"{HEADER}\r\nBus forum,2026-11-02,Forums for debate,Council,Held,14\r\n"
        "Walkabout,2026-13-01,Shouting,Nobody,Held,5\r\n"
    )
    page.get_by_label("Spreadsheet file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Import of engagement activities: log.csv"
        )
    ).to_be_visible()
    _work(partnership)
    page.reload()
    expect(
        page.get_by_role("heading", name="3 problems: nothing has been imported")
    ).to_be_visible()
    expect(page.get_by_text("Not a level of the continuum: Shouting.")).to_be_visible()
    check_both_sizes(page, a11y, "engagement import with problems")

    good = tmp_path / "log-fixed.csv"
    good.write_text(
        f"{HEADER}\r\nBus forum,2026-11-02,Forums for debate,Council,Held,14\r\n"
        "Walkabout,2026-11-03,Participation,Council,Held,5\r\n"
    )
    page.goto(f"/p/{partnership.slug}/engagement/data/")
    page.get_by_label("Spreadsheet file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    _work(partnership)
    page.reload()
    expect(page.get_by_text("2 to create, 0 to change, 0 unchanged.")).to_be_visible()
    check_both_sizes(page, a11y, "engagement import ready")
    page.get_by_role("button", name="Confirm and import").click()
    _work(partnership, apply=True)
    page.reload()
    expect(page.get_by_text("Imported: 2 new rows, 0 changed.")).to_be_visible()
    check_both_sizes(page, a11y, "engagement import done")
    page.get_by_role("link", name="See the engagement log").click()
    expect(page.get_by_role("heading", level=1, name="Engagement log")).to_be_visible()
    with tenancy.partnership_scope(partnership.pk):
        assert sorted(
            Activity.objects.filter(partnership=partnership).values_list(
                "title", flat=True
            )
        ) == ["Bus forum", "Walkabout"]
    # The job page polls while a job is pending: no request left in flight.
    context.close()
    a11y.assert_clean()
