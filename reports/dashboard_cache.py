"""The dashboard's content, rendered once and cached whole.

The read model alone was cached before, and rendering its template was most
of a cached dashboard's time. Now the rendered fragment
(``reports.dashboard_rows.dashboard_body_html``) is the cache entry, keyed by
what changes it and nothing else:

* the partnership's data version (partnerships.models.DataVersion), which the
  database's triggers bump on every write to what the dashboard shows,
  whatever the path, so an entry is never stale;
* the year asked for, the language (labels, addresses under ``/cy/``, the
  English fallback marks) and the day (quarters end, figures fall due);
* the code that writes the fragment (a digest of ``reports.dashboard_rows``'
  source), so a deployment that changes it never serves the old HTML, and
  ``DASHBOARD_CACHE_FORMAT`` for a change elsewhere in the Python that
  builds it.

The fragment is rendered without the request: no context processor runs, so
nothing of the person (their name, role, CSRF token) can enter an entry that
every member of the partnership is served. Role-dependent parts of the page
(the navigation) are outside it, in ``reports/dashboard.html``.
"""

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from partnerships.models import Partnership
from partnerships.selectors import data_version_get

from . import dashboard_rows
from .selectors import Dashboard
from .year_figures import dashboard_page_get

# Bump when the Python that builds the fragment (beyond dashboard_rows)
# changes what it shows.
DASHBOARD_CACHE_FORMAT = 4


@dataclass
class DashboardHtml:
    html: SafeString
    # The read model, when it was built for this request (None: from the cache).
    dashboard: Dashboard | None


@cache
def _writer_digest() -> str:
    source = Path(dashboard_rows.__file__).read_bytes()
    return hashlib.blake2b(source, digest_size=8).hexdigest()


def dashboard_cache_key(
    *, partnership: Partnership, year: int | None, version: int
) -> str:
    return ":".join(
        str(part)
        for part in (
            "civic:dashboard-html",
            DASHBOARD_CACHE_FORMAT,
            _writer_digest(),
            partnership.pk,
            # A database rebuilt from scratch reuses ids; never its entries.
            partnership.created_at.timestamp(),
            version,
            year or "",
            get_language() or "",
            timezone.localdate().isoformat(),
        )
    )


def dashboard_render(dashboard: Dashboard) -> SafeString:
    return dashboard_rows.dashboard_body_html(dashboard)


def dashboard_html_get(
    *, partnership: Partnership, year: int | None = None, version: int | None = None
) -> DashboardHtml:
    """The dashboard's rendered content, from the cache where it holds the
    current version's.

    ``version`` is the one read with the membership; None reads it here
    (from the replica, with the figures, when the view reads from one).
    Without the cache (``CIVIC_DASHBOARD_CACHE_SECONDS=0``, or Redis down) the
    fragment is built as without it.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        dashboard = dashboard_page_get(partnership=partnership, year=year)
        return DashboardHtml(dashboard_render(dashboard), dashboard)
    if version is None:
        version = data_version_get(partnership=partnership)
    key = dashboard_cache_key(partnership=partnership, year=year, version=version)
    try:
        cached = django_cache.get(key)
    except Exception:  # the cache is an optimisation, never a failure
        cached = None
    if isinstance(cached, str):
        return DashboardHtml(mark_safe(cached), None)  # noqa: S308
    dashboard = dashboard_page_get(partnership=partnership, year=year)
    html = dashboard_render(dashboard)
    with suppress(Exception):
        django_cache.set(key, str(html), seconds)
    return DashboardHtml(html, dashboard)
