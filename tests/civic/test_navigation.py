"""The main navigation (civic/navigation.py, drawn by base.html): a few
direct links and menus, each role shown only what it can use, the current
page marked, in English and Welsh."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from partnerships.models import Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
SUMMARY = re.compile(r"<summary[^>]*>([^<]+)</summary>")
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')

EVERYONE = ["Dashboard", "Action plan", "Engagement", "Import and export"]
EVERYONE += ["Reports", "Contribution"]
ACCOUNT = ["Your account", "Two-step sign-in", "API tokens", "Partnerships"]
ADMIN_ONLY = ["Strategy", "Public page", "Settings", "Set-up", "Members", "Security"]


def networks_installed() -> bool:
    try:
        reverse("networks:networks", kwargs={"slug": "any"})
    except NoReverseMatch:
        return False
    return True


def navigation(client, path):
    response = client.get(path)
    assert response.status_code == 200
    nav = NAV.search(response.content.decode()).group(0)
    menus = SUMMARY.findall(nav)
    links = [(label, href, bool(current)) for href, current, label in LINK.findall(nav)]
    return menus, links


@pytest.fixture
def partnership():
    return PartnershipFactory(name="Bro Dyfrdwy", slug="bro-dyfrdwy")


def member(partnership, role):
    return MembershipFactory(partnership=partnership, role=role).user


@pytest.mark.parametrize(
    ("role", "menus", "also", "never"),
    [
        (
            Role.ADMIN,
            ["Plan", "Record", "Report", "Manage", "Account"],
            ["My quarter", "Quarter", *ADMIN_ONLY],
            [],
        ),
        (
            Role.LEAD,
            ["Plan", "Record", "Report", "Account"],
            ["My quarter"],
            ["Quarter", *ADMIN_ONLY],
        ),
        (
            Role.VIEWER,
            ["Plan", "Record", "Report", "Account"],
            ["Quarter"],
            ["My quarter", *ADMIN_ONLY],
        ),
    ],
)
def test_each_role_sees_the_menus_and_items_it_can_use(
    client, partnership, role, menus, also, never
):
    client.force_login(member(partnership, role))
    shown_menus, links = navigation(client, f"/p/{partnership.slug}/")
    assert shown_menus == menus
    labels = [label for label, _, _ in links]
    for label in [*EVERYONE, *ACCOUNT, *also]:
        assert label in labels, label
    for label in never:
        assert label not in labels, label
    assert ("Networks" in labels) == networks_installed()
    # No staff pages for a partnership's own people.
    for label in ("New partnership", "Administration"):
        assert label not in labels
    # Every link leads to a page this person may open.
    for label, href, _ in links:
        if href.startswith(f"/p/{partnership.slug}/"):
            assert client.get(href).status_code == 200, label


def test_the_two_first_items_are_direct_links_in_the_order_of_the_year(
    client, partnership
):
    client.force_login(member(partnership, Role.LEAD))
    _, links = navigation(client, f"/p/{partnership.slug}/")
    assert [label for label, _, _ in links[:2]] == ["Dashboard", "My quarter"]


def test_the_current_page_and_the_pages_under_it_are_marked(client, partnership):
    client.force_login(member(partnership, Role.ADMIN))
    slug = partnership.slug
    for path, label in [
        (f"/p/{slug}/", "Dashboard"),
        (f"/p/{slug}/my-measures/", "My quarter"),
        (f"/p/{slug}/contribution/", "Contribution"),
        (f"/p/{slug}/organisations/", "Members"),
        (f"/p/{slug}/settings/", "Settings"),
        ("/account/security/", "Two-step sign-in"),
    ]:
        _, links = navigation(client, path)
        assert [lab for lab, _, current in links if current] == [label], path


def test_the_menu_holding_the_current_page_is_marked(client, partnership):
    client.force_login(member(partnership, Role.ADMIN))
    page = client.get(f"/p/{partnership.slug}/engagement/").content.decode()
    assert '<summary class="site-nav__current">Record</summary>' in page
    assert page.count("site-nav__current") == 1


def test_outside_a_partnership_only_the_account_menu_shows(client):
    client.force_login(UserFactory())
    menus, links = navigation(client, "/account/")
    assert menus == ["Account"]
    assert [label for label, _, _ in links] == ACCOUNT


def test_platform_staff_also_have_the_staff_pages(client):
    client.force_login(UserFactory(is_staff=True))
    _, links = navigation(client, "/account/")
    labels = [label for label, _, _ in links]
    assert "New partnership" in labels
    assert "Administration" in labels


def test_the_navigation_in_welsh(client, partnership):
    client.force_login(member(partnership, Role.ADMIN))
    menus, links = navigation(client, f"/cy/p/{partnership.slug}/")
    assert menus == ["Cynllunio", "Cofnodi", "Adrodd", "Rheoli", "Cyfrif"]
    labels = [label for label, _, _ in links]
    assert labels[:2] == ["Dangosfwrdd", "Fy chwarter"]
    assert all(href.startswith("/cy/") for _, href, _ in links)


def test_a_signed_out_page_has_no_navigation(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'class="site-nav"' not in page
