"""Every page of the demo in Welsh, as each role, in a real browser.

The admin, the lead and the steering-group member have each chosen Welsh
once (on their account); each signs in on the English sign-in page, lands in
Welsh, and walks every page their role can open. On each: ``<html
lang="cy">``, a link to the English twin, none of the interface's English
strings (the catalogue's msgids of three words or more whose Welsh differs)
in the text people see or hear, outside elements marked as another
language, and axe clean at 1366x900 and 390x844. The lead then enters a
quarter's figure on the Welsh My measures page.

Kept quick (axe is most of its time): one browser and one context; axe once
per template, at the size the page is at and then the other, without going
back; the links to a measure's and an indicator's page are taken as their
lists are checked, not by loading the lists again; and the English strings
are looked for in the page's text joined once, not piece by piece.
"""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from demo.loader import ADMIN_EMAIL, LEAD_EMAIL, PASSWORD, STEERING_EMAIL
from kpis.models import PerformanceMeasure
from partnerships import tenancy
from partnerships.models import Partnership, User
from tests.browser.conftest import AXE_TAGS, _format_violations
from tests.demo_database import DEMO_NOW
from tests.english_strings import english_strings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.clock(DEMO_NOW),
    pytest.mark.usefixtures("clock"),
]

CIVIC = "wrexham-civic-mission"
COHESION = "wrexham-community-cohesion"
VIEWPORTS = [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]

# Pages by role, under /cy/. Measure and indicator pages are found by
# following the first link to one.
PAGES = {
    "admin": [
        "",
        f"p/{CIVIC}/",
        f"p/{CIVIC}/my-measures/",
        f"p/{CIVIC}/quarter/",
        f"p/{CIVIC}/setup/",
        f"p/{CIVIC}/security/",
        f"p/{CIVIC}/contribution/",
        f"p/{CIVIC}/contribution/indicators/",
        f"p/{CIVIC}/reports/",
        f"p/{CIVIC}/data/",
        f"p/{COHESION}/",
        f"p/{COHESION}/my-measures/",
        f"p/{COHESION}/quarter/",
        "account/",
        "account/tokens/",
        "accounts/password_change/",
    ],
    "viewer": [
        f"p/{CIVIC}/",
        f"p/{CIVIC}/contribution/",
        f"p/{CIVIC}/contribution/indicators/",
        f"p/{CIVIC}/reports/",
        f"p/{CIVIC}/data/",
        "account/",
        "account/tokens/",
    ],
    "lead": [
        f"p/{CIVIC}/",
        f"p/{CIVIC}/my-measures/",
        f"p/{CIVIC}/reports/",
        "account/",
    ],
}
MEASURE_LINK = f"a[href^='/cy/p/{CIVIC}/measures/']"
INDICATOR_LINK = f"a[href^='/cy/p/{CIVIC}/indicators/']"
# The pages whose first link of a kind the walk follows afterwards.
FIRST_LINKS = {
    f"p/{CIVIC}/": (MEASURE_LINK,),
    f"p/{CIVIC}/contribution/indicators/": (INDICATOR_LINK,),
}
EMAILS = {"admin": ADMIN_EMAIL, "lead": LEAD_EMAIL, "viewer": STEERING_EMAIL}
SIGNED_OUT = ["accounts/login/", "accounts/password_reset/"]
MISSING = "p/no-such-partnership/"

# The text people see or hear, piece by piece: each text node and each
# attribute people read or hear, leaving out scripts, styles and elements that
# say they are in another language (English content still awaiting Welsh).
VISIBLE_TEXT = """() => {
  const other = '[lang]:not([lang="cy"])';
  const pieces = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template') || parent.closest(other)) {
      continue;
    }
    pieces.push(node.textContent);
  }
  for (const element of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
    if (element.closest(other)) continue;
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      if (element.getAttribute(name)) pieces.push(element.getAttribute(name));
    }
  }
  return pieces.map((piece) => piece.split(/\\s+/).join(' ').trim()).filter(Boolean);
}"""
# A sentence this long inside a longer text is the interface's, not a
# coincidence of the partnership's own words; a shorter one must be the
# whole text of its node.
SENTENCE_WORDS = 5
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
}


