"""The measures and quarterly values endpoints, and the bulk record."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kpis import recording, review, services
from kpis.models import (
    MeasureLead,
    PerformanceMeasure,
    QuarterlyValue,
    ReviewStatus,
    ValueType,
)
from kpis.periods import Quarter
from kpis.selectors import current_quarter, value_history
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import (
    DimensionCategoryFactory,
    DimensionFactory,
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    PartnershipFactory,
)

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def setup():
    partnership = PartnershipFactory(slug="north")
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    count = MeasureFactory(partnership=partnership, code="CR-01", name="Schools")
    pct = MeasureFactory(
        partnership=partnership,
        code="CR-02",
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target=80,
    )
    other = MeasureFactory(partnership=partnership, code="CR-03")
    MeasureLeadFactory(measure=count, user=lead)
    MeasureLeadFactory(measure=pct, user=lead)
    quarter = current_quarter(partnership=partnership)
    return {
        "partnership": partnership,
        "admin": admin,
        "lead": lead,
        "viewer": viewer,
        "count": count,
        "pct": pct,
        "other": other,
        "quarter": quarter,
    }


def bulk_url(partnership):
    return reverse("api:value_bulk", kwargs={"slug": partnership.slug})


def body(quarter, *rows):
    return {"year": quarter.year, "quarter": quarter.quarter, "values": list(rows)}


def test_a_lead_records_their_quarter_in_one_request(client, setup):
    quarter = setup["quarter"]
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(
            quarter,
            {"measure": "CR-01", "value": "12", "story": "Two new schools."},
            {"measure": "CR-02", "numerator": 45, "denominator": "60"},
        ),
        bearer(setup["lead"]),
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["created"] == 2 and data["updated"] == 0
    assert [v["measure"] for v in data["values"]] == ["CR-01", "CR-02"]
    assert data["values"][0]["value"] == "12.00"
    assert data["values"][0]["version"] == 1
    stored = QuarterlyValue.objects.get(measure=setup["count"])
    assert stored.value == D(12) and stored.story == "Two new schools."
    assert stored.entered_by == setup["lead"]
    ratio = QuarterlyValue.objects.get(measure=setup["pct"])
    assert (ratio.numerator, ratio.denominator) == (D(45), D(60))


def test_one_bad_row_records_nothing_and_names_the_row_and_field(client, setup):
    quarter = setup["quarter"]
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(
            quarter,
            {"measure": "CR-01", "value": "12"},
            {"measure": "CR-02", "numerator": "70", "denominator": "60"},
            {"measure": "CR-03", "value": "1"},
            {"measure": "CR-01", "value": "-2"},
            {"measure": "NOPE", "value": "1"},
            {"measure": "CR-03", "value": "lots"},
        ),
        bearer(setup["admin"]),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]["values"]
    # The serializer's own checks come first: a row that is not a number.
    assert errors == {"5": {"value": ["A valid number is required."]}}
    assert not QuarterlyValue.objects.exists()

    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(
            quarter,
            {"measure": "CR-01", "value": "12"},
            {"measure": "CR-02", "numerator": "70", "denominator": "60"},
            {"measure": "CR-03", "value": "1.5"},
            {"measure": "CR-01", "value": "3"},
            {"measure": "NOPE", "value": "1"},
        ),
        bearer(setup["admin"]),
    )
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "Some values have errors; nothing was recorded."
    assert data["errors"]["values"] == {
        "1": {
            "numerator": [
                "The number cannot be more than the number it is out of (60)."
            ]
        },
        "2": {"value": ["A count is a whole number, 0 or more."]},
        "3": {"measure": ["This measure is given more than once."]},
        "4": {"measure": ["No measure has the code “NOPE”."]},
    }
    # Row 0 was valid, and was rolled back with the rest.
    assert not QuarterlyValue.objects.exists()


def test_a_viewer_cannot_record_values(client, setup):
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(setup["quarter"], {"measure": "CR-01", "value": "1"}),
        bearer(setup["viewer"]),
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only project leads and admins can record values.",
        "errors": {},
    }
    assert not QuarterlyValue.objects.exists()


def test_a_lead_records_only_their_own_measures(client, setup):
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(
            setup["quarter"],
            {"measure": "CR-01", "value": "1"},
            {"measure": "CR-03", "value": "1"},
        ),
        bearer(setup["lead"]),
    )
    assert response.status_code == 403
    assert response.json()["errors"] == {
        "values": {"1": {"measure": ["You cannot enter values for this measure."]}}
    }
    assert not QuarterlyValue.objects.exists()


def test_a_lead_cannot_change_a_submitted_figure_but_an_admin_can(client, setup):
    partnership, lead, quarter = setup["partnership"], setup["lead"], setup["quarter"]
    period = services.period_get_or_create(partnership=partnership, quarter=quarter)
    recording.quarterly_value_record(
        partnership=partnership,
        measure=setup["count"],
        period=period,
        actor=lead,
        value=D(5),
    )
    QuarterlyValue.objects.update(status=ReviewStatus.SUBMITTED)
    response = post_json(
        client,
        bulk_url(partnership),
        body(quarter, {"measure": "CR-01", "value": "6"}),
        bearer(lead),
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["values"]["0"]["non_field_errors"]
    assert "submitted and waiting for review" in message

    response = post_json(
        client,
        bulk_url(partnership),
        body(quarter, {"measure": "CR-01", "value": "6"}),
        bearer(setup["admin"]),
    )
    assert response.status_code == 200
    assert response.json()["updated"] == 1
    assert QuarterlyValue.objects.get().value == D(6)


def test_a_locked_quarter_is_refused(client, setup):
    partnership, admin = setup["partnership"], setup["admin"]
    quarter = setup["quarter"].previous()
    review.period_lock(partnership=partnership, quarter=quarter, actor=admin)
    response = post_json(
        client,
        bulk_url(partnership),
        body(quarter, {"measure": "CR-01", "value": "6"}),
        bearer(admin),
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["quarter"]
    assert "is locked" in message
    assert not QuarterlyValue.objects.exists()


def test_a_future_quarter_is_refused(client, setup):
    quarter = setup["quarter"].next()
    response = post_json(
        client,
        bulk_url(setup["partnership"]),
        body(quarter, {"measure": "CR-01", "value": "6"}),
        bearer(setup["admin"]),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "quarter": ["That quarter has not started yet."]
    }


def test_a_stale_version_is_a_conflict_with_the_stored_value(client, setup):
    partnership, admin, quarter = setup["partnership"], setup["admin"], setup["quarter"]
    url, headers = bulk_url(partnership), bearer(admin)
    first = post_json(
        client, url, body(quarter, {"measure": "CR-01", "value": "5"}), headers
    )
    assert first.json()["values"][0]["version"] == 1
    # Someone else saves over it.
    post_json(client, url, body(quarter, {"measure": "CR-01", "value": "7"}), headers)

    response = post_json(
        client,
        url,
        body(
            quarter,
            {"measure": "CR-02", "numerator": "1", "denominator": "2", "version": 0},
            {"measure": "CR-01", "value": "9", "version": 1},
        ),
        headers,
    )
    assert response.status_code == 409
    data = response.json()
    assert list(data["errors"]["values"]) == ["1"]
    assert "version 2" in data["errors"]["values"]["1"]["version"][0]
    assert data["current"]["1"]["value"] == "7.00"
    assert data["current"]["1"]["version"] == 2
    assert QuarterlyValue.objects.get(measure=setup["count"]).value == D(7)
    assert not QuarterlyValue.objects.filter(measure=setup["pct"]).exists()

    response = post_json(
        client,
        url,
        body(quarter, {"measure": "CR-01", "value": "9", "version": 2}),
        headers,
    )
    assert response.status_code == 200
    assert response.json()["values"][0]["version"] == 3


def test_the_history_says_the_change_came_by_the_api(client, setup):
    partnership, lead = setup["partnership"], setup["lead"]
    post_json(
        client,
        bulk_url(partnership),
        body(setup["quarter"], {"measure": "CR-01", "value": "4"}),
        bearer(lead),
    )
    [entries] = value_history(partnership=partnership, measure=setup["count"]).values()
    assert [(e.who, e.path) for e in entries] == [(str(lead), "API")]


def test_a_breakdown_is_recorded_with_the_count(client, setup):
    partnership = setup["partnership"]
    dimension = DimensionFactory(partnership=partnership, is_exhaustive=True)
    young, old = (
        DimensionCategoryFactory(dimension=dimension, name=n, position=i)
        for i, n in enumerate(("Young", "Old"))
    )
    measure = setup["count"]
    measure.breakdown_first = dimension
    measure.save()
    measure_url = reverse(
        "api:measure_detail", kwargs={"slug": partnership.slug, "code": "CR-01"}
    )
    headers = bearer(setup["admin"])
    described = client.get(measure_url, headers=headers).json()
    assert described["breakdowns"] == [
        {
            "name": dimension.name,
            # No Welsh names yet (kpis/translation.py).
            "name_cy": None,
            "is_exhaustive": True,
            "categories": [
                {"id": young.pk, "name": "Young", "name_cy": None},
                {"id": old.pk, "name": "Old", "name_cy": None},
            ],
        }
    ]
    bad = post_json(
        client,
        bulk_url(partnership),
        body(
            setup["quarter"],
            {"measure": "CR-01", "value": "5", "breakdown": {str(young.pk): 4}},
        ),
        headers,
    )
    assert bad.status_code == 400
    assert "add up to 4" in bad.json()["errors"]["values"]["0"]["breakdown"][0]
    good = post_json(
        client,
        bulk_url(partnership),
        body(
            setup["quarter"],
            {
                "measure": "CR-01",
                "value": "5",
                "breakdown": {str(young.pk): 4, str(old.pk): 1},
            },
        ),
        headers,
    )
    assert good.status_code == 200
    assert good.json()["values"][0]["breakdown"] == {str(young.pk): 4, str(old.pk): 1}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"year": 2026, "quarter": 5, "values": [{"measure": "CR-01"}]}, "quarter"),
        ({"year": 2026, "quarter": 1, "values": []}, "values"),
        ({"year": 2026, "quarter": 1}, "values"),
        ({"quarter": 1, "values": [{"measure": "CR-01"}]}, "year"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(client, setup, payload, field):
    response = post_json(
        client, bulk_url(setup["partnership"]), payload, bearer(setup["admin"])
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_values_list_filters_by_quarter_and_measure(client, setup):
    partnership, admin = setup["partnership"], setup["admin"]
    start = partnership.reporting_year_start_month
    quarters = [Quarter(2024, q, start) for q in (1, 2, 3, 4)]
    for quarter in quarters:
        period = services.period_get_or_create(partnership=partnership, quarter=quarter)
        for measure in (setup["count"], setup["other"]):
            recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=admin,
                value=D(quarter.quarter),
            )
    url = reverse("api:value_list", kwargs={"slug": partnership.slug})
    headers = bearer(admin)

    everything = client.get(url, headers=headers).json()
    assert everything["count"] == 8
    by_period = client.get(url, {"period": "2024-2"}, headers=headers).json()
    assert {(v["measure"], v["period"]) for v in by_period["results"]} == {
        ("CR-01", "2024-2"),
        ("CR-03", "2024-2"),
    }
    by_both = client.get(
        url, {"year": 2024, "quarter": 3, "measure": "CR-03"}, headers=headers
    ).json()
    assert [(v["measure"], v["value"]) for v in by_both["results"]] == [
        ("CR-03", "3.00")
    ]
    assert by_both["results"][0]["period_label"] == "2024/25 Q3"
    bad = client.get(url, {"period": "2024-Q2", "year": "soon"}, headers=headers)
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"period", "year"}

    paged = client.get(url, {"page_size": 3, "page": 2}, headers=headers).json()
    assert paged["count"] == 8 and len(paged["results"]) == 3
    assert paged["next"].endswith("page=3&page_size=3")
    assert client.get(url, {"page": 9}, headers=headers).status_code == 404

    value = QuarterlyValue.objects.filter(measure=setup["other"]).first()
    detail = client.get(
        reverse("api:value_detail", kwargs={"slug": partnership.slug, "pk": value.pk}),
        headers=headers,
    ).json()
    assert detail["measure"] == "CR-03" and detail["id"] == value.pk


def test_measures_list_their_definition_and_leads(client, setup):
    partnership = setup["partnership"]
    url = reverse("api:measure_list", kwargs={"slug": partnership.slug})
    data = client.get(url, headers=bearer(setup["viewer"])).json()
    assert [m["code"] for m in data["results"]] == ["CR-01", "CR-02", "CR-03"]
    first = data["results"][0]
    assert first["value_type"] == "count" and first["aggregation"] == "sum"
    assert first["annual_target"] == "100.00"
    assert first["leads"] == [setup["lead"].email]
    assert first["breakdowns"] == []
    assert (
        client.get(url, {"headline": "false"}, headers=bearer(setup["viewer"])).json()[
            "count"
        ]
        == 0
    )


def test_list_endpoints_run_a_fixed_number_of_queries(
    client, setup, django_assert_max_num_queries
):
    partnership, admin = setup["partnership"], setup["admin"]
    headers = bearer(admin)
    measures_url = reverse("api:measure_list", kwargs={"slug": partnership.slug})
    values_url = reverse("api:value_list", kwargs={"slug": partnership.slug})

    def fill(count: int) -> None:
        dimension = DimensionFactory(partnership=partnership)
        DimensionCategoryFactory(dimension=dimension)
        start = partnership.reporting_year_start_month
        period = services.period_get_or_create(
            partnership=partnership, quarter=Quarter(2023, 1, start)
        )
        for _ in range(count):
            measure = MeasureFactory(partnership=partnership, breakdown_first=dimension)
            MeasureLeadFactory(measure=measure, user=setup["lead"])
            recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=period,
                actor=admin,
                value=D(3),
            )

    fill(2)
    with django_assert_max_num_queries(26) as few:
        client.get(measures_url, headers=headers)
        client.get(values_url, headers=headers)
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(measures_url, headers=headers).json()["count"] == 25
        assert client.get(values_url, headers=headers).json()["count"] == 22


def test_a_thousand_row_bulk_record_runs_a_bounded_number_of_queries(
    client, setup, django_assert_max_num_queries
):
    partnership, lead, admin = setup["partnership"], setup["lead"], setup["admin"]
    quarter = setup["quarter"]
    dimension = DimensionFactory(partnership=partnership, is_exhaustive=True)
    young, old = (
        DimensionCategoryFactory(dimension=dimension, name=n, position=i)
        for i, n in enumerate(("Young", "Old"))
    )
    outcome = setup["count"].outcome
    measures = PerformanceMeasure.objects.bulk_create(
        MeasureFactory.build(
            partnership=partnership,
            outcome=outcome,
            priority=outcome.priority,
            code=f"B-{n:04d}",
            value_type=ValueType.PERCENTAGE if n % 3 == 0 else ValueType.COUNT,
            aggregation="ratio" if n % 3 == 0 else "sum",
            breakdown_first=dimension if n % 3 == 1 else None,
        )
        for n in range(1000)
    )
    MeasureLead.objects.bulk_create(
        MeasureLead(partnership=partnership, measure=m, user=lead) for m in measures
    )

    def row(n: int, figure: int, **extra) -> dict:
        if n % 3 == 0:
            return {"measure": f"B-{n:04d}", "numerator": figure, "denominator": 90}
        if n % 3 == 1:
            cells = {str(young.pk): figure - 1, str(old.pk): 1}
            return {"measure": f"B-{n:04d}", "value": figure, "breakdown": cells}
        return {"measure": f"B-{n:04d}", "value": figure, **extra}

    as_lead, as_admin = bearer(lead), bearer(admin)
    with django_assert_max_num_queries(30):
        first = post_json(
            client,
            bulk_url(partnership),
            body(quarter, *(row(n, 10) for n in range(1000))),
            as_lead,
        )
    assert first.status_code == 200, first.json()
    assert (first.json()["created"], first.json()["updated"]) == (1000, 0)
    assert QuarterlyValue.objects.filter(partnership=partnership).count() == 1000

    with django_assert_max_num_queries(30):
        again = post_json(
            client,
            bulk_url(partnership),
            body(quarter, *(row(n, 20, version=1) for n in range(999, -1, -1))),
            as_admin,
        )
    assert again.status_code == 200, again.json()
    data = again.json()
    assert (data["created"], data["updated"]) == (0, 1000)
    assert data["values"][0]["measure"] == "B-0999"
    assert {v["version"] for v in data["values"]} == {2}
    stored = QuarterlyValue.objects.get(measure__code="B-0001")
    assert stored.breakdown == {str(young.pk): 19, str(old.pk): 1}
    assert stored.entered_by == admin
    [entries] = value_history(partnership=partnership, measure=stored.measure).values()
    assert [(e.who, e.path) for e in entries] == [
        (str(lead), "API"),
        (str(admin), "API"),
    ]
