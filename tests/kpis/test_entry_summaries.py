"""An admin's My measures listing more than ``ENTRY_FORMS_OPEN`` measures
shows each as a line (its figures and state) whose form opens on demand: in
place with htmx, or on the page itself without JavaScript. Every measure
stays on the page; a narrower list, and a lead's, keeps every form open."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis import recording, services
from kpis.selectors import current_quarter
from kpis.views import ENTRY_FORMS_OPEN
from partnerships.models import Membership, Role
from tests.factories import (
    MeasureFactory,
    MeasureLeadFactory,
    MembershipFactory,
    OutcomeFactory,
    PriorityFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def many(client):
    """ENTRY_FORMS_OPEN + 1 measures under one priority, two under another,
    the first with a figure this quarter."""
    health = PriorityFactory(name="Health")
    partnership = health.partnership
    skills = PriorityFactory(partnership=partnership, name="Skills")
    outcome = OutcomeFactory(partnership=partnership, priority=health)
    measures = MeasureFactory.create_batch(
        ENTRY_FORMS_OPEN + 1, partnership=partnership, outcome=outcome
    )
    other = OutcomeFactory(partnership=partnership, priority=skills)
    measures += MeasureFactory.create_batch(2, partnership=partnership, outcome=other)
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    quarter = current_quarter(partnership=partnership)
    recording.quarterly_value_record(
        partnership=partnership,
        measure=measures[0],
        period=services.period_get_or_create(partnership=partnership, quarter=quarter),
        value=D(42),
        actor=admin,
    )
    client.force_login(admin)
    url = reverse("kpis:my_measures", kwargs={"slug": partnership.slug})
    return url, measures, (health, skills), quarter


def _listed(page: str, measures) -> list:
    return [m for m in measures if f'id="measure-{m.pk}"' in page]


def _with_form(page: str, measures) -> list:
    return [m for m in measures if f'name="m{m.pk}-story"' in page]


def test_a_long_list_shows_every_measure_as_a_line_with_its_figure(client, many):
    url, measures, _, quarter = many
    page = client.get(url).content.decode()
    assert _listed(page, measures) == measures
    assert _with_form(page, measures) == []
    assert page.count('class="entry entry--summary"') == len(measures)
    first = page[page.index(f'id="measure-{measures[0].pk}"') :]
    first = first[: first.index("</a>")]
    # The figure stored this quarter, and a link that opens its form both
    # ways: in place (htmx) and as the page with that form open.
    assert "<dd>42</dd>" in first
    assert "Change the figure" in first
    assert f'hx-get="?quarter={quarter.key}&amp;open={measures[0].pk}"' in first
    assert f"&amp;open={measures[0].pk}#measure-{measures[0].pk}" in first
    second = page[page.index(f'id="measure-{measures[1].pk}"') :]
    assert "Enter the figure" in second[: second.index("</a>")]
    assert f"Narrow the list to {ENTRY_FORMS_OPEN} measures or fewer" in page
    # The submit still covers every measure.
    assert f"{len(measures)} measures to report." in page
    assert "1 saved figure is not submitted yet." in page


def test_opening_a_line_in_place_answers_its_form_alone(client, many):
    url, measures, _, quarter = many
    wanted = measures[3]
    answer = client.get(
        url, {"quarter": quarter.key, "open": wanted.pk}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert _with_form(page, measures) == [wanted]
    assert f'<form id="measure-{wanted.pk}"' in page
    # Focus moves to the opened measure's name; nothing else is swapped.
    assert f'id="measure-{wanted.pk}-name" tabindex="-1" autofocus' in page
    assert "hx-swap-oob" not in page
    assert "<html" not in page


def test_opening_a_line_without_javascript_opens_it_on_the_page(client, many):
    url, measures, (_health, skills), quarter = many
    wanted = measures[-1]
    page = client.get(
        url, {"quarter": quarter.key, "open": wanted.pk, "priority": skills.pk}
    ).content.decode()
    # A priority of two measures: every form of it open, the filter kept.
    assert _listed(page, measures) == measures[-2:]
    assert _with_form(page, measures) == measures[-2:]
    page = client.get(url, {"quarter": quarter.key, "open": wanted.pk}).content
    page = page.decode()
    assert _listed(page, measures) == measures
    assert _with_form(page, measures) == [wanted]


def test_a_short_filter_opens_every_form(client, many):
    url, measures, (_health, skills), _ = many
    page = client.get(url, {"priority": skills.pk}).content.decode()
    assert _with_form(page, measures) == measures[-2:]
    assert "entry--summary" not in page
    assert "Narrow the list" not in page


@pytest.mark.parametrize("wanted", ["another", "999999999", "M001", "1" * 19])
def test_opening_a_measure_not_theirs_is_not_found(client, many, wanted):
    url, _measures, _, _quarter = many
    if wanted == "another":
        wanted = MeasureFactory().pk
    for headers in ({}, {"HX-Request": "true"}):
        assert client.get(url, {"open": wanted}, headers=headers).status_code == 404


def test_a_refused_save_without_javascript_opens_that_form_alone(client, many):
    url, measures, _, quarter = many
    wanted = measures[5]
    answer = client.post(
        f"{url}?quarter={quarter.key}",
        {"measure": wanted.pk, f"m{wanted.pk}-value": "-3", f"m{wanted.pk}-version": 0},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert _listed(page, measures) == measures
    assert _with_form(page, measures) == [wanted]
    assert "entry--error" in page


def test_a_save_from_an_opened_line_answers_its_row(client, many):
    url, measures, _, quarter = many
    wanted = measures[7]
    answer = client.post(
        f"{url}?quarter={quarter.key}",
        {"measure": wanted.pk, f"m{wanted.pk}-value": "12", f"m{wanted.pk}-version": 0},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Saved." in page
    # The submit panel and the announcer follow the save, as on a short list.
    assert 'id="submit-quarter"' in page
    assert "2 saved figures are not submitted yet." in page
    listed = client.get(url).content.decode()
    line = listed[listed.index(f'id="measure-{wanted.pk}"') :]
    assert "<dd>12</dd>" in line[: line.index("</a>")]


def test_a_lead_keeps_every_form_open(client, many):
    url, measures, _, _ = many
    lead = MembershipFactory(partnership=measures[0].partnership, role=Role.LEAD).user
    for measure in measures:
        MeasureLeadFactory(measure=measure, user=lead)
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert _with_form(page, measures) == measures
    assert "entry--summary" not in page


def test_the_long_list_needs_no_more_queries_than_a_short_one(
    client, many, django_assert_max_num_queries
):
    url, _measures, (_health, skills), _ = many
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url, {"priority": skills.pk})
    with django_assert_max_num_queries(len(short)):
        client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_a_save_in_place_reads_only_the_measure_saved(
    client, many, django_assert_max_num_queries
):
    url, measures, _, quarter = many

    def save(measure, value):
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(
                f"{url}?quarter={quarter.key}",
                {
                    "measure": measure.pk,
                    f"m{measure.pk}-value": value,
                    f"m{measure.pk}-version": 0,
                },
                headers={"HX-Request": "true"},
            )
        assert answer.status_code == 200
        assert "Saved." in answer.content.decode()
        return len(queries)

    first = save(measures[1], "5")
    MeasureFactory.create_batch(
        10, partnership=measures[0].partnership, outcome=measures[0].outcome
    )
    assert save(measures[2], "6") == first
    # A new figure (the quarter claimed, a savepoint to try again) in this
    # suite's transaction, which moves the data version per statement.
    with django_assert_max_num_queries(23):
        save(measures[3], "7")


def test_a_correction_in_place_runs_fewer_statements_than_a_first_save(client, many):
    """A stored figure corrected from the version shown is one UPDATE: no
    claim, no row read to lock it, no savepoint of its own to insert."""
    url, measures, _, quarter = many
    measure = measures[4]

    def save(value, version):
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(
                f"{url}?quarter={quarter.key}",
                {
                    "measure": measure.pk,
                    f"m{measure.pk}-value": value,
                    f"m{measure.pk}-version": version,
                },
                headers={"HX-Request": "true"},
            )
        assert answer.status_code == 200
        page = answer.content.decode()
        assert "Saved." in page
        assert f'name="m{measure.pk}-version" value="{version + 1}"' in page
        return [q["sql"] for q in queries.captured_queries]

    first = save("5", 0)
    corrected = save("6", 1)
    assert len(corrected) <= len(first) - 3
    assert sum("UPDATE kpis_quarterlyvalue " in sql for sql in corrected) == 1
    assert not any("FOR UPDATE" in sql for sql in corrected)
    assert len(corrected) <= 17


def test_a_row_saved_in_place_checks_its_figure_as_the_list_does(client, many):
    """The saved row reads the checks' quarters with its own figures; the
    list reads them on their own: both say the same."""
    url, measures, (_health, skills), quarter = many
    measure = measures[-1]
    partnership = measure.partnership
    admin = Membership.objects.get(partnership=partnership, role=Role.ADMIN).user
    recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=services.period_get_or_create(
            partnership=partnership, quarter=quarter.previous()
        ),
        value=D(10),
        actor=admin,
    )
    answer = client.post(
        f"{url}?quarter={quarter.key}",
        {
            "measure": measure.pk,
            f"m{measure.pk}-value": "90",
            f"m{measure.pk}-version": 0,
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Needs the story behind the number before you submit:" in answer
    listed = client.get(url, {"priority": skills.pk}).content.decode()
    form = listed[listed.index(f'<form id="measure-{measure.pk}"') :]
    form = form[: form.index("</form>")]

    def checks(html: str) -> str:
        start = html.index(f'id="measure-{measure.pk}-check"')
        return html[start : html.index("</ul>", start)]

    assert checks(answer) == checks(form)
