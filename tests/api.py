"""Helpers for the API tests: tokens and JSON requests."""

import json

from partnerships.services import api_token_create


def bearer(user, name: str = "tests") -> dict[str, str]:
    """Headers that authenticate as the user with a fresh token."""
    _token, secret = api_token_create(user=user, name=name)
    return {"Authorization": f"Bearer {secret}"}


def post_json(client, url: str, body, headers: dict | None = None):
    return client.post(
        url, json.dumps(body), content_type="application/json", headers=headers or {}
    )
