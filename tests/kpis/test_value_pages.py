"""The values list's pages: keyset and numbered, read quarter by quarter."""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from kpis import recording, services, value_pages
from kpis.api import QuarterlyValueSerializer
from kpis.models import QuarterlyValue, ValueType
from kpis.periods import Quarter
from partnerships.models import Role
from tests.api import bearer
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

START = 2023


def quarters(partnership, count: int) -> list:
    first = Quarter(START, 1, partnership.reporting_year_start_month)
    found = [first]
    while len(found) < count:
        found.append(found[-1].next())
    return found


def record(partnership, admin, measure, quarter, value=3):
    period = services.period_get_or_create(partnership=partnership, quarter=quarter)
    return recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=period,
        actor=admin,
        value=D(value),
    )


@pytest.fixture
def filled():
    """Three measures over six quarters, recorded newest quarter first so
    that the periods' ids run against their order."""
    partnership = PartnershipFactory(slug="north")
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measures = [
        MeasureFactory(partnership=partnership, code=code, position=position)
        for code, position in (("B-2", 2), ("A-1", 1), ("C-2", 2))
    ]
    shown = quarters(partnership, 6)
    for quarter in reversed(shown):
        for measure in measures:
            record(partnership, admin, measure, quarter, value=quarter.quarter)
    return {
        "partnership": partnership,
        "admin": admin,
        "measures": measures,
        "quarters": shown,
        "url": reverse("api:value_list", kwargs={"slug": partnership.slug}),
    }


def in_order(partnership) -> list[int]:
    return list(
        QuarterlyValue.objects.filter(partnership=partnership)
        .order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        )
        .values_list("id", flat=True)
    )


def walk(client, url, headers, params, between=None) -> list[dict]:
    """Every page by following ``next``; ``between`` runs after each page."""
    seen = []
    page = client.get(url, params, headers=headers)
    while True:
        assert page.status_code == 200, page.content
        body = page.json()
        seen.extend(body["results"])
        if between is not None:
            between(body)
        if body["next"] is None:
            return seen
        page = client.get(body["next"], headers=headers)


def test_a_keyset_walk_reads_every_value_once_in_order(client, filled):
    headers = bearer(filled["admin"])
    first = client.get(filled["url"], {"page_size": 4}, headers=headers).json()
    assert first["count"] == 18 and first["previous"] is None
    assert "cursor=" in first["next"] and "page=" not in first["next"]
    later = client.get(first["next"], headers=headers).json()
    assert "count" not in later

    seen = walk(client, filled["url"], headers, {"page_size": 4})
    assert [row["id"] for row in seen] == in_order(filled["partnership"])
    assert [row["measure"] for row in seen[:3]] == ["A-1", "B-2", "C-2"]


def test_a_keyset_walk_has_no_gaps_or_repeats_while_figures_are_added(client, filled):
    """Figures added while a client pages (before and after where it has got
    to) never make it read a row twice or miss one that was there."""
    partnership, admin = filled["partnership"], filled["admin"]
    there_at_start = set(in_order(partnership))
    headers = bearer(admin)
    behind, ahead = [], []
    # Sorts first in every quarter.
    early = MeasureFactory(partnership=partnership, code="A-0", position=0)
    keys = [quarter.key for quarter in filled["quarters"]]

    def add_two(body):
        # One new row in the first quarter, which the walk has passed, and
        # one in the quarter after the page's last row, which it has not.
        passed = MeasureFactory(partnership=partnership, position=0)
        behind.append(record(partnership, admin, passed, filled["quarters"][0]).pk)
        following = keys.index(body["results"][-1]["period"]) + 1
        if following < len(keys):
            quarter = filled["quarters"][following]
            ahead.append(record(partnership, admin, early, quarter).pk)

    seen = [
        row["id"]
        for row in walk(client, filled["url"], headers, {"page_size": 4}, add_two)
    ]
    assert len(seen) == len(set(seen)), "a row was read twice"
    assert there_at_start <= set(seen), "a row that was there was skipped"
    assert not set(seen) & set(behind)
    assert ahead and set(ahead) <= set(seen), "a row added ahead was missed"
    assert seen == [pk for pk in in_order(partnership) if pk in set(seen)]


def test_numbered_pages_keep_their_contract_and_the_same_order(client, filled):
    headers = bearer(filled["admin"])
    url = filled["url"]
    numbered = []
    page = 1
    while True:
        body = client.get(url, {"page": page, "page_size": 5}, headers=headers).json()
        assert body["count"] == 18
        numbered.extend(row["id"] for row in body["results"])
        if body["next"] is None:
            break
        assert body["next"].endswith(f"page={page + 1}&page_size=5")
        page += 1
    assert page == 4 and numbered == in_order(filled["partnership"])
    second = client.get(url, {"page": 2, "page_size": 5}, headers=headers).json()
    assert second["previous"].endswith("?page_size=5")
    last = client.get(url, {"page": "last", "page_size": 5}, headers=headers).json()
    assert [row["id"] for row in last["results"]] == numbered[15:]
    for bad in ("0", "5", "soon"):
        response = client.get(url, {"page": bad, "page_size": 5}, headers=headers)
        assert response.status_code == 404, bad


