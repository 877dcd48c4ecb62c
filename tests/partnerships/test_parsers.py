"""JSON bodies nested too deeply are refused with 400, never a 500."""

import json

import pytest
from django.urls import reverse

from partnerships.models import Role
from partnerships.parsers import json_depth
from tests.api import bearer
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DEPTH_ERROR = "JSON parse error - nested deeper than 20 levels."


@pytest.fixture
def bulk(client):
    membership = MembershipFactory(role=Role.ADMIN)
    url = reverse("api:value_bulk", kwargs={"slug": membership.partnership.slug})

    def send(body: str):
        return client.post(
            url, body, content_type="application/json", headers=bearer(membership.user)
        )

    return send


def test_json_depth_counts_arrays_and_objects():
    assert json_depth(3) == 0
    assert json_depth([]) == 1
    assert json_depth({"values": [{"breakdown": {"1": 2}}]}) == 4
    assert json_depth([[[]], {"a": [[[{}]]]}]) == 6


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_body_nested_5000_deep_is_a_400_with_the_reason(bulk, opening):
    closing = "]" if opening == "[" else "}"
    response = bulk(opening * 5000 + closing * 5000)
    assert response.status_code == 400
    assert response.json() == {"detail": DEPTH_ERROR, "errors": {}}


def test_a_body_nested_past_the_limit_is_refused_before_validation(bulk):
    nested = "[" * 21 + "]" * 21
    body = f'{{"year": 2026, "quarter": 1, "values": [{{"measure": {nested}}}]}}'
    response = bulk(body)
    assert response.status_code == 400
    assert response.json()["detail"] == DEPTH_ERROR


def test_a_body_within_the_limit_reaches_validation(bulk):
    nested = json.dumps([[[["CR-01"]]]])
    body = f'{{"year": 2026, "quarter": 1, "values": [{{"measure": {nested}}}]}}'
    response = bulk(body)
    assert response.status_code == 400
    assert "measure" in response.json()["errors"]["values"]["0"]
