"""Actions in English and Welsh: the services, the API, the pages and the
Welsh texts page, as for the strategy's other texts."""

import json

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delivery import services
from delivery.models import Action
from kpis import welsh
from tests.api import bearer
from tests.delivery.helpers import make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _fields(action, **changes) -> services.ActionFields:
    values = {
        "name": action.name_en,
        "priority_id": action.priority_id,
        "status": action.status,
    }
    values.update(changes)
    return services.ActionFields(**values)


def test_the_welsh_is_set_whatever_the_active_language_and_kept_when_left_out():
    plan = make_plan()
    # A write from a Welsh page must not put the English in the Welsh column.
    with translation.override("cy"):
        services.action_edit(
            partnership=plan.partnership,
            action=plan.action,
            fields=_fields(
                plan.action,
                name="Develop a community engagement data base",
                welsh={"name": "Datblygu cronfa ddata ymgysylltu â'r gymuned"},
            ),
            actor=plan.admin,
        )
    action = Action.objects.get(pk=plan.action.pk)
    assert action.name_en == "Develop a community engagement data base"
    assert action.name_cy == "Datblygu cronfa ddata ymgysylltu â'r gymuned"
    # A form with no Welsh field (welsh None) leaves the Welsh alone.
    services.action_edit(
        partnership=plan.partnership,
        action=action,
        fields=_fields(action, name="Develop the engagement database"),
        actor=plan.admin,
    )
    action.refresh_from_db()
    assert action.name_en == "Develop the engagement database"
    assert action.name_cy == "Datblygu cronfa ddata ymgysylltu â'r gymuned"


def test_the_action_plan_page_shows_the_welsh_in_welsh():
    plan = make_plan()
    Action.objects.filter(pk=plan.action.pk).update(
        name_cy="Datblygu cronfa ddata ymgysylltu â'r gymuned"
    )
    client = Client()
    client.force_login(plan.viewer)
    url = reverse("delivery:action_plan", kwargs={"slug": plan.partnership.slug})
    with translation.override("cy"):
        welsh_url = reverse(
            "delivery:action_plan", kwargs={"slug": plan.partnership.slug}
        )
    assert welsh_url.startswith("/cy/")
    welsh_page = client.get(welsh_url).content.decode()
    assert "Datblygu cronfa ddata ymgysylltu â&#x27;r gymuned" in welsh_page
    english_page = client.get(url).content.decode()
    assert "Develop a community engagement data base" in english_page
    assert "Datblygu cronfa ddata" not in english_page


def test_the_api_reads_and_writes_both_languages():
    plan = make_plan()
    url = reverse(
        "api:action_detail",
        kwargs={"slug": plan.partnership.slug, "pk": plan.action.pk},
    )
    headers = bearer(plan.admin)
    body = Client().get(url, headers=headers).json()
    assert body["name"] == "Develop a community engagement data base"
    assert body["name_cy"] is None
    write = {
        "name": body["name"],
        "name_cy": "Datblygu cronfa ddata ymgysylltu â'r gymuned",
        "description_cy": "Un gronfa ddata i'r holl bartneriaid.",
        "status": body["status"],
    }
    response = Client().put(
        url,
        json.dumps(write),
        content_type="application/json",
        headers={**headers, "accept-language": "cy"},
    )
    assert response.status_code == 200, response.content
    # The English stays English whatever the request's language.
    assert response.json()["name"] == "Develop a community engagement data base"
    assert response.json()["name_cy"] == write["name_cy"]
    assert response.json()["description_cy"] == write["description_cy"]
    too_long = Client().put(
        url,
        json.dumps({**write, "name_cy": "x" * 401}),
        content_type="application/json",
        headers=headers,
    )
    assert too_long.status_code == 400
    assert "name_cy" in too_long.json()["errors"]
    assert Action.objects.get(pk=plan.action.pk).name_cy == write["name_cy"]


def test_the_welsh_texts_page_lists_actions_without_welsh():
    plan = make_plan()
    other = make_plan()
    missing = welsh.texts_without_welsh(partnership=plan.partnership)
    actions = [g for g in missing if g.kind.key == "action"]
    assert [(t.obj, t.field) for g in actions for t in g.texts] == [
        (plan.action, "name")
    ]
    welsh.welsh_text_set(
        partnership=plan.partnership,
        actor=plan.admin,
        kind="action",
        pk=plan.action.pk,
        field="name",
        text="Datblygu cronfa ddata ymgysylltu â'r gymuned",
    )
    assert Action.objects.get(pk=plan.action.pk).name_cy.startswith("Datblygu")
    assert not [
        g
        for g in welsh.texts_without_welsh(partnership=plan.partnership)
        if g.kind.key == "action"
    ]
    # Another partnership's action is not found.
    with pytest.raises(Http404):
        welsh.welsh_text_set(
            partnership=plan.partnership,
            actor=plan.admin,
            kind="action",
            pk=other.action.pk,
            field="name",
            text="Na",
        )
    client = Client()
    client.force_login(other.admin)
    page = client.get(
        reverse("kpis:welsh_texts", kwargs={"slug": other.partnership.slug})
    )
    assert page.status_code == 200
    assert f'id="text-action-{other.action.pk}-name"' in page.content.decode()
