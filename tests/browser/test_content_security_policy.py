"""The pages run under their Content-Security-Policy without a violation.

Chromium reports each thing a policy blocks (an inline script or style, a
script from elsewhere, an eval) on the console as "... violates the following
Content Security Policy directive ..."; a blocked script would also break
htmx or the API docs. The test signs in, uses the dashboard and My measures
(saving a figure with htmx, then a bad one), opens both API documentation
pages and the admin site, listening to the console throughout.
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from demo.builder import Member, framework_build
from demo.specs import MeasureSpec, OutcomeSpec, PartnershipSpec, PrioritySpec
from kpis.models import Aggregation, Question, ValueType
from outcomes.models import Horizon
from partnerships import tenancy
from partnerships.models import Role
from tests.browser.second_factor import pass_second_factor
from tests.factories import PASSWORD, UserFactory

# My measures shows the current quarter: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clock")]

MEASURE_NAME = "Schools engaged in the Children's University"
ADMIN = settings.ADMIN_URL_PREFIX
POLICY_MESSAGES = (
    "Content Security Policy",
    "Permissions-Policy",
    "Permissions Policy",
)


SPEC = PartnershipSpec(
    name="Arts & Health Partnership",
    slug="arts-health",
    reporting_year_start_month=4,
    mission_statement="People across the county stay well through the arts",
    mission_target_year=2030,
    mission_description="",
    organisations=(),
    priorities=(
        PrioritySpec(
            name="Creative health",
            mission_statement="Arts that help people stay well.",
            outcomes=(
                OutcomeSpec(
                    statement="More people take part in the arts for their health",
                    horizon=Horizon.SHORT,
                    measures=(
                        MeasureSpec(
                            code="AH1",
                            name=MEASURE_NAME,
                            question=Question.HOW_MUCH,
                            value_type=ValueType.COUNT,
                            aggregation=Aggregation.SUM,
                            target=50,
                            headline=True,
                        ),
                    ),
                ),
            ),
        ),
    ),
)


@pytest.fixture
def lead(transactional_db):
    """The partnership (demo.builder, the one framework builder) and its lead."""
    with tenancy.platform_scope():
        user = UserFactory(email="lena.lead@example.net", full_name="Lena Lead")
        built = framework_build(
            SPEC,
            members=[Member(user=user, role=Role.LEAD)],
            measure_lead=lambda _measure: user,
        )
    return user, built.partnership


def watch_console(page) -> list[str]:
    """Every console message and uncaught error that names a policy."""
    seen: list[str] = []

    def keep(text: str) -> None:
        if any(name in text for name in POLICY_MESSAGES):
            seen.append(f"{page.url}: {text}")

    page.on("console", lambda message: keep(message.text))
    page.on("pageerror", lambda error: keep(str(error)))
    return seen


@pytest.mark.django_db(transaction=True)
def test_dashboard_and_my_measures_raise_no_policy_violation(
    live_server, browser, lead
):
    expect.set_options(timeout=10_000)
    user, partnership = lead
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = watch_console(page)

    response = page.goto("/accounts/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user.email)
    expect(page.get_by_role("heading", level=1, name=partnership.name)).to_be_visible()

    # My quarter (figures and action updates), then its figures' entry.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My quarter"
    ).click()
    page.get_by_role("link", name="Enter my figures").click()
    expect(page.get_by_role("heading", level=1, name="My measures")).to_be_visible()
    form = page.get_by_role("form", name=MEASURE_NAME)
    page.evaluate("window.__civicSamePage = true")
    form.get_by_label("Count").fill("17")
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    # htmx swapped the row in place: its script ran under the policy.
    assert page.evaluate("window.__civicSamePage === true")
    form.get_by_label("Count").fill("1e20")
    form.get_by_role("button", name=re.compile(r"^Save\b")).click()
    expect(form.get_by_text("This number is too large")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dashboard"
    ).click()
    expect(page.get_by_text(MEASURE_NAME).first).to_be_visible()
    context.close()
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_pages_work_under_their_policy(live_server, browser):
    expect.set_options(timeout=20_000)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = watch_console(page)
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))

    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Civic API")
    expect(page.locator(".opblock").first).to_be_visible()

    page.goto("/api/v1/redoc/")
    expect(page.get_by_role("heading", name=re.compile("Civic API"))).to_be_visible()
    context.close()
    # Redoc's sidebar always shows its maker's logo from their CDN (no setting
    # turns it off; it hides itself when the image fails): the policy refusing
    # it is the point, and the one refusal expected.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [v for v in violations if logo not in v] == []
    # No CDN and no web fonts from elsewhere: everything from the site itself.
    local = (live_server.url, "data:", f"blob:{live_server.url}")
    assert [url for url in fetched if not url.startswith(local)] == []


@pytest.mark.django_db(transaction=True)
def test_the_admin_site_raises_no_policy_violation(live_server, browser):
    expect.set_options(timeout=10_000)
    staff = UserFactory(
        email="pat.platform@example.net", is_staff=True, is_superuser=True
    )
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = watch_console(page)
    page.goto(f"{ADMIN}login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    pass_second_factor(page, staff.email)
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"{ADMIN}partnerships/partnership/add/")
    expect(
        page.get_by_role("heading", name=re.compile("Add partnership"))
    ).to_be_visible()
    page.goto(f"{ADMIN}partnerships/user/")
    expect(page.get_by_role("heading", name=re.compile("Select user"))).to_be_visible()
    context.close()
    assert violations == []
