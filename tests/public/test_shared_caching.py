"""Public answers are cacheable by shared caches: the same for every visitor.

No answer under /public/ (or /cy/public/) reads the session or the user, so
none carries ``Vary: Cookie`` or sets a cookie, whether the visitor is
signed in or not; the language is the address's, so none varies on
Accept-Language either.
"""

import pytest
from django.urls import reverse

from partnerships.models import Role
from tests.factories import MembershipFactory
from tests.public.published import build_published

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16 10:00")]


@pytest.fixture
def published(clock):
    return build_published(slug="welcome-valley", name="Welcome Valley")


def public_addresses(published) -> list[str]:
    slug, pk = "welcome-valley", published.sessions.pk
    english = [
        reverse("public:page", kwargs={"slug": slug}),
        reverse("public:measure", kwargs={"slug": slug, "pk": pk}),
        reverse("public:embed", kwargs={"slug": slug, "pk": pk}),
        reverse("public:open_data_csv", kwargs={"slug": slug}),
        reverse("public:open_data_json", kwargs={"slug": slug}),
    ]
    return english + ["/cy" + address for address in english]


def assert_shared_cacheable(response):
    vary = [v.strip().lower() for v in response.get("Vary", "").split(",")]
    assert "cookie" not in vary, response.get("Vary")
    assert "accept-language" not in vary, response.get("Vary")
    assert not response.cookies, list(response.cookies)
    assert "public" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]


def test_anonymous_visitors_get_answers_shared_caches_may_keep(client, published):
    for address in public_addresses(published):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_shared_cacheable(response)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_signed_in_visitors_get_the_same_answers(client, published, role):
    member = (
        published.admin
        if role == Role.ADMIN
        else MembershipFactory(partnership=published.partnership, role=role)
    )
    client.force_login(member.user)
    session_key = client.session.session_key
    for address in public_addresses(published):
        anonymous = client.__class__().get(address)
        response = client.get(address)
        assert response.status_code == 200, address
        assert_shared_cacheable(response)
        # The same bytes as an anonymous visitor's: nothing of the member.
        assert response.content == anonymous.content, address
    # The session was not touched, let alone renewed.
    assert client.session.session_key == session_key


def test_members_pages_still_vary_on_the_cookie(client, published):
    client.force_login(published.admin.user)
    response = client.get(
        reverse("publishing:publishing", kwargs={"slug": "welcome-valley"})
    )
    assert response.status_code == 200
    assert "cookie" in response["Vary"].lower()
