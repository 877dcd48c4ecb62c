"""An activity's title in English and Welsh: the service, the API and the
Welsh texts page, which a locked quarter's activity refuses as any change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from engagement.models import Activity
from engagement.selectors import overlaps_for
from engagement.services import ActivityInput, activity_update
from kpis import welsh
from kpis.periods import Quarter
from kpis.review import period_lock
from tests.api import bearer

D = datetime.date


def test_the_welsh_title_is_set_whatever_the_language_and_kept_when_left_out(log):
    with translation.override("cy"):
        activity = log.activity(title="Drop-in", title_cy="Sesiwn galw heibio")
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.title_en, activity.title_cy) == ("Drop-in", "Sesiwn galw heibio")
    activity_update(
        partnership=log.partnership,
        actor=log.admin,
        activity=activity,
        data=ActivityInput(
            title="Drop-in session",
            starts_on=activity.starts_on,
            ends_on=activity.ends_on,
            level=activity.level,
            status=activity.status,
            participants=activity.participants,
            organisation_ids=[log.council.pk],
        ),
    )
    activity.refresh_from_db()
    assert (activity.title_en, activity.title_cy) == (
        "Drop-in session",
        "Sesiwn galw heibio",
    )
    with translation.override("cy"):
        assert activity.title == "Sesiwn galw heibio"


def test_the_api_reads_and_writes_the_welsh_title(log):
    url = reverse("api:activity_list", kwargs={"slug": log.partnership.slug})
    body = {
        "title": "Drop-in",
        "title_cy": "Sesiwn galw heibio",
        "starts_on": "2026-05-04",
        "level": "forums_for_debate",
        "status": "held",
        "participants": 10,
        "organisations": [log.council.pk],
    }
    response = Client().post(
        url, body, content_type="application/json", headers=bearer(log.admin)
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Drop-in"
    assert response.json()["title_cy"] == "Sesiwn galw heibio"
    too_long = Client().post(
        url,
        {**body, "title_cy": "x" * 201},
        content_type="application/json",
        headers=bearer(log.admin),
    )
    assert too_long.status_code == 400
    assert "title_cy" in too_long.json()["errors"]


def test_the_welsh_texts_page_lists_activities_and_a_locked_quarter_refuses(log):
    activity = log.activity(starts_on=D(2026, 5, 4), ends_on=D(2026, 5, 4))
    missing = welsh.texts_without_welsh(partnership=log.partnership)
    activities = [g for g in missing if g.kind.key == "activity"]
    assert [(t.obj, t.field) for g in activities for t in g.texts] == [
        (activity, "title")
    ]
    period_lock(
        partnership=log.partnership, quarter=Quarter(2026, 1, 4), actor=log.admin
    )
    with pytest.raises(ValidationError, match="is locked"):
        welsh.welsh_text_set(
            partnership=log.partnership,
            actor=log.admin,
            kind="activity",
            pk=activity.pk,
            field="title",
            text="Sesiwn galw heibio",
        )
    assert Activity.objects.get(pk=activity.pk).title_cy is None
    later = log.activity(starts_on=D(2026, 8, 4), ends_on=D(2026, 8, 4))
    welsh.welsh_text_set(
        partnership=log.partnership,
        actor=log.admin,
        kind="activity",
        pk=later.pk,
        field="title",
        text="Sesiwn galw heibio",
    )
    assert Activity.objects.get(pk=later.pk).title_cy == "Sesiwn galw heibio"


def test_the_duplication_warning_names_the_other_activity_in_the_readers_language(
    log,
):
    # Monday 2 November 2026 to Sunday 8 November; two partners, one community.
    log.eastmoor.name_cy = "Dwyrain y Rhos"  # a made-up Welsh name, for the test
    log.eastmoor.save()
    council = log.activity(
        title="Council drop-in",
        title_cy="Sesiwn galw heibio'r cyngor",
        status="planned",
        participants=None,
        starts_on=D(2026, 11, 2),
        ends_on=D(2026, 11, 2),
        community_ids=[log.eastmoor.pk],
    )
    log.activity(
        title="Health check day",
        status="planned",
        participants=None,
        starts_on=D(2026, 11, 4),
        ends_on=D(2026, 11, 4),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    health = log.activity(
        title="Health fair",
        title_cy="Ffair iechyd",
        status="planned",
        participants=None,
        starts_on=D(2026, 11, 5),
        ends_on=D(2026, 11, 5),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    ids = [council.pk, health.pk]
    with translation.override("cy"):
        found = overlaps_for(partnership=log.partnership, activity_ids=ids)
    # The Welsh where there is one, the English (marked by nothing) where not.
    assert [(o.other_title, o.communities) for o in found[council.pk]] == [
        ("Health check day", ("Dwyrain y Rhos",)),
        ("Ffair iechyd", ("Dwyrain y Rhos",)),
    ]
    assert [o.other_title for o in found[health.pk]] == ["Sesiwn galw heibio'r cyngor"]
    with translation.override("en-gb"):
        found = overlaps_for(partnership=log.partnership, activity_ids=ids)
    assert [o.other_title for o in found[council.pk]] == [
        "Health check day",
        "Health fair",
    ]
    assert found[council.pk][0].communities == ("Eastmoor",)
