"""The API's shared behaviour: tokens, tenancy, errors, throttling, the docs."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from outcomes.models import Project
from partnerships import selectors, services
from partnerships.apiconf import WriteRateThrottle
from partnerships.models import ApiToken
from reports.models import AnnualReport, ReportStatus
from tests.api import bearer, post_json
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.reports.framework import build_framework

pytestmark = pytest.mark.django_db


# --- tokens -----------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash():
    user = UserFactory()
    token, secret = services.api_token_create(user=user, name="  Power BI ")
    token.refresh_from_db()
    assert token.name == "Power BI"
    assert secret.startswith("civic_") and len(secret) > 40
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(value) for value in stored.values())


def test_a_token_authenticates_and_records_its_last_use_once_a_minute(client):
    membership = MembershipFactory()
    token, secret = services.api_token_create(user=membership.user, name="script")
    url = reverse("api:partnership_list")
    headers = {"Authorization": f"Bearer {secret}"}

    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "slug": membership.partnership.slug,
            "name": membership.partnership.name,
            "role": "viewer",
            "reporting_year_start_month": 9,
        }
    ]
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    client.get(url, headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first_use - timedelta(minutes=2)
    )
    client.get(url, headers=headers)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(seconds=1)


def test_a_revoked_token_is_refused_with_401_at_once(client):
    user = MembershipFactory().user
    token, secret = services.api_token_create(user=user, name="leaked")
    headers = {"Authorization": f"Bearer {secret}"}
    url = reverse("api:partnership_list")
    assert client.get(url, headers=headers).status_code == 200

    services.api_token_revoke(user=user, token_id=token.pk)
    response = client.get(url, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "detail": "This API token has been revoked. Make a new one at /account/tokens/.",
        "errors": {},
    }


@pytest.mark.parametrize(
    "header, detail",
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer civic_made-up", "Unknown API token."),
        ("Bearer", "Send the token as “Authorization: Bearer <token>”."),
        ("Bearer two parts", "Send the token as “Authorization: Bearer <token>”."),
    ],
)
def test_missing_or_unknown_credentials_are_401(client, header, detail):
    headers = {"Authorization": header} if header else {}
    response = client.get(reverse("api:partnership_list"), headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": detail, "errors": {}}


def test_a_disabled_account_s_token_stops_working(client):
    user = MembershipFactory().user
    headers = bearer(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("api:partnership_list"), headers=headers)
    assert response.status_code == 401


def test_a_person_s_token_list_never_holds_another_s_tokens():
    mine, theirs = UserFactory(), UserFactory()
    kept, _secret = services.api_token_create(user=mine, name="mine")
    services.api_token_create(user=theirs, name="theirs")
    assert list(selectors.api_token_list_for_user(user=mine)) == [kept]


def test_only_the_owner_can_revoke_a_token():
    token, _secret = services.api_token_create(user=UserFactory(), name="mine")
    with pytest.raises(ApiToken.DoesNotExist):
        services.api_token_revoke(user=UserFactory(), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_tokens_page_makes_shows_once_and_revokes(client):
    user = MembershipFactory().user
    client.force_login(user)
    url = reverse("partnerships:api_tokens")
    page = client.get(url)
    assert page.status_code == 200
    assert "You have no tokens yet." in page.content.decode()
    assert f'href="{url}"' in page.content.decode()  # in the header's navigation

    made = client.post(url, {"name": "Warehouse"})
    assert made.status_code == 200
    assert made["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=user)
    text = made.content.decode()
    assert "Copy it now: it will not be shown again." in text
    [secret] = [
        word.split('"')[1] for word in text.split() if word.startswith('value="civic_')
    ]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest

    listed = client.get(url).content.decode()
    assert "Warehouse" in listed and f"{token.prefix}…" in listed
    assert secret not in listed and "Never" in listed

    client.get(
        reverse("api:partnership_list"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert "Never" not in client.get(url).content.decode()

    revoked = client.post(
        reverse("partnerships:api_token_revoke", args=[token.pk]), follow=True
    )
    assert "Revoked “Warehouse”: it no longer works." in revoked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_tokens_page_asks_for_a_name_and_is_for_signed_in_people(client):
    assert client.get(reverse("partnerships:api_tokens")).status_code == 302
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("partnerships:api_tokens"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    other = services.api_token_create(user=UserFactory(), name="theirs")[0]
    assert (
        client.post(
            reverse("partnerships:api_token_revoke", args=[other.pk])
        ).status_code
        == 404
    )


def test_the_session_works_too_with_csrf_for_writes(client):
    partnership, admin, _expected = build_framework()
    client.force_login(admin)
    assert (
        client.get(reverse("api:measure_list", args=[partnership.slug])).status_code
        == 200
    )

    strict = client.__class__(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = post_json(
        strict,
        reverse("api:report_list", args=[partnership.slug]),
        {"year": 2024},
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- tenancy ------------------------------------------------------------------


def _objects(partnership):
    """One of each object under /api/v1/p/<slug>/, as URL kwargs."""
    project = Project.objects.create(partnership=partnership, name="Taster days")
    report = AnnualReport.objects.create(
        partnership=partnership,
        year=2024,
        year_label="2024/25",
        data_version="x",
        status=ReportStatus.READY,
        file_name="missing.pdf",
        page_count=1,
    )
    return {
        "priority": partnership.priority_set.first().pk,
        "outcome": partnership.outcome_set.first().pk,
        "project": project.pk,
        # Codes are per partnership; one only theirs has.
        "measure": MeasureFactory(
            partnership=partnership, code=f"X-{partnership.slug}"
        ).code,
        "value": partnership.quarterlyvalue_set.first().pk,
        "report": report.pk,
    }


ENDPOINTS = [
    ("GET", "api:mission", None),
    ("GET", "api:priority_list", None),
    ("GET", "api:priority_detail", "priority"),
    ("GET", "api:outcome_list", None),
    ("GET", "api:outcome_detail", "outcome"),
    ("GET", "api:project_list", None),
    ("GET", "api:project_detail", "project"),
    ("GET", "api:measure_list", None),
    ("GET", "api:measure_detail", "measure"),
    ("GET", "api:value_list", None),
    ("GET", "api:value_detail", "value"),
    ("POST", "api:value_bulk", None),
    ("GET", "api:report_list", None),
    ("POST", "api:report_list", None),
    ("GET", "api:report_detail", "report"),
    ("GET", "api:report_download", "report"),
]


def _url(name, slug, kind, objects):
    kwargs = {"slug": slug}
    if kind == "measure":
        kwargs["code"] = objects["measure"]
    elif kind:
        kwargs["pk"] = objects[kind]
    return reverse(name, kwargs=kwargs)


def _call(client, method, url, headers):
    if method == "POST":
        body = {
            "year": 2024,
            "quarter": 1,
            "values": [{"measure": "LL-01", "value": 1}],
        }
        return post_json(client, url, body, headers)
    return client.get(url, headers=headers)


@pytest.fixture
def two_frameworks():
    ours = build_framework(PartnershipFactory(slug="ours"))
    theirs = build_framework(PartnershipFactory(slug="theirs"))
    return (ours[0], ours[1], _objects(ours[0])), (
        theirs[0],
        theirs[1],
        _objects(theirs[0]),
    )


@pytest.mark.parametrize("method, name, kind", ENDPOINTS)
def test_another_partnership_and_its_objects_are_404_on_every_endpoint(
    client, two_frameworks, method, name, kind
):
    (ours, our_admin, our_objects), (theirs, _their_admin, their_objects) = (
        two_frameworks
    )
    headers = bearer(our_admin)
    # Their partnership, even with ids that exist there: 404 before anything.
    response = _call(
        client, method, _url(name, theirs.slug, kind, their_objects), headers
    )
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "No such partnership.", "errors": {}}
    # A slug that does not exist answers the same.
    missing = _call(client, method, _url(name, "nowhere", kind, their_objects), headers)
    assert (missing.status_code, missing.json()) == (404, response.json())
    if kind:
        # Our partnership's URL with their object's id: 404 too.
        response = _call(
            client, method, _url(name, ours.slug, kind, their_objects), headers
        )
        assert response.status_code == 404
        assert response.json()["errors"] == {}
        # Our own object is there (the download: its file is missing, so 404).
        own = _call(client, method, _url(name, ours.slug, kind, our_objects), headers)
        assert own.status_code == (404 if name == "api:report_download" else 200)
    # Without credentials: 401, whichever partnership.
    anonymous = _call(client, method, _url(name, ours.slug, kind, our_objects), {})
    assert anonymous.status_code == 401


def test_lists_hold_only_the_partnership_s_own_rows(client, two_frameworks):
    (ours, our_admin, _objects_ours), (theirs, _admin, _objects_theirs) = two_frameworks
    headers = bearer(our_admin)
    for name in (
        "api:priority_list",
        "api:outcome_list",
        "api:project_list",
        "api:measure_list",
        "api:value_list",
        "api:report_list",
    ):
        ids = {
            row["id"]
            for row in client.get(
                reverse(name, args=[ours.slug]), headers=headers
            ).json()["results"]
        }
        model = {
            "api:priority_list": theirs.priority_set,
            "api:outcome_list": theirs.outcome_set,
            "api:project_list": theirs.project_set,
            "api:measure_list": theirs.performancemeasure_set,
            "api:value_list": theirs.quarterlyvalue_set,
            "api:report_list": theirs.annualreport_set,
        }[name]
        assert ids, name
        assert not ids & set(model.values_list("pk", flat=True)), name


# --- errors, throttling, docs -----------------------------------------------


def test_unknown_api_paths_answer_json_404(client):
    for url in ("/api/v1/nothing/", "/api/v2/", "/api/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": {}}


def test_writes_are_throttled_with_a_retry_after(client, monkeypatch):
    partnership, admin, _expected = build_framework()
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "write": "2/minute"},
    )
    monkeypatch.setattr(WriteRateThrottle, "cache", _FreshCache())
    headers = bearer(admin)
    url = reverse("api:value_bulk", args=[partnership.slug])
    statuses = [
        post_json(client, url, {"year": 2024}, headers).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    response = post_json(client, url, {"year": 2024}, headers)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Request was throttled.")
    assert response.json()["errors"] == {}
    # Reads are not counted as writes.
    assert (
        client.get(
            reverse("api:measure_list", args=[partnership.slug]), headers=headers
        ).status_code
        == 200
    )


class _FreshCache:
    """A throttle cache of its own, so the test does not depend on others."""

    def __init__(self):
        self.data = {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def set(self, key, value, timeout=None):
        self.data[key] = value


def test_the_schema_and_the_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("api:schema"), {"format": "json"})
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/p/{slug}/values/bulk/" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for name in ("api:docs", "api:redoc"):
        page = client.get(reverse(name)).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn" not in page.lower()
