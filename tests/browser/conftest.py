"""Playwright fixtures for the browser tests.

The tests drive Debian's chromium (never a downloaded browser) through
Playwright's *sync* API against pytest-django's ``live_server``.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread, which makes
# Django refuse ORM calls there ("You cannot call this from an async
# context"). The test's own set-up and database checks are ordinary sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"

# The WCAG 2.x A and AA rules; axe's best-practice rules are left out.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def playwright_instance():
    # `make test` installs Debian's chromium; a browser test never skips.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is not installed: run `make system-deps`.")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


def _format_violations(label: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {label}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:200]}")
            summary = node.get("failureSummary")
            if summary:
                for text in summary.splitlines():
                    lines.append(f"      {text}")
    return "\n".join(lines)


class AccessibilityChecker:
    """Runs axe on a page and saves a full-page screenshot of it.

    Violations are printed as soon as they are found and gathered, so one run
    reports every page's problems; ``assert_clean`` fails the test with all of
    them at the end.
    """

    def __init__(self, browser, directory: Path):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.browser = browser
        self.directory = directory
        self.count = 0
        self.reports: list[str] = []

    def check(self, page, label: str, *, javascript: bool = True) -> None:
        """Screenshot ``page`` and run axe on it.

        axe cannot finish in a context with JavaScript disabled (its timers
        never fire), so for such a page pass ``javascript=False``: axe then
        runs on a replica, the same HTML served at the same address in a
        scripted context with htmx blocked so nothing changes the markup.
        """
        self.count += 1
        slug = "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")
        page.screenshot(
            path=str(self.directory / f"{self.count:02d}-{slug}.png"), full_page=True
        )
        if javascript:
            violations = self._violations(page)
        else:
            violations = self._violations_in_replica(page)
        if violations:
            report = _format_violations(f"{label} ({page.url})", violations)
            print(report)
            self.reports.append(report)

    def _violations(self, page) -> list[dict]:
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": AXE_TAGS},
                "resultTypes": ["violations"],
            },
        )
        return results.response["violations"]

    def _violations_in_replica(self, page) -> list[dict]:
        html = page.content()
        url = page.url.split("#", 1)[0]
        context = self.browser.new_context(viewport=page.viewport_size)
        try:
            replica = context.new_page()
            replica.route(
                lambda candidate: candidate.split("#", 1)[0] == url,
                lambda route: route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=html
                ),
            )
            replica.route("**/*.js", lambda route: route.abort())
            replica.goto(url)
            return self._violations(replica)
        finally:
            context.close()

    def assert_clean(self) -> None:
        assert not self.reports, "\n\n".join(self.reports)


@pytest.fixture
def a11y(browser, artifacts_dir) -> AccessibilityChecker:
    return AccessibilityChecker(browser, artifacts_dir)
