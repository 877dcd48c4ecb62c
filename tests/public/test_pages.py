"""Public pages: anonymous, published only, disclosure control applied,
cacheable (ETag, 304, a page rendered once per change)."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from kpis import recording
from kpis.models import QuarterlyValue
from partnerships import tenancy
from partnerships.models import Role
from public.models import Publication, PublicSnapshot, PublishedMeasure
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory
from tests.public.published import build_published, publish

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16 10:00")]


@pytest.fixture
def published(clock):
    return build_published(slug="welcome-valley", name="Welcome Valley")


def urls(slug: str, measure_pk: int, report_pk: int = 1) -> dict[str, str]:
    return {
        "page": reverse("public:page", kwargs={"slug": slug}),
        "measure": reverse("public:measure", kwargs={"slug": slug, "pk": measure_pk}),
        "embed": reverse("public:embed", kwargs={"slug": slug, "pk": measure_pk}),
        "csv": reverse("public:open_data_csv", kwargs={"slug": slug}),
        "json": reverse("public:open_data_json", kwargs={"slug": slug}),
        "report": reverse("public:report_pdf", kwargs={"slug": slug, "pk": report_pk}),
    }


def test_anonymous_visitor_sees_the_published_page(client, published):
    response = client.get(urls("welcome-valley", published.sessions.pk)["page"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome Valley" in html
    assert "Every neighbour known by name" in html
    assert "Belonging" in html
    assert "People at welcome sessions" in html
    assert "Newcomers who feel welcome" in html
    assert "Safeguarding referrals" not in html
    assert "7717" not in html and "15434" not in html
    assert "csrfmiddlewaretoken" not in html


def test_measure_page_shows_small_count_as_fewer_than_5(client, published):
    html = client.get(
        urls("welcome-valley", published.sessions.pk)["measure"]
    ).content.decode()
    assert "fewer than 5" in html
    assert "withheld" in html
    assert "Word spread through the school gates." in html
    assert "<svg" in html and "<title" in html
    assert "iframe" in html  # the embed snippet


def test_percentage_of_few_people_is_withheld(client, published):
    data = client.get(urls("welcome-valley", published.sessions.pk)["json"]).json()
    rate = [f for f in data["figures"] if f["measure_code"] == "BL-02"]
    first = next(f for f in rate if f["quarter"] == 1)
    second = next(f for f in rate if f["quarter"] == 2)
    assert first["value"] is None and first["disclosure"] == "withheld"
    assert second["value"] == "75" and second["disclosure"] == "shown"


@pytest.mark.parametrize("kind", ["page", "measure", "embed", "csv", "json", "report"])
def test_every_public_url_is_404_for_an_unpublished_partnership(client, clock, kind):
    measure = MeasureFactory()
    unpublished = measure.partnership
    address = urls(unpublished.slug, measure.pk)[kind]
    assert client.get(address).status_code == 404
    # ...exactly as for a partnership that does not exist.
    assert client.get(urls("no-such-place", measure.pk)[kind]).status_code == 404
    # Publishing off after being on: 404 again.
    admin = MembershipFactory(partnership=unpublished, role=Role.ADMIN)
    publish(unpublished, admin, [measure], published=False)
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("kind", ["measure", "embed"])
def test_unpublished_and_other_partnerships_measures_are_404(client, published, kind):
    other = MeasureFactory(partnership=PartnershipFactory())
    for pk in (published.hidden.pk, other.pk, 999999):
        response = client.get(urls("welcome-valley", pk)[kind])
        assert response.status_code == 404


def test_unpublished_report_is_404(client, published):
    assert (
        client.get(urls("welcome-valley", 1, report_pk=1)["report"]).status_code == 404
    )


def test_welsh_public_page(client, published):
    english = urls("welcome-valley", published.sessions.pk)
    response = client.get("/cy" + english["page"])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy">' in html
    # The English texts, with no Welsh yet, are marked as English.
    assert '<span lang="en">People at welcome sessions</span>' in html
    measure = client.get("/cy" + english["measure"]).content.decode()
    assert "llai na 5" in measure


def test_members_own_pages_show_the_true_figures(client, published):
    viewer = MembershipFactory(partnership=published.partnership, role=Role.VIEWER)
    client.force_login(viewer.user)
    html = client.get(
        reverse(
            "reports:measure_detail",
            kwargs={"slug": "welcome-valley", "pk": published.sessions.pk},
        )
    ).content.decode()
    assert "Children 3" in html or ">3<" in html
    assert "fewer than 5" not in html


def test_etag_answers_304_until_a_figure_changes(client, published):
    address = urls("welcome-valley", published.sessions.pk)["page"]
    first = client.get(address)
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=" in first.headers["Cache-Control"]
    assert first.headers["Last-Modified"]
    again = client.get(address, headers={"If-None-Match": etag})
    assert again.status_code == 304
    value = QuarterlyValue.objects.filter(measure=published.sessions).first()
    recording.quarterly_value_record(
        partnership=published.partnership,
        measure=published.sessions,
        period=value.period,
        actor=published.admin.user,
        value=value.value + 1,
        breakdown={**value.breakdown, str(published.categories[1].pk): 21},
    )
    changed = client.get(address, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_a_write_by_any_path_moves_the_data_version_on(published):
    def version():
        return Publication.objects.get(partnership=published.partnership).data_version

    before = version()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kpis_performancemeasure SET name_en = 'Renamed' WHERE id = %s",
            [published.sessions.pk],
        )
    assert version() == before + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM kpis_quarterlyvalue WHERE measure_id = %s",
            [published.hidden.pk],
        )
    assert version() == before + 2
    # Another partnership's writes leave it alone.
    other = MeasureFactory()
    other.name = "Elsewhere"
    other.save()
    assert version() == before + 2


def test_a_page_is_rendered_once_per_change(
    client, published, django_assert_max_num_queries
):
    address = urls("welcome-valley", published.sessions.pk)["page"]
    client.get(address)
    # Warm: one query, for the publication; the rest is the tenant
    # middleware's scope (in a test it nests: a savepoint, and the outer
    # context read and restored). Nothing is built or rendered again.
    with django_assert_max_num_queries(6):
        assert client.get(address).status_code == 200
    with django_assert_max_num_queries(12):
        etag = client.get(address).headers["ETag"]
        assert client.get(address, headers={"If-None-Match": etag}).status_code == 304


def test_the_build_reads_a_bounded_number_of_queries(
    client, published, django_assert_max_num_queries
):
    # A fresh copy: a fixed number of queries per published measure.
    with django_assert_max_num_queries(60):
        client.get(urls("welcome-valley", published.sessions.pk)["measure"])


def test_unpublishing_drops_the_published_copy(client, published):
    client.get(urls("welcome-valley", published.sessions.pk)["page"])
    assert PublicSnapshot.objects.filter(partnership=published.partnership).exists()
    publish(published.partnership, published.admin, [], published=False)
    assert not PublicSnapshot.objects.filter(partnership=published.partnership).exists()
    assert client.get(urls("welcome-valley", 1)["page"]).status_code == 404


def test_without_tenant_context_only_published_rows_are_visible(client, published):
    client.get(urls("welcome-valley", published.sessions.pk)["page"])
    unpublished = MeasureFactory().partnership
    admin = MembershipFactory(partnership=unpublished, role=Role.ADMIN)
    publish(unpublished, admin, [], published=False)
    with tenancy.scope():
        assert list(Publication.objects.values_list("partnership_id", flat=True)) == [
            published.partnership.pk
        ]
        assert PublishedMeasure.objects.count() == 0
        assert QuarterlyValue.objects.count() == 0
        assert PublicSnapshot.objects.count() == 1


def test_embed_may_be_framed_and_the_page_may_not(client, published):
    address = urls("welcome-valley", published.sessions.pk)
    embed = client.get(address["embed"])
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "<script" not in embed.content.decode()
    assert "<svg" in embed.content.decode()
    page = client.get(address["measure"])
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_open_data_csv_and_json_carry_the_licence_and_the_suppression(
    client, published
):
    address = urls("welcome-valley", published.sessions.pk)
    csv_response = client.get(address["csv"])
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode()
    header = text.splitlines()[0].split(",")
    assert header == [
        "partnership",
        "measure_code",
        "measure",
        "kind",
        "reporting_year",
        "quarter",
        "category",
        "value",
        "disclosure",
        "licence",
    ]
    assert "Open Government Licence v3.0" in text
    data = json.loads(client.get(address["json"]).content)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["licence"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    children_q1 = next(
        f
        for f in data["figures"]
        if f["measure_code"] == "BL-01"
        and f["category"] == "Children"
        and f["quarter"] == 1
    )
    assert children_q1 == children_q1 | {"value": None, "disclosure": "small"}
    assert not any(f["measure_code"] == "BL-99" for f in data["figures"])


def test_the_small_cell_cannot_be_recovered_from_the_open_data(client, published):
    """A reader with the open data, every total and the labels, tries every
    table that fits them: the children's 3 is not the only one that does."""
    from public.disclosure import State, year_table_sums
    from tests.public.test_disclosure import possible_values

    data = client.get(urls("welcome-valley", published.sessions.pk)["json"]).json()
    rows = [f for f in data["figures"] if f["measure_code"] == "BL-01"]
    values, states = {}, {}
    for row in rows:
        category, quarter = row["category"], row["quarter"] or None
        if category and quarter:
            key = ("cell", category, quarter)
        elif category:
            key = ("category", category)
        elif quarter:
            key = ("quarter", quarter)
        else:
            key = ("year",)
        # Hidden cells: the reader knows only that there is a figure.
        values[key] = int(row["value"]) if row["value"] is not None else 0
        states[key] = State(row["disclosure"])
    assert states[("cell", "Children", 1)] == State.SMALL
    sums = year_table_sums(["Children", "Adults", "Elders"], [1, 2], adds_up=True)
    options = possible_values(values, sums, states)
    assert options
    assert all(len(found) > 1 for found in options.values()), options
