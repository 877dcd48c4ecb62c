"""Every kind of answer carries the Content-Security-Policy and the
Permissions-Policy: HTML pages and htmx partials, the admin site, the API
(JSON, errors, the schema and its documentation pages), static files, the
health check and error pages."""

import pytest
from django.urls import reverse

from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";"))
    return {name: value for name, value in directives}


@pytest.fixture
def admin_client(client):
    measure = MeasureFactory()
    membership = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(membership.user)
    return client, measure


def pages(measure) -> dict[str, tuple[str, dict]]:
    slug = measure.partnership.slug
    return {
        "home": (reverse("partnerships:home"), {}),
        "dashboard": (reverse("reports:dashboard", kwargs={"slug": slug}), {}),
        "my measures": (reverse("kpis:my_measures", kwargs={"slug": slug}), {}),
        "htmx partial": (
            reverse("reports:reports", kwargs={"slug": slug}) + "?was_pending=1",
            {"HX-Request": "true"},
        ),
        "measure page": (
            reverse("reports:measure_detail", kwargs={"slug": slug, "pk": measure.pk}),
            {},
        ),
        "another partnership (404)": ("/p/nobody-s/", {}),
        "unknown page (404)": ("/no-such-page/", {}),
        "API tokens": (reverse("partnerships:api_tokens"), {}),
        "admin site": (reverse("admin:index"), {}),
        "API list (JSON)": (reverse("api:partnership_list"), {}),
        "API not found (JSON)": ("/api/v1/nothing-here/", {}),
        "API schema": (reverse("api:schema"), {}),
        "health check": (reverse("partnerships:healthz"), {}),
        "static file": ("/static/css/civic.css", {}),
    }


PAGE_NAMES = list(pages(MeasureFactory.build(pk=1, partnership__slug="x")))


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_kind_of_answer_carries_both_policies(admin_client, name):
    client, measure = admin_client
    url, headers = pages(measure)[name]
    response = client.get(url, headers=headers)
    assert response.status_code < 500, (name, response.status_code)
    assert policy(response) == STRICT, name
    features = response.headers["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in features


def test_a_signed_out_visitor_s_login_page_and_api_401_carry_them_too(client):
    for url in [reverse("login"), reverse("api:partnership_list")]:
        response = client.get(url)
        assert policy(response) == STRICT, url
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_a_page_that_uses_the_nonce_allows_only_its_own_inline_code(client):
    """Swagger UI's page styles itself inline under the request's nonce."""
    first = client.get(reverse("api:docs"))
    second = client.get(reverse("api:docs"))
    found = policy(first)
    nonce = found["style-src"].removeprefix("'self' ")
    assert nonce.startswith("'nonce-")
    # A fresh nonce for every response.
    assert policy(second)["style-src"] != found["style-src"]
    assert f'<style nonce="{nonce[7:-1]}">' in first.content.decode()
    assert "unsafe-inline" not in first.headers["Content-Security-Policy"]
    assert found["img-src"] == "'self' data:"
    assert "camera=()" in first.headers["Permissions-Policy"]


def test_swagger_ui_s_start_up_script_is_a_file_not_inline(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "<script>" not in page
    script = client.get(reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_s_page_relaxes_only_styles_images_and_its_worker(client):
    response = client.get(reverse("api:redoc"))
    found = policy(response)
    assert found["style-src"] == "'self' 'unsafe-inline'"
    assert found["img-src"] == "'self' data:"
    assert found["worker-src"] == "'self' blob:"
    assert {k: v for k, v in found.items() if k in STRICT} == STRICT | {
        "style-src": "'self' 'unsafe-inline'"
    }
    assert "fonts.googleapis.com" not in response.content.decode()
