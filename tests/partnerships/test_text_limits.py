"""Every free-text field has one length limit, shared by its form, the API
and the import (partnerships/text_limits.py): a 100,000-character story is
refused beside the field and nothing is saved."""

import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from exchange.framework import OUTCOMES
from exchange.models import ImportStatus
from exchange.spreadsheets import SheetSpec, xlsx_bytes
from outcomes.models import Outcome, Priority
from partnerships.models import Role
from partnerships.text_limits import LONG_TEXT, MaxTextLength, limit_of
from tests.api import bearer
from tests.exchange.helpers import checked_job
from tests.factories import MembershipFactory, PartnershipFactory, PriorityFactory
from tests.reports.test_indicators import _url as indicator_url
from tests.reports.test_indicators import setting  # noqa: F401 (fixture)
from wellbeing import services as wellbeing_services
from wellbeing.models import CurveStory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

TOO_LONG = "x" * 100_000
OUR_APPS = ("partnerships", "outcomes", "kpis", "wellbeing", "reports", "exchange")
# Written by the application, never typed in: a background job's failure,
# and the change history's own columns (django-pghistory).
NOT_TYPED = {"failure_reason", "pgh_label"}


def test_every_text_field_people_type_into_has_a_limit():
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.name not in NOT_TYPED
        and not (
            field.max_length
            and any(isinstance(v, MaxTextLength) for v in field.validators)
        )
    ]
    assert unlimited == []


def admin_client(partnership) -> tuple[Client, object]:
    user = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    client = Client()
    client.force_login(user)
    return client, user


def test_the_curve_story_form_refuses_100000_characters_beside_the_field(setting):  # noqa: F811
    partnership = setting["partnership"]
    client = Client()
    client.force_login(setting["admin"])
    response = client.post(
        indicator_url(partnership), {"story": TOO_LONG, "action_plan": "Fine."}
    )
    errors = response.context["form"].errors
    assert errors["story"] == [
        "Keep this to 10,000 characters or fewer (it has 100,000)."
    ]
    assert "action_plan" not in errors
    assert not CurveStory.objects.filter(partnership=partnership).exists()


def test_the_curve_story_service_refuses_it_and_keeps_one_at_the_limit(setting):  # noqa: F811
    kwargs = {
        "partnership": setting["partnership"],
        "indicator": setting["indicator"],
        "actor": setting["admin"],
    }
    with pytest.raises(Exception) as error:
        wellbeing_services.curve_story_save(**kwargs, story="ok", what_works=TOO_LONG)
    assert list(error.value.message_dict) == ["what_works"]
    assert not CurveStory.objects.exists()
    saved = wellbeing_services.curve_story_save(
        **kwargs, story="y" * limit_of(CurveStory, "story")
    )
    assert len(saved.story) == LONG_TEXT


def test_the_strategy_editor_refuses_a_long_outcome_beside_the_field():
    partnership = PartnershipFactory()
    client, _admin = admin_client(partnership)
    response = client.post(
        reverse("kpis:outcome_add", kwargs={"slug": partnership.slug}),
        {
            "new-outcome-statement": "People live well",
            "new-outcome-horizon": "short",
            "new-outcome-what_it_looks_like": TOO_LONG,
            "new-outcome-position": "0",
        },
    )
    assert response.status_code == 400
    errors = response.context["new_outcome_form"].errors
    assert list(errors) == ["what_it_looks_like"]
    assert not Outcome.objects.filter(partnership=partnership).exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "priorities/",
            {"name": "Health", "mission_statement": TOO_LONG},
            "mission_statement",
        ),
        (
            "outcomes/",
            {"statement": TOO_LONG, "priority": None, "horizon": "short"},
            "statement",
        ),
    ],
)
def test_the_api_refuses_long_texts_with_the_field(client, path, body, field):
    partnership = PartnershipFactory()
    user = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    response = client.post(
        f"/api/v1/p/{partnership.slug}/{path}",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(user),
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Priority.objects.filter(partnership=partnership).exists()
    assert not Outcome.objects.filter(partnership=partnership).exists()


def test_the_framework_import_refuses_a_long_outcome_by_row_and_column():
    partnership = PartnershipFactory()
    PriorityFactory(partnership=partnership, name="Health")
    _client, admin = admin_client(partnership)
    headers = [c.header for c in OUTCOMES]
    row = [""] * len(headers)
    # A spreadsheet cell holds at most 32,767 characters.
    row[[c.key for c in OUTCOMES].index("statement")] = "x" * 20_000
    content = xlsx_bytes([SheetSpec("Outcomes", headers, [row])])
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = checked_job(
        partnership, admin, SimpleUploadedFile("f.xlsx", content), kind="framework"
    )
    assert job.status == ImportStatus.REJECTED
    messages = [(p["sheet"], p["row"], p["message"]) for p in job.problems]
    assert (
        "Outcomes",
        2,
        "Keep this to 10,000 characters or fewer (it has 20,000).",
    ) in messages
    assert not Outcome.objects.filter(partnership=partnership).exists()