class Walk:
    def __init__(self, page):
        self.page = page
        english = english_strings()
        # Shorter strings must be a whole piece; longer ones may sit inside one.
        self.whole_only = [e for e in english if len(e.split()) < SENTENCE_WORDS]
        self.anywhere = [e for e in english if len(e.split()) >= SENTENCE_WORDS]
        self.problems: list[str] = []
        self.checked: set[str] = set()
        self.viewport = VIEWPORTS[0]
        # The first link matching a selector, noted as the page holding it is
        # checked (FIRST_LINKS), so that following it needs no second visit.
        self.first_links: dict[str, str | None] = {}

    def visit(self, path: str, label: str, *, status: int = 200) -> None:
        response = self.page.goto(f"/cy/{path}")
        assert response.status == status, f"{label}: {path} answered {response.status}"
        # axe once per template: the admin's pages hold every role's markup
        # (the others differ only by what they may not see), and the second
        # partnership's pages are the same templates (but for My measures,
        # whose breakdown grids only it has).
        template = path.replace(COHESION, CIVIC) if "my-measures" not in path else path
        self.check(label, axe=template not in self.checked)
        self.checked.add(template)
        for selector in FIRST_LINKS.get(path, ()):
            link = self.page.locator(selector).first
            self.first_links[selector] = link.get_attribute("href")

    def check(self, label: str, *, axe: bool = True) -> None:
        page = self.page
        where = f"{label} {page.url}"
        if page.get_attribute("html", "lang") != "cy":
            self.problems.append(f"{where}: html lang is not cy")
        twin = page.locator(".language-switch [lang='en-GB']")
        if twin.count() != 1:
            self.problems.append(f"{where}: no link to the English page")
        pieces = page.evaluate(VISIBLE_TEXT)
        whole = set(pieces)
        # The pieces hold no newline (their spaces are normalised), so a
        # string found in the joined text is found within one piece.
        joined = "\n".join(pieces)
        shown = [e for e in self.whole_only if e in whole]
        shown += [e for e in self.anywhere if e in whole or e in joined]
        for english in shown:
            self.problems.append(f"{where}: English shown: {english!r}")
        if not axe:
            return
        # axe (injected into every page by the context) at both sizes: the
        # one the page is at, then the other, which the next page starts at.
        first, second = sorted(VIEWPORTS, key=lambda v: v != self.viewport)
        for viewport in (first, second):
            if viewport != self.viewport:
                page.set_viewport_size(viewport)
                self.viewport = viewport
            violations = page.evaluate(
                "(options) => axe.run(document, options).then((r) => r.violations)",
                AXE_OPTIONS,
            )
            if violations:
                self.problems.append(
                    _format_violations(
                        f"{where} at {viewport['width']}x{viewport['height']}",
                        violations,
                    )
                )

    def follow_first(self, selector: str, label: str) -> None:
        href = self.first_links.pop(selector, None)
        assert href and href.startswith("/cy/"), f"{label}: {selector} -> {href}"
        self.page.goto(href)
        self.check(label, axe=selector not in self.checked)
        self.checked.add(selector)


def broken_down_measure(slug: str) -> int:
    """The first measure of the partnership broken down by a dimension."""
    with tenancy.platform_scope():
        partnership = Partnership.objects.get(slug=slug)
    with tenancy.partnership_scope(partnership.pk):
        return (
            PerformanceMeasure.objects.filter(
                partnership=partnership,
                breakdown_first__isnull=False,
                retired_at__isnull=True,
            )
            .order_by("position")
            .values_list("pk", flat=True)
            .first()
        )


def enter_a_figure_in_welsh(page) -> None:
    """The lead saves this quarter's count on the Welsh My measures page."""
    page.goto(f"/cy/p/{CIVIC}/my-measures/")
    form = page.locator("form.entry").filter(has=page.locator("input[name$='-value']"))
    form_id = form.first.get_attribute("id")
    page.locator(f"#{form_id} input[name$='-value']").fill("21")
    page.locator(f"#{form_id} button[id$='-save']").click()
    with translation.override("cy"):
        saved = gettext("Saved.")
    expect(page.locator(f"#{form_id} [role=status]")).to_have_text(saved)
    expect(page.locator(f"#{form_id} input[name$='-value']")).to_have_value("21")


@pytest.mark.django_db(transaction=True)
def test_every_page_in_welsh_as_every_role(
    demo_database_copy, live_server, browser, settings
):
    import axe_playwright_python

    # The demo's pages as the demo shows them: its accounts sign in with a
    # password alone (``make demo`` lifts the MFA requirement; the
    # requirement itself is tested in tests/partnerships/test_mfa.py and
    # tests/browser/test_mfa.py).
    settings.MFA_REQUIRED = False

    with tenancy.platform_scope():
        User.objects.filter(email__in=EMAILS.values()).update(language="cy")

    expect.set_options(timeout=10_000)
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[0])
    axe_source = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    context.add_init_script(path=str(axe_source))
    page = context.new_page()
    walk = Walk(page)

    for path in SIGNED_OUT:
        walk.visit(path, "signed out")

    for role, paths in PAGES.items():
        context.clear_cookies()
        # Welsh chosen once: the English sign-in page leads into Welsh.
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(EMAILS[role])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/cy/"))
        for path in paths:
            walk.visit(path, role)
        if role == "admin":
            # The cohesion partnership has more measures than My measures
            # opens at once (each a line): its broken-down measure's form,
            # with the grid, is opened on the page.
            opened = broken_down_measure(COHESION)
            walk.visit(f"p/{COHESION}/my-measures/?open={opened}", role)
        if role == "viewer":
            walk.visit(MISSING, role, status=404)
        if role == "lead":
            enter_a_figure_in_welsh(page)
            walk.check(role, axe=False)
        if role in ("viewer", "admin"):
            walk.follow_first(MEASURE_LINK, role)
            walk.follow_first(INDICATOR_LINK, role)

    context.close()
    assert not walk.problems, "\n".join(walk.problems)
