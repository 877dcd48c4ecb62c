"""English and Welsh: each page at its two addresses, the switch between
them, the person's language on their account, and the API's Accept-Language."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from kpis.periods import Quarter
from partnerships.i18n import language_of, twin_path
from partnerships.models import Role, User
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.partnerships.test_views import without_tokens

pytestmark = pytest.mark.django_db


def welsh(text: str) -> str:
    with translation.override("cy"):
        translated = gettext(text)
    assert translated != text, f"{text!r} has no Welsh translation"
    return translated


@pytest.fixture
def member(client):
    membership = MembershipFactory(role=Role.LEAD)
    client.force_login(membership.user)
    return membership


def test_twin_path_adds_and_removes_the_welsh_prefix_keeping_the_query():
    assert twin_path("/p/x/my-measures/?quarter=2026-2", "cy") == (
        "/cy/p/x/my-measures/?quarter=2026-2"
    )
    assert twin_path("/cy/p/x/my-measures/?quarter=2026-2", "en-gb") == (
        "/p/x/my-measures/?quarter=2026-2"
    )
    assert twin_path("/", "cy") == "/cy/"
    assert twin_path("/cy/", "en-gb") == "/"
    assert twin_path("/cy/accounts/login/", "cy") == "/cy/accounts/login/"
    assert twin_path("/api/v1/docs/", "cy") == "/api/v1/docs/"
    assert twin_path("/admin/", "cy") == "/admin/"


def test_a_welsh_address_serves_the_page_in_welsh(client, member):
    url = reverse("reports:dashboard", kwargs={"slug": member.partnership.slug})
    english = client.get(url)
    assert english.status_code == 200
    assert '<html lang="en-GB">' in english.content.decode()

    response = client.get("/cy" + url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy">' in page
    assert welsh("Dashboard") in page
    # Links on a Welsh page stay in Welsh.
    assert f'href="/cy{url}"' in page


# ?quarter=2026-1 is open for entry only while it is among the last few
# quarters: the clock is pinned (tests/conftest.py).
@pytest.mark.usefixtures("clock")
def test_every_page_offers_its_twin_with_the_same_query(client, member):
    slug = member.partnership.slug
    url = reverse("kpis:my_measures", kwargs={"slug": slug}) + "?quarter=2026-1"
    page = client.get(url).content.decode()
    assert f'data-twin="/cy{url}"' in page
    assert f'<input type="hidden" name="next" value="{url}">' in page
    assert 'lang="cy"' in page and ">Cymraeg</button>" in page

    page = client.get("/cy" + url).content.decode()
    assert f'data-twin="{url}"' in page
    assert f'<input type="hidden" name="next" value="/cy{url}">' in page
    assert ">English</button>" in page


def test_the_sign_in_page_offers_both_languages(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<a href="/cy/accounts/login/" hreflang="cy" lang="cy">Cymraeg</a>' in page
    page = client.get("/cy/accounts/login/").content.decode()
    assert '<html lang="cy">' in page
    assert welsh("Sign in") in page
    assert '<a href="/accounts/login/" hreflang="en-GB" lang="en-GB">English' in page


def test_the_switch_records_the_language_and_goes_to_the_twin(client, member):
    url = reverse("kpis:my_measures", kwargs={"slug": member.partnership.slug})
    response = client.post(
        reverse("partnerships:language_switch"),
        {"language": "cy", "next": url + "?quarter=2026-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cy{url}?quarter=2026-1"
    member.user.refresh_from_db()
    assert member.user.language == "cy"

    response = client.post(
        "/cy/account/language/",
        {"language": "en-gb", "next": f"/cy{url}"},
    )
    assert response["Location"] == url
    member.user.refresh_from_db()
    assert member.user.language == "en-gb"


def test_the_switch_refuses_to_send_anyone_elsewhere(client, member):
    response = client.post(
        reverse("partnerships:language_switch"),
        {"language": "cy", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/cy/"


def test_a_bad_language_changes_nothing(client, member):
    response = client.post(
        reverse("partnerships:language_switch"),
        {"language": "fr", "next": "/"},
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.language == "en-gb"

    response = client.post(reverse("partnerships:account"), {"language": "fr"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.language == "en-gb"


def test_the_account_page_sets_the_language(client, member):
    page = client.get(reverse("partnerships:account")).content.decode()
    assert 'value="en-gb"' in page and "checked" in page
    response = client.post(reverse("partnerships:account"), {"language": "cy"})
    assert response["Location"] == "/cy/account/"
    member.user.refresh_from_db()
    assert language_of(member.user) == "cy"
    page = client.get("/cy/account/").content.decode()
    assert welsh("Your language is saved.").replace("'", "&#x27;") in page


def test_a_welsh_reader_signing_in_on_the_english_page_goes_on_in_welsh(client):
    user = UserFactory(language="cy")
    membership = MembershipFactory(user=user, role=Role.LEAD)
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/cy/"
    response = client.get(response["Location"])
    assert response["Location"] == f"/cy/p/{membership.partnership.slug}/"


def test_an_english_reader_signs_in_to_english_pages(client):
    user = UserFactory()
    MembershipFactory(user=user)
    response = client.post(
        "/cy/accounts/login/?next=/account/",
        {"username": user.email, "password": PASSWORD},
    )
    assert response["Location"] == "/account/"


def test_a_missing_page_is_the_same_whatever_its_address(client, member):
    first = client.get("/p/no-such/")
    second = client.get("/p/another-missing/")
    assert first.status_code == second.status_code == 404
    assert without_tokens(first) == without_tokens(second)
    assert '<html lang="cy">' in client.get("/cy/p/no-such/").content.decode()


def test_the_api_follows_accept_language(client, member):
    url = reverse("api:mission", kwargs={"slug": "no-such-partnership"})
    english = client.get(url)
    answer = client.get(url, headers={"accept-language": "cy"})
    assert english.status_code == answer.status_code == 404
    assert english.json() != answer.json()
    assert client.get(url, headers={"accept-language": "fr"}).json() == english.json()


def test_quarter_labels_are_ch_in_welsh():
    quarter = Quarter(2026, 2, 4)
    assert quarter.label == "2026/27 Q2"
    with translation.override("cy"):
        assert quarter.label == "2026/27 Ch2"
        assert pgettext("quarter label", "%(year)s Q%(quarter)s") != (
            "%(year)s Q%(quarter)s"
        )


def test_welsh_dates_use_welsh_month_names():
    template = Template('{{ day|date:"j F Y" }}')
    with translation.override("cy"):
        text = template.render(Context({"day": datetime.date(2026, 10, 30)}))
    assert text == "30 Hydref 2026"


def test_new_people_read_english_until_they_choose():
    assert User.objects.create_user("new@example.net").language == "en-gb"


def test_the_api_documentation_follows_accept_language(client):
    url = reverse("api:schema") + "?format=json"
    english = client.get(url).content.decode()
    welsh_schema = client.get(url, headers={"accept-language": "cy"}).content.decode()
    assert "The story behind the number." in english
    assert welsh("The story behind the number.") in welsh_schema
    assert "The story behind the number." not in welsh_schema


def test_a_label_looked_up_once_a_language_follows_the_active_language():
    """Status.label is looked up once per language (partnerships.i18n
    label_once): each language still gets its own text."""
    from kpis.rules import Status

    with translation.override("en"):
        assert Status.ON_TRACK.label == "On track"
    with translation.override("cy"):
        assert Status.ON_TRACK.label == "Ar y trywydd iawn"
        assert Status.ON_TRACK.label == "Ar y trywydd iawn"
    with translation.override("en"):
        assert Status.ON_TRACK.label == "On track"


def test_labels_looked_up_once_are_forgotten_when_the_catalogues_change(settings):
    from partnerships.i18n import label_once

    with translation.override("cy"):
        label_once(("test", "status"), "first")
        assert label_once(("test", "status"), "second") == "first"
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
        assert label_once(("test", "status"), "second") == "second"
