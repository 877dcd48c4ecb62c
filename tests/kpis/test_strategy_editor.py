"""The strategy editor, targets by year, retiring measures, the settings page
and the API's framework writes."""

import json
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from kpis import recording, selectors, services
from kpis.models import (
    Aggregation,
    MeasureLead,
    MeasureTarget,
    PerformanceMeasure,
    ValueType,
)
from kpis.periods import Quarter
from outcomes.models import Outcome, Priority
from partnerships.models import Role
from reports.annual import annual_report_content
from reports.selectors import dashboard_get
from reports.year_figures import dashboard_page_get
from tests.api import bearer
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    PriorityFactory,
)

# Laid out relative to the pinned day, 16 November 2026: with a September
# year (PartnershipFactory) the current reporting year is 2026 (2026/27).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
THIS_YEAR, LAST_YEAR, NEXT_YEAR = 2026, 2025, 2027


def member(partnership, role):
    return MembershipFactory(partnership=partnership, role=role).user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(measure, admin, year, quarter, value):
    period = services.period_get_or_create(
        partnership=measure.partnership,
        quarter=Quarter(year, quarter, measure.partnership.reporting_year_start_month),
    )
    return recording.quarterly_value_record(
        partnership=measure.partnership,
        measure=measure,
        period=period,
        actor=admin,
        value=D(value),
    )


def summary_of(dashboard, measure):
    summaries = [
        s
        for section in dashboard.priorities
        for s in section.measures
        if s.measure.pk == measure.pk
    ] + [s for s in dashboard.mission_measures if s.measure.pk == measure.pk]
    return summaries[0] if summaries else None


@pytest.fixture
def counted():
    """A summed count, with an admin, and a figure in last year's first quarter."""
    partnership = PartnershipFactory()
    admin = member(partnership, Role.ADMIN)
    measure = MeasureFactory(
        partnership=partnership,
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        annual_target=80,
    )
    record(measure, admin, LAST_YEAR, 1, 30)
    return measure, admin


# --- Targets by year ---------------------------------------------------------


# The annual report's read model and the dashboard page's (reports.year_figures).
@pytest.mark.parametrize("dashboard_read", [dashboard_get, dashboard_page_get])
def test_next_years_target_changes_and_this_years_report_keeps_this_years(
    counted, dashboard_read
):
    measure, admin = counted
    services.measure_targets_set(
        partnership=measure.partnership,
        actor=admin,
        measure=measure,
        targets={THIS_YEAR: D(40)},
    )
    record(measure, admin, THIS_YEAR, 1, 12)
    services.measure_targets_set(
        partnership=measure.partnership,
        actor=admin,
        measure=measure,
        targets={NEXT_YEAR: D(400)},
    )
    this_year = summary_of(
        dashboard_read(partnership=measure.partnership, year=THIS_YEAR), measure
    )
    assert this_year.year.target == D(40)
    assert this_year.year.target_display == "40"
    report = annual_report_content(partnership=measure.partnership, year=THIS_YEAR)
    reported = [
        s for c in report.chapters for s in c.summaries if s.measure.pk == measure.pk
    ]
    assert [s.year.target for s in reported] == [D(40)]
    # One quarter of 40 reported: 12 against 10 pro rata is on track.
    assert reported[0].year.pro_rata_target == D(10)
    assert reported[0].year.status == "on_track"


# The annual report's read model and the dashboard page's (reports.year_figures).
@pytest.mark.parametrize("dashboard_read", [dashboard_get, dashboard_page_get])
def test_changing_the_default_target_keeps_the_years_already_reported(
    counted, dashboard_read
):
    measure, admin = counted
    services.measure_update(
        partnership=measure.partnership,
        actor=admin,
        measure=measure,
        changes={"annual_target": D(120)},
    )
    measure = selectors.measure_list(partnership=measure.partnership).get(pk=measure.pk)
    assert measure.target_for(LAST_YEAR) == D(80)
    assert measure.target_for(THIS_YEAR) == D(80)
    assert measure.target_for(NEXT_YEAR) == D(120)
    last_year = summary_of(
        dashboard_read(partnership=measure.partnership, year=LAST_YEAR), measure
    )
    assert last_year.year.target == D(80)
    history = selectors.measure_history(
        partnership=measure.partnership, measure=measure
    )
    assert history[0].changes == ["Annual target: 80 → 120"]


