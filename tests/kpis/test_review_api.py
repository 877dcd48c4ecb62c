"""The review cycle through the API: the Quarter and My measures pages' services."""

import pytest
from django.urls import reverse

from kpis.models import QuarterlyValue, ReviewStatus
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import MeasureFactory, PartnershipFactory

from .test_review_views import member, record, site, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
__all__ = ["site"]  # the fixture, imported for these tests


def api(site, name, **kwargs):
    return reverse(f"api:{name}", kwargs={"slug": site.partnership.slug, **kwargs})


def quarter_api(site, name):
    return api(site, name, key=site.review_quarter.key)


def test_the_quarter_lists_every_measure_with_its_state(client, site):
    figure = submitted(site, 12)
    response = client.get(
        quarter_api(site, "quarter_detail"), headers=bearer(site.viewer)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["quarter"] == site.review_quarter.key and body["locked"] is False
    assert body["counts"]["submitted"] == 1
    (row,) = body["rows"]
    assert row["measure"] == site.measure.code and row["state"] == "submitted"
    assert row["value_id"] == figure.pk and row["version"] == figure.version
    assert row["leads"] == [site.lead.email]
    lead = client.get(quarter_api(site, "quarter_detail"), headers=bearer(site.lead))
    assert lead.status_code == 403


def test_a_lead_submits_and_a_flagged_figure_without_its_story_is_refused(client, site):
    record(site, site.lead, 10, quarter=site.review_quarter.previous())
    record(site, site.lead, 90, quarter=site.review_quarter)
    url = quarter_api(site, "quarter_submit")
    refused = post_json(client, url, {}, bearer(site.lead))
    assert refused.status_code == 400
    assert list(refused.json()["errors"]["measures"]) == [site.measure.code]
    assert (
        QuarterlyValue.objects.get(
            period__quarter=site.review_quarter.quarter,
            period__year=site.review_quarter.year,
        ).status
        == ReviewStatus.DRAFT
    )
    record(
        site, site.lead, 90, quarter=site.review_quarter, story="A new school joined."
    )
    response = post_json(
        client, url, {"measures": [site.measure.code]}, bearer(site.lead)
    )
    assert response.status_code == 200
    assert response.json() == {"submitted": [site.measure.code], "missing": []}
    unknown = post_json(client, url, {"measures": ["NOPE"]}, bearer(site.lead))
    assert unknown.status_code == 400 and unknown.json()["errors"]["measures"] == [
        "NOPE"
    ]


def test_an_admin_approves_and_returns_one_figure(client, site):
    figure = submitted(site)
    returned = post_json(
        client, api(site, "value_return", pk=figure.pk), {}, bearer(site.admin)
    )
    assert returned.status_code == 400 and "reason" in returned.json()["errors"]
    returned = post_json(
        client,
        api(site, "value_return", pk=figure.pk),
        {"reason": "Check the count"},
        bearer(site.admin),
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Check the count"
    again = submitted(site, 13)
    approved = post_json(
        client, api(site, "value_approve", pk=again.pk), {}, bearer(site.admin)
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_only_admins_review_and_another_partnerships_figure_is_404(client, site):
    figure = submitted(site)
    for user in (site.viewer, site.lead):
        response = post_json(
            client, api(site, "value_approve", pk=figure.pk), {}, bearer(user)
        )
        assert response.status_code == 403
    elsewhere = PartnershipFactory()
    outsider = member(elsewhere, Role.ADMIN)
    other = MeasureFactory(partnership=elsewhere)
    response = post_json(
        client,
        reverse(
            "api:value_approve",
            kwargs={"slug": other.partnership.slug, "pk": figure.pk},
        ),
        {},
        bearer(outsider),
    )
    assert response.status_code == 404
    figure.refresh_from_db()
    assert figure.status == ReviewStatus.SUBMITTED


def test_approve_submitted_takes_only_the_versions_seen(client, site):
    figure = submitted(site)
    url = quarter_api(site, "quarter_approve_submitted")
    stale = post_json(
        client,
        url,
        {"values": [{"id": figure.pk, "version": figure.version + 1}]},
        bearer(site.admin),
    )
    assert stale.json() == {"approved": 0, "skipped": 1}
    fresh = post_json(
        client,
        url,
        {"values": [{"id": figure.pk, "version": figure.version}]},
        bearer(site.admin),
    )
    assert fresh.json() == {"approved": 1, "skipped": 0}
    assert post_json(client, url, {"values": []}, bearer(site.admin)).status_code == 400


def test_locking_and_reopening(client, site):
    figure = submitted(site)
    lock = quarter_api(site, "quarter_lock")
    refused = post_json(client, lock, {}, bearer(site.admin))
    assert refused.status_code == 400
    post_json(client, api(site, "value_approve", pk=figure.pk), {}, bearer(site.admin))
    assert post_json(client, lock, {}, bearer(site.viewer)).status_code == 403
    locked = post_json(client, lock, {}, bearer(site.admin))
    assert locked.status_code == 200 and locked.json()["locked"] is True
    reopen = quarter_api(site, "quarter_reopen")
    assert post_json(client, reopen, {}, bearer(site.admin)).status_code == 400
    reopened = post_json(client, reopen, {"reason": "A correction"}, bearer(site.admin))
    assert reopened.status_code == 200 and reopened.json()["locked"] is False


def test_a_quarter_key_out_of_range_is_404(client, site):
    url = f"/api/v1/p/{site.partnership.slug}/quarters/2024-5/"
    assert client.get(url, headers=bearer(site.admin)).status_code == 404
    for key in ("0000-1", "1999-4", "2101-1"):
        url = f"/api/v1/p/{site.partnership.slug}/quarters/{key}/"
        assert client.get(url, headers=bearer(site.admin)).status_code == 404
