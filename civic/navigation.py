"""The main navigation: a few direct links and a few menus, by role.

A partnership's pages are grouped the way its people work through a year:
the dashboard and their own quarter first, then what the partnership plans
(strategy, action plan), what it records (the quarter's progress, engagement,
imports), what it reports (annual reports, the contribution map, learning
networks, the public page), and, for admins, what they manage. The account's
pages sit in a menu of their own. An item a role cannot use is not shown, and
a menu left with nothing in it is not shown either.

``base.html`` draws each menu as a ``<details>`` disclosure (a keyboard- and
screen-reader-operable button without any script; static/js/menu.js only
closes one menu when another opens, and on Escape). An item is current on its
own page and on the pages under it (a measure's page is under the dashboard),
so the link says ``aria-current="page"`` and its menu is marked too.

The project package draws it because it names pages of every app: it only
reverses URL names, so it imports none of them, and an app whose URLs are
not installed (learning networks) simply has no item.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, pgettext

from partnerships.policy import Allowed


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class NavMenu:
    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)


@dataclass(frozen=True)
class Navigation:
    entries: list[NavItem | NavMenu]

    def labels(self) -> list[str]:
        """Every item's label in order, menus' items included (for tests)."""
        out = []
        for entry in self.entries:
            if isinstance(entry, NavMenu):
                out.extend(item.label for item in entry.items)
            else:
                out.append(entry.label)
        return out


class _Builder:
    def __init__(self, view_name: str, slug: str | None = None):
        self.slug = slug
        self.view_name = view_name

    def item(self, label: str, name: str, *also: str) -> NavItem | None:
        """The page ``name``, current there and on the views named in ``also``
        (a name ending in ':' stands for its whole namespace); None when the
        URL is not installed."""
        try:
            url = reverse(name, kwargs={"slug": self.slug} if self.slug else None)
        except NoReverseMatch:
            return None
        view = self.view_name
        current = view == name or any(
            view.startswith(other) if other.endswith(":") else view == other
            for other in also
        )
        return NavItem(label=label, url=url, current=current)


def _menu(key: str, label: str, *items: NavItem | None) -> NavMenu | None:
    shown = [item for item in items if item is not None]
    return NavMenu(key=key, label=label, items=shown) if shown else None


def _partnership_entries(build: _Builder, may: Allowed) -> list:
    def when(allowed: bool, *args) -> NavItem | None:
        return build.item(*args) if allowed else None

    return [
        build.item(gettext("Dashboard"), "reports:dashboard", *_DASHBOARD_PAGES),
        when(
            may.enter_figures,
            gettext("My quarter"),
            "delivery:my_quarter",
            "kpis:my_measures",
            "kpis:my_measures_submit",
        ),
        _menu(
            "plan",
            pgettext("navigation menu", "Plan"),
            when(may.administer, gettext("Strategy"), "kpis:strategy", *_STRATEGY),
            build.item(gettext("Action plan"), "delivery:action_plan", *_ACTION_PAGES),
        ),
        _menu(
            "record",
            pgettext("navigation menu", "Record"),
            when(
                may.follow_progress,
                gettext("Quarter"),
                "kpis:quarter_review",
                *_QUARTER_PAGES,
            ),
            build.item(gettext("Engagement"), "engagement:log", "engagement:"),
            build.item(gettext("Import and export"), "exchange:data", "exchange:"),
        ),
        _menu(
            "report",
            pgettext("navigation menu", "Report"),
            build.item(gettext("Reports"), "reports:reports", *_REPORTS_PAGES),
            build.item(
                gettext("Contribution"),
                "reports:contribution",
                *_CONTRIBUTION_PAGES,
            ),
            build.item(gettext("Networks"), "networks:networks", "networks:"),
            when(
                may.administer,
                gettext("Public page"),
                "publishing:publishing",
                "publishing:",
            ),
        ),
        _menu(
            "manage",
            pgettext("navigation menu", "Manage"),
            when(
                may.administer,
                gettext("Settings"),
                "kpis:partnership_settings",
                *_SETTINGS_PAGES,
            ),
            when(
                may.administer,
                gettext("Set-up"),
                "kpis:reporting_setup",
                "kpis:welsh_texts",
                "kpis:measure_checks",
            ),
            when(
                may.administer,
                gettext("Members"),
                "partnerships:members",
                *_MEMBER_PAGES,
            ),
            when(
                may.administer,
                gettext("Security"),
                "partnerships:security_events",
            ),
        ),
    ]


def _account_menu(build: _Builder, staff: bool) -> NavMenu | None:
    return _menu(
        "account",
        pgettext("navigation menu", "Account"),
        build.item(gettext("Your account"), "partnerships:account"),
        build.item(
            gettext("Two-step sign-in"), "partnerships:mfa_overview", *_MFA_PAGES
        ),
        build.item(gettext("API tokens"), "partnerships:api_tokens"),
        build.item(gettext("Partnerships"), "partnerships:home"),
        build.item(gettext("New partnership"), "partnerships:partnership_new")
        if staff
        else None,
        build.item(
            gettext("Learning networks"), "networks_staff:networks", "networks_staff:"
        )
        if staff
        else None,
        build.item(gettext("Administration"), "admin:index") if staff else None,
    )


# The pages under each item, by view name.
_DASHBOARD_PAGES = ("reports:measure_detail", "reports:measure_curve")
_STRATEGY = (
    "kpis:mission_edit",
    "kpis:priority_add",
    "kpis:priority_edit",
    "kpis:outcome_add",
    "kpis:outcome_edit",
    "kpis:measure_add",
    "kpis:measure_edit",
    "kpis:measure_retire",
    "kpis:measure_delete",
)
_ACTION_PAGES = (
    "delivery:action_add",
    "delivery:updates_review",
    "delivery:actions_by_status",
    "delivery:action_detail",
    "delivery:action_edit",
    "delivery:action_update",
)
_QUARTER_PAGES = (
    "kpis:quarter_review_value",
    "kpis:quarter_approve_submitted",
    "kpis:quarter_lock",
    "kpis:quarter_reopen",
)
_REPORTS_PAGES = ("reports:report_download", "reports:report_withdraw")
_CONTRIBUTION_PAGES = (
    "reports:contribution_indicators",
    "reports:contribution_framework",
    "reports:indicator_detail",
)
_SETTINGS_PAGES = ("kpis:partnership_second_factor", "kpis:reporting_settings")
_MEMBER_PAGES = (
    "partnerships:member_invite",
    "partnerships:member_change",
    "partnerships:member_remove",
    "partnerships:invitation_resend",
    "partnerships:invitation_revoke",
    "partnerships:organisations",
    "partnerships:organisation_rename",
    "partnerships:organisation_merge",
)
_MFA_PAGES = (
    "partnerships:mfa_verify",
    "partnerships:mfa_enrol",
    "partnerships:mfa_device_remove",
    "partnerships:mfa_recovery_regenerate",
    "partnerships:mfa_passkey_add",
    "partnerships:mfa_passkey_added",
    "partnerships:mfa_passkey_remove",
)


def navigation(request) -> dict:
    """Context processor: ``navigation`` for a signed-in person's pages,
    built when a template first reads it (an htmx partial, such as a figure
    saved on My measures, never does)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"navigation": SimpleLazyObject(lambda: _navigation(request, user))}