def test_a_years_target_change_is_in_the_measures_history(counted):
    measure, admin = counted
    for target in (D(50), D(55)):
        services.measure_targets_set(
            partnership=measure.partnership,
            actor=admin,
            measure=measure,
            targets={NEXT_YEAR: target},
        )
    changes = [
        c
        for e in selectors.measure_history(
            partnership=measure.partnership, measure=measure
        )
        for c in e.changes
    ]
    assert "Target for 2027/28: — → 50" in changes
    assert "Target for 2027/28: 50 → 55" in changes


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        (ValueType.COUNT, D(-1), "cannot be negative"),
        (ValueType.PERCENTAGE, D(101), "at most 100"),
    ],
)
def test_a_bad_year_target_is_refused_and_nothing_saved(kind, target, message):
    partnership = PartnershipFactory()
    admin = member(partnership, Role.ADMIN)
    aggregation = Aggregation.SUM if kind == ValueType.COUNT else Aggregation.MEAN
    measure = MeasureFactory(
        partnership=partnership, value_type=kind, aggregation=aggregation
    )
    with pytest.raises(services.ValidationError, match=message):
        services.measure_targets_set(
            partnership=partnership,
            actor=admin,
            measure=measure,
            targets={NEXT_YEAR: target},
        )
    assert not MeasureTarget.objects.filter(measure=measure).exists()


def test_the_target_selectors_never_see_another_partnerships_targets(counted):
    measure, admin = counted
    services.measure_targets_set(
        partnership=measure.partnership,
        actor=admin,
        measure=measure,
        targets={NEXT_YEAR: D(9)},
    )
    other = PartnershipFactory()
    assert not selectors.measure_list(partnership=other).filter(pk=measure.pk)
    assert selectors.measure_history(partnership=other, measure=measure) == []


# --- Retire or delete ----------------------------------------------------------