def test_filters_hold_on_both_kinds_of_page(client, filled):
    headers = bearer(filled["admin"])
    url = filled["url"]
    wanted = {"measure": "B-2", "page_size": 2}
    seen = walk(client, url, headers, wanted)
    assert [row["measure"] for row in seen] == ["B-2"] * 6
    assert [row["period"] for row in seen] == [q.key for q in filled["quarters"]]
    numbered = client.get(url, {**wanted, "page": 3}, headers=headers).json()
    assert numbered["count"] == 6
    assert [row["id"] for row in numbered["results"]] == [
        row["id"] for row in seen[4:6]
    ]
    second = filled["quarters"][1]
    one = client.get(
        url, {"period": second.key, "year": second.year + 1}, headers=headers
    ).json()
    assert one["count"] == 0 and one["results"] == []


def test_a_page_reads_a_few_quarters_not_the_whole_history(client, filled):
    """A page of 2 reads the first quarters' figures only: the values query
    names at most ``FIRST_BATCH`` quarters, whatever the partnership holds."""
    headers = bearer(filled["admin"])
    with CaptureQueriesContext(connection) as queries:
        client.get(filled["url"], {"page_size": 2}, headers=headers)
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "kpis_quarterlyvalue"."id"')
    ]
    assert len(reads) == 1
    named = reads[0].split('"kpis_quarterlyvalue"."period_id" IN (')[1].split(")")[0]
    assert len(named.split(",")) == value_pages.FIRST_BATCH < 6
    assert (
        f'"kpis_quarterlyvalue"."partnership_id" = {filled["partnership"].pk}'
        in (reads[0])
    )


def test_the_lean_rows_read_as_the_serializer_writes_them(client, filled):
    partnership, admin = filled["partnership"], filled["admin"]
    dimension = DimensionFactory(partnership=partnership)
    category = DimensionCategoryFactory(dimension=dimension)
    split = MeasureFactory(partnership=partnership, breakdown_first=dimension)
    pct = MeasureFactory(
        partnership=partnership, value_type=ValueType.PERCENTAGE, aggregation="ratio"
    )
    period = services.period_get_or_create(
        partnership=partnership, quarter=filled["quarters"][0]
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=split,
        period=period,
        actor=admin,
        value=D(7),
        breakdown={str(category.pk): 7},
        story="Seven, all in one group.",
    )
    recording.quarterly_value_record(
        partnership=partnership,
        measure=pct,
        period=period,
        actor=admin,
        numerator=D("1.5"),
        denominator=D(4),
    )
    QuarterlyValue.objects.filter(measure=pct).update(entered_by=None)
    expected = QuarterlyValueSerializer(
        QuarterlyValue.objects.filter(pk__in=in_order(partnership))
        .select_related("measure", "period", "entered_by")
        .order_by(
            "period__year", "period__quarter", "measure__position", "measure__code"
        ),
        many=True,
    ).data
    answer = client.get(
        filled["url"], {"page_size": 100}, headers=bearer(admin)
    ).content
    assert json.loads(answer)["results"] == json.loads(JSONRenderer().render(expected))
    numbered = client.get(
        filled["url"], {"page_size": 100, "page": 1}, headers=bearer(admin)
    ).json()
    assert numbered["results"] == json.loads(answer)["results"]


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense!",
        "WzEsMl0",  # [1,2]
        "eyJ5ZWFyIjogMX0",  # {"year": 1}
        "W3RydWUsIDEsIDEsICJhIl0",  # [true, 1, 1, "a"]
        "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAsIDEsIDEsICJhIl0",  # a year no column holds
        "WzIwMjQsIDUsIDEsICJhIl0",  # a fifth quarter
    ],
)
def test_a_cursor_the_api_did_not_make_is_a_400_naming_it(client, filled, cursor):
    response = client.get(
        filled["url"], {"cursor": cursor}, headers=bearer(filled["admin"])
    )
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]
    assert not QuarterlyValue.objects.filter(partnership=filled["partnership"]).filter(
        version__gt=1
    )


def test_a_page_and_a_cursor_together_are_a_400(client, filled):
    headers = bearer(filled["admin"])
    first = client.get(filled["url"], {"page_size": 4}, headers=headers).json()
    response = client.get(first["next"] + "&page=2", headers=headers)
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_another_partnerships_values_never_come_back(filled):
    other = PartnershipFactory(slug="south")
    admin = MembershipFactory(partnership=other, role=Role.ADMIN).user
    theirs = MeasureFactory(partnership=other, code="A-1", position=1)
    for quarter in filled["quarters"]:
        record(other, admin, theirs, quarter)
    wanted = value_pages.ValueFilter()
    # The test runs in the platform scope: the explicit predicates scope it.
    page = value_pages.value_page_after(
        partnership=filled["partnership"],
        wanted=wanted,
        after=None,
        limit=100,
        counted=True,
    )
    assert page.count == 18
    assert {row.id for row in page.rows} == set(in_order(filled["partnership"]))
    numbered = value_pages.value_page_numbered(
        partnership=other, wanted=wanted, offset=2, limit=100
    )
    assert numbered.count == 6
    assert [row.id for row in numbered.rows] == in_order(other)[2:]