def _navigation(request, user) -> "Navigation":
    partnership = getattr(request, "partnership", None)
    membership = getattr(request, "membership", None)
    member = partnership is not None and membership is not None
    match = getattr(request, "resolver_match", None)
    return _navigation_for(
        language=translation.get_language(),
        script_prefix=get_script_prefix(),
        urlconf=get_urlconf(),
        slug=partnership.slug if member else None,
        role=membership.role if member else None,
        staff=user.is_staff,
        view_name=match.view_name if match else "",
    )


@lru_cache(maxsize=1024)
def _navigation_for(
    *,
    language: str | None,
    script_prefix: str,
    urlconf: str | None,
    slug: str | None,
    role: str | None,
    staff: bool,
    view_name: str,
) -> "Navigation":
    """The navigation for one page as one kind of member sees it: built
    from nothing but these (the labels in ``language``, the addresses of
    ``slug``'s pages, what ``role`` may use), so built once per worker for
    each and shared; it is only read."""
    build = _Builder(view_name, slug)
    entries = []
    if slug is not None:
        entries.extend(_partnership_entries(build, Allowed.of_role(role)))
    entries.append(_account_menu(_Builder(view_name), staff))
    return Navigation([e for e in entries if e is not None])


@receiver(setting_changed)
def _navigation_forget(**kwargs) -> None:
    # Tests change the URLs, languages and catalogues the items are made of.
    _navigation_for.cache_clear()