# The annual report's read model and the dashboard page's (reports.year_figures).
@pytest.mark.parametrize("dashboard_read", [dashboard_get, dashboard_page_get])
def test_a_measure_with_figures_is_retired_not_deleted(counted, dashboard_read):
    measure, admin = counted
    partnership = measure.partnership
    client = client_for(admin)
    delete = reverse(
        "kpis:measure_delete", kwargs={"slug": partnership.slug, "pk": measure.pk}
    )
    response = client.post(delete, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert PerformanceMeasure.objects.filter(pk=measure.pk).exists()

    retire = reverse(
        "kpis:measure_retire", kwargs={"slug": partnership.slug, "pk": measure.pk}
    )
    assert client.post(retire).status_code == 302
    membership = partnership.membership_set.get(user=admin)
    assert not selectors.measure_list_for_entry(membership=membership).filter(
        pk=measure.pk
    )
    assert summary_of(dashboard_read(partnership=partnership), measure) is None
    # Last year, where it has figures, still shows it.
    assert summary_of(dashboard_read(partnership=partnership, year=LAST_YEAR), measure)
    measure.refresh_from_db()
    with pytest.raises(services.PermissionDenied):
        record(measure, admin, THIS_YEAR, 1, 5)
    history = selectors.measure_history(partnership=partnership, measure=measure)
    assert history[0].changes == ["Retired"]


def test_a_measure_without_figures_is_deleted():
    partnership = PartnershipFactory()
    admin = member(partnership, Role.ADMIN)
    measure = MeasureFactory(partnership=partnership)
    url = reverse(
        "kpis:measure_delete", kwargs={"slug": partnership.slug, "pk": measure.pk}
    )
    assert client_for(admin).post(url).status_code == 302
    assert not PerformanceMeasure.objects.filter(pk=measure.pk).exists()


# --- The editor's pages --------------------------------------------------------


EDITOR_PAGES = ["kpis:strategy", "kpis:measure_add", "kpis:partnership_settings"]


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
@pytest.mark.parametrize("name", EDITOR_PAGES)
def test_only_admins_open_the_editor(role, name):
    partnership = PartnershipFactory()
    client = client_for(member(partnership, role))
    url = reverse(name, kwargs={"slug": partnership.slug})
    assert client.get(url).status_code == 403
    if name != "kpis:strategy":
        assert client.post(url, {}).status_code == 403
    post_only = [
        reverse(n, kwargs={"slug": partnership.slug})
        for n in ("kpis:mission_edit", "kpis:priority_add", "kpis:outcome_add")
    ]
    for url in post_only:
        assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("name", EDITOR_PAGES)
def test_the_admin_opens_the_editor(name):
    partnership = PartnershipFactory()
    MeasureFactory(partnership=partnership)
    client = client_for(member(partnership, Role.ADMIN))
    assert (
        client.get(reverse(name, kwargs={"slug": partnership.slug})).status_code == 200
    )


def test_the_admin_builds_a_priority_outcome_and_measure_with_targets():
    partnership = PartnershipFactory()
    admin = member(partnership, Role.ADMIN)
    lead = member(partnership, Role.LEAD)
    client = client_for(admin)
    slug = partnership.slug
    response = client.post(
        reverse("kpis:priority_add", kwargs={"slug": slug}),
        {"new-priority-name": "Children and young people", "new-priority-position": 0},
    )
    assert response.status_code == 302
    priority = Priority.objects.get(partnership=partnership)
    response = client.post(
        reverse("kpis:outcome_add", kwargs={"slug": slug}),
        {
            "new-outcome-statement": "More children reach university",
            "new-outcome-priority": priority.pk,
            "new-outcome-horizon": "short",
            "new-outcome-position": 0,
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(partnership=partnership)
    response = client.post(
        reverse("kpis:measure_add", kwargs={"slug": slug}),
        {
            "code": "CU-01",
            "name": "Children taking part",
            "question": "how_much",
            "value_type": "count",
            "direction": "up",
            "aggregation": "sum",
            "outcome": outcome.pk,
            "position": 0,
            "leads": [lead.pk],
            f"target_{THIS_YEAR}": "50",
            f"target_{NEXT_YEAR}": "60",
        },
    )
    assert response.status_code == 302, response.content.decode()
    measure = PerformanceMeasure.objects.get(partnership=partnership, code="CU-01")
    assert measure.priority == priority
    assert dict(measure.targets.values_list("year", "target")) == {
        THIS_YEAR: D(50),
        NEXT_YEAR: D(60),
    }
    assert list(
        MeasureLead.objects.filter(measure=measure).values_list("user", flat=True)
    ) == [lead.pk]


def test_bad_input_shows_a_message_beside_the_field_and_saves_nothing():
    partnership = PartnershipFactory()
    client = client_for(member(partnership, Role.ADMIN))
    MeasureFactory(partnership=partnership, code="CU-01")
    response = client.post(
        reverse("kpis:measure_add", kwargs={"slug": partnership.slug}),
        {
            "code": "CU-01",
            "name": "Twice",
            "question": "how_much",
            "value_type": "percentage",
            "aggregation": "sum",
            "direction": "up",
            "position": 0,
            f"target_{NEXT_YEAR}": "120",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Another measure has the code “CU-01”." in text
    assert "This rule does not suit this kind of value." in text
    assert "at most 100" in text
    assert PerformanceMeasure.objects.filter(partnership=partnership).count() == 1
    priorities = Priority.objects.filter(partnership=partnership).count()
    response = client.post(
        reverse("kpis:priority_add", kwargs={"slug": partnership.slug}),
        {"new-priority-name": " ", "new-priority-position": 0},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Priority.objects.filter(partnership=partnership).count() == priorities


def test_another_partnerships_objects_are_404():
    partnership = PartnershipFactory()
    client = client_for(member(partnership, Role.ADMIN))
    theirs = MeasureFactory()
    their_priority = PriorityFactory(partnership=theirs.partnership)
    slug = partnership.slug
    for name, pk in [
        ("kpis:measure_edit", theirs.pk),
        ("kpis:measure_retire", theirs.pk),
        ("kpis:measure_delete", theirs.pk),
        ("kpis:priority_edit", their_priority.pk),
        ("kpis:outcome_edit", theirs.outcome_id),
    ]:
        url = reverse(name, kwargs={"slug": slug, "pk": pk})
        assert client.post(url, {}).status_code == 404, name
    assert PerformanceMeasure.objects.filter(pk=theirs.pk, retired_at=None).exists()


def test_the_reporting_year_cannot_move_once_figures_exist(counted):
    measure, admin = counted
    partnership = measure.partnership
    response = client_for(admin).post(
        reverse("kpis:partnership_settings", kwargs={"slug": partnership.slug}),
        {
            "name": "Renamed",
            "reporting_year_start_month": 4,
            "area_code": "W06000006",
            "comparator_area_code": "",
        },
    )
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.name, partnership.reporting_year_start_month) != (
        "Renamed",
        4,
    )


def test_the_settings_page_saves_name_year_and_areas_before_any_figures():
    partnership = PartnershipFactory()
    response = client_for(member(partnership, Role.ADMIN)).post(
        reverse("kpis:partnership_settings", kwargs={"slug": partnership.slug}),
        {
            "name": "Renamed",
            "reporting_year_start_month": 4,
            "area_code": "W06000006",
            "comparator_area_code": "W92000004",
        },
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (
        partnership.name,
        partnership.reporting_year_start_month,
        partnership.area_code,
    ) == ("Renamed", 4, "W06000006")


# --- The API -------------------------------------------------------------------


def api(partnership, path=""):
    return f"/api/v1/p/{partnership.slug}/{path}"


def send(method, url, body, headers):
    return getattr(Client(), method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_api_patches_a_measures_targets_leads_and_fields(counted):
    measure, admin = counted
    partnership = measure.partnership
    lead = member(partnership, Role.LEAD)
    response = send(
        "patch",
        api(partnership, f"measures/{measure.code}/"),
        {"targets": {"2027": "60"}, "leads": [lead.email], "unit": "children"},
        bearer(admin),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["targets"]["2027"] == "60.00"
    assert body["leads"] == [lead.email]
    assert body["unit"] == "children"
    # Last year's target is still last year's.
    assert body["targets"].get("2025", "80.00") == "80.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"targets": {"2027": "-5"}}, "targets"),
        ({"targets": {"next": "5"}}, "targets"),
        ({"leads": ["stranger@example.net"]}, "leads"),
        ({"value_type": "percentage"}, "value_type"),
        ({"aggregation": "ratio"}, "aggregation"),
    ],
)
def test_the_api_refuses_bad_changes_with_the_field_and_saves_nothing(
    counted, body, field
):
    measure, admin = counted
    response = send(
        "patch",
        api(measure.partnership, f"measures/{measure.code}/"),
        body,
        bearer(admin),
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not MeasureTarget.objects.filter(measure=measure, year=NEXT_YEAR).exists()
    assert not MeasureLead.objects.filter(measure=measure).exists()


@pytest.mark.parametrize("role", [Role.LEAD, Role.VIEWER])
def test_only_admins_write_the_framework_through_the_api(role):
    measure = MeasureFactory()
    partnership = measure.partnership
    headers = bearer(member(partnership, role))
    assert (
        send(
            "post", api(partnership, "priorities/"), {"name": "X"}, headers
        ).status_code
        == 403
    )
    assert (
        send(
            "patch",
            api(partnership, f"measures/{measure.code}/"),
            {"unit": "x"},
            headers,
        ).status_code
        == 403
    )


def test_the_api_creates_a_priority_an_outcome_and_a_measure():
    partnership = PartnershipFactory()
    headers = bearer(member(partnership, Role.ADMIN))
    priority = send(
        "post", api(partnership, "priorities/"), {"name": "Health"}, headers
    )
    assert priority.status_code == 201, priority.json()
    outcome = send(
        "post",
        api(partnership, "outcomes/"),
        {
            "statement": "People live well",
            "priority": priority.json()["id"],
            "horizon": "long",
        },
        headers,
    )
    assert outcome.status_code == 201, outcome.json()
    measure = send(
        "post",
        api(partnership, "measures/"),
        {
            "code": "H-1",
            "name": "People supported",
            "question": "how_much",
            "value_type": "count",
            "outcome": outcome.json()["id"],
            "targets": {"2026": "10", "2027": "20"},
        },
        headers,
    )
    assert measure.status_code == 201, measure.json()
    body = measure.json()
    assert body["priority"] == priority.json()["id"]
    assert body["aggregation"] == "sum"
    assert body["targets"] == {"2026": "10.00", "2027": "20.00"}


def test_another_partnerships_measure_is_404_in_the_api():
    partnership = PartnershipFactory()
    headers = bearer(member(partnership, Role.ADMIN))
    theirs = MeasureFactory(code="THEIRS")
    response = send(
        "patch", api(partnership, "measures/THEIRS/"), {"unit": "x"}, headers
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.unit != "x"


def test_htmx_saves_a_priority_in_place_and_shows_a_refusal_beside_the_field():
    partnership = PartnershipFactory()
    client = client_for(member(partnership, Role.ADMIN))
    priority = PriorityFactory(partnership=partnership, name="Health")
    PriorityFactory(partnership=partnership, name="Learning")
    url = reverse(
        "kpis:priority_edit", kwargs={"slug": partnership.slug, "pk": priority.pk}
    )
    prefix = f"p{priority.pk}"
    response = client.post(
        url,
        {f"{prefix}-name": "Health and care", f"{prefix}-position": 0},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith("<form") and "Saved." in text
    assert 'value="Health and care"' in text
    priority.refresh_from_db()
    assert priority.name == "Health and care"

    response = client.post(
        url,
        {f"{prefix}-name": "learning", f"{prefix}-position": 0},
        headers={"HX-Request": "true"},
    )
    assert "There is already a priority called “learning”." in response.content.decode()
    priority.refresh_from_db()
    assert priority.name == "Health and care"


def test_an_outcome_moved_to_another_priority_takes_its_measures_along():
    partnership = PartnershipFactory()
    client = client_for(member(partnership, Role.ADMIN))
    measure = MeasureFactory(partnership=partnership)
    other = PriorityFactory(partnership=partnership, name="Other")
    outcome = measure.outcome
    prefix = f"o{outcome.pk}"
    response = client.post(
        reverse(
            "kpis:outcome_edit", kwargs={"slug": partnership.slug, "pk": outcome.pk}
        ),
        {
            f"{prefix}-statement": outcome.statement,
            f"{prefix}-priority": other.pk,
            f"{prefix}-horizon": "long",
            f"{prefix}-position": 0,
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.priority == other
