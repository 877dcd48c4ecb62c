"""Annual reports through the API: request (admins), status, download."""

import pytest
from django.urls import reverse

from partnerships.models import Role
from reports.models import AnnualReport, ReportStatus
from tests.api import bearer, post_json
from tests.factories import MembershipFactory

from .framework import YEAR, build_framework
from .test_views import ready_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return build_framework()


def test_an_admin_requests_a_report_and_asking_again_returns_it(
    client, framework, django_capture_on_commit_callbacks
):
    partnership, admin, _expected = framework
    url = reverse("api:report_list", args=[partnership.slug])
    headers = bearer(admin)
    with django_capture_on_commit_callbacks() as queued:
        response = post_json(client, url, {"year": YEAR}, headers)
    assert response.status_code == 201
    report = response.json()
    assert report["status"] == "queued"
    assert report["year_label"] == "2024/25"
    assert report["requested_by"] == admin.email
    assert report["download_url"] is None
    assert len(queued) == 1  # the render, once the transaction commits

    again = post_json(client, url, {"year": YEAR}, headers)
    assert again.status_code == 200
    assert again.json()["id"] == report["id"]
    assert AnnualReport.objects.count() == 1

    listed = client.get(url, headers=headers).json()
    assert [r["id"] for r in listed["results"]] == [report["id"]]
    detail = client.get(
        reverse("api:report_detail", args=[partnership.slug, report["id"]]),
        headers=headers,
    )
    assert detail.json() == report


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEAD])
def test_only_admins_may_request_a_report(client, framework, role):
    partnership, _admin, _expected = framework
    member = MembershipFactory(partnership=partnership, role=role).user
    url = reverse("api:report_list", args=[partnership.slug])
    response = post_json(client, url, {"year": YEAR}, bearer(member))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the partnership's admins can do this.",
        "errors": {},
    }
    assert client.get(url, headers=bearer(member)).status_code == 200
    assert not AnnualReport.objects.exists()


def test_a_year_without_quarters_is_refused_beside_the_field(client, framework):
    partnership, admin, _expected = framework
    url = reverse("api:report_list", args=[partnership.slug])
    response = post_json(client, url, {"year": 2019}, bearer(admin))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "year": [
            (
                "Choose a reporting year that has figures: a year without any "
                "would report nothing but “No data yet”."
            )
        ]
    }


def test_a_ready_report_downloads_and_an_unfinished_one_is_404(
    client, framework, report_storage
):
    partnership, admin, _expected = framework
    report = ready_report(partnership, admin)
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    headers = bearer(viewer)
    detail = client.get(
        reverse("api:report_detail", args=[partnership.slug, report.pk]),
        headers=headers,
    ).json()
    assert detail["status"] == "ready"
    assert detail["download_url"] == reverse(
        "api:report_download", args=[partnership.slug, report.pk]
    )
    response = client.get(
        detail["download_url"], headers={**headers, "Accept": "application/pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING)
    response = client.get(detail["download_url"], headers=headers)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
