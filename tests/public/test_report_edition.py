"""Published annual reports: the public edition, disclosure control applied.

The members' PDF keeps the true figures; the public page serves a second
PDF, the same report rendered by the worker through public/report_edition.py
with every figure, breakdown and total protected as on the public page.
"""

import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kpis import recording, services
from kpis.models import Aggregation, QuarterlyValue, ValueType
from kpis.periods import Quarter
from partnerships import tenancy
from public.disclosure import State, Sum, category_total, cell, quarter_total
from public.models import EditionStatus, PublishedReport
from public.services import published_report_render
from public.snapshot import protected_year
from reports import services as report_services
from reports.models import ReportLanguage, report_storage
from tests.factories import DimensionCategoryFactory, DimensionFactory, MeasureFactory
from tests.public.published import YEAR, build_published, publish
from tests.public.test_disclosure import possible_values

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-16 10:00")]

# Mentors by area in each quarter: Rhos's year is 1 + 2 = 3, a small count.
MENTORS = [(1, 9, 7), (2, 11, 6)]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def edition(clock, report_storage, django_capture_on_commit_callbacks):
    published = build_published(slug="welcome-valley", name="Welcome Valley")
    partnership, admin = published.partnership, published.admin
    area = DimensionFactory(partnership=partnership, name="Area", is_exhaustive=True)
    areas = [
        DimensionCategoryFactory(dimension=area, name=name, position=i)
        for i, name in enumerate(["Rhos", "Gwersyllt", "Caia"])
    ]
    mentors = MeasureFactory(
        partnership=partnership,
        code="BL-03",
        name="Mentors matched",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        breakdown_first=area,
        is_headline=True,
        outcome=None,
        priority=published.sessions.priority,
        baseline_value=D(2),
    )
    for q, cells in enumerate(MENTORS, start=1):
        period = services.period_get_or_create(
            partnership=partnership, quarter=Quarter(YEAR, q, 4)
        )
        recording.quarterly_value_record(
            partnership=partnership,
            measure=mentors,
            period=period,
            actor=admin.user,
            value=D(sum(cells)),
            breakdown={str(c.pk): n for c, n in zip(areas, cells, strict=True)},
        )
    # A year of two: its figure and its status are withheld.
    referrals = MeasureFactory(
        partnership=partnership,
        code="BL-04",
        name="Referrals to counselling",
        value_type=ValueType.COUNT,
        aggregation=Aggregation.SUM,
        outcome=None,
        priority=published.sessions.priority,
    )
    for q in (1, 2):
        recording.quarterly_value_record(
            partnership=partnership,
            measure=referrals,
            period=services.period_get_or_create(
                partnership=partnership, quarter=Quarter(YEAR, q, 4)
            ),
            actor=admin.user,
            value=D(1),
        )
    reports = {}
    for language in (ReportLanguage.ENGLISH, ReportLanguage.WELSH):
        report, _new = report_services.annual_report_request(
            partnership=partnership,
            membership=admin,
            year=YEAR,
            language=language,
            actor=admin.user,
        )
        report_services.annual_report_render(
            report_id=report.pk, partnership_id=partnership.pk
        )
        report.refresh_from_db()
        reports[language] = report
    with django_capture_on_commit_callbacks() as callbacks:
        publish(
            partnership,
            admin,
            [published.sessions, published.rate, mentors],
            report_ids=[r.pk for r in reports.values()],
        )
    # The render is queued on commit, for the worker.
    assert callbacks
    with tenancy.partnership_scope(partnership.pk):
        editions = list(PublishedReport.objects.filter(partnership=partnership))
    assert {e.status for e in editions} == {EditionStatus.QUEUED}
    for row in editions:
        published_report_render(
            published_report_id=row.pk, partnership_id=partnership.pk
        )
    return published, mentors, areas, reports


def public_pdf(client, report) -> bytes:
    address = reverse(
        "public:report_pdf", kwargs={"slug": "welcome-valley", "pk": report.pk}
    )
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response) if response.streaming else response.content


def members_pdf(report) -> bytes:
    with report_storage().open(report.file_name, "rb") as handle:
        return handle.read()


def test_the_public_edition_withholds_the_small_count_the_members_report_shows(
    client, edition
):
    _published, _mentors, _areas, reports = edition
    report = reports[ReportLanguage.ENGLISH]
    members = pdf_text(members_pdf(report))
    public = pdf_text(public_pdf(client, report))
    assert "Rhos 3" in members
    assert "Rhos 3" not in public
    assert "Rhos fewer than 5" in public
    assert "fewer than 5" not in members
    # The line saying what is withheld, with the threshold.
    assert "Counts below 5 are shown as “fewer than 5”" in public
    assert "Counts below 5" not in members
    # A year's figure withheld takes its status with it.
    assert "Referrals to counselling fewer than 5" in public
    assert "Not shown" in public
    assert "Not shown" not in members


def test_nothing_the_public_edition_shows_lets_a_reader_recover_a_cell(client, edition):
    published, mentors, areas, reports = edition
    public = pdf_text(public_pdf(client, reports[ReportLanguage.ENGLISH]))
    with tenancy.partnership_scope(published.partnership.pk):
        values = {
            v.period.quarter: v
            for v in QuarterlyValue.objects.select_related("period").filter(
                measure=mentors, period__year=YEAR
            )
        }
        quarters, cells, totals, year = protected_year(mentors, values, areas, 5)
    # The PDF's breakdown is the protected table's year row, as the public
    # page has it.
    for area in areas:
        figure = totals[area.pk]
        text = {
            State.SHOWN: str(figure.value),
            State.SMALL: "fewer than 5",
            State.WITHHELD: "withheld",
        }[figure.state]
        assert f"{area.name} {text}" in public
    # And the adversary, given every sum a reader could rebuild, pins no
    # withheld cell.
    table = {quarter_total(q): int(values[q].value) for q in values}
    table |= {
        cell(c.pk, q): n
        for q, figures in enumerate(MENTORS, start=1)
        for c, n in zip(areas, figures, strict=True)
    }
    table |= {category_total(c.pk): totals[c.pk].value for c in areas}
    table[("year",)] = int(year.value)
    states = {quarter_total(q): quarters[q].state for q in quarters}
    states |= {cell(c, q): f.state for (c, q), f in cells.items()}
    states |= {category_total(c): f.state for c, f in totals.items()}
    states[("year",)] = year.state
    sums = [Sum(quarter_total(q), tuple(cell(c.pk, q) for c in areas)) for q in (1, 2)]
    sums += [
        Sum(category_total(c.pk), tuple(cell(c.pk, q) for q in (1, 2))) for c in areas
    ]
    sums += [
        Sum(("year",), (quarter_total(1), quarter_total(2))),
        Sum(("year",), tuple(category_total(c.pk) for c in areas)),
    ]
    table = {k: int(v) for k, v in table.items()}
    hidden = [k for k, s in states.items() if s != State.SHOWN]
    assert hidden
    for key, seen in possible_values(table, sums, states).items():
        assert len(seen) > 1, key
    # The small baseline (2) is withheld too.
    assert "Baseline" not in public.split("Mentors matched")[-1][:400]


def test_the_welsh_edition_is_protected_too(client, edition):
    _published, _mentors, _areas, reports = edition
    report = reports[ReportLanguage.WELSH]
    members = pdf_text(members_pdf(report))
    public = pdf_text(public_pdf(client, report))
    assert "Rhos 3" in members
    assert "Rhos llai na 5" in public
    assert "Rhos 3" not in public


def test_withdrawing_the_report_takes_the_public_edition_down(
    client, edition, django_capture_on_commit_callbacks
):
    published, _mentors, _areas, reports = edition
    report = reports[ReportLanguage.ENGLISH]
    with tenancy.partnership_scope(published.partnership.pk):
        row = PublishedReport.objects.get(report=report)
    name = row.file_name
    assert report_storage().exists(name)
    public_pdf(client, report)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.annual_report_withdraw(
            partnership=published.partnership,
            membership=published.admin,
            report_id=report.pk,
            actor=published.admin.user,
        )
    address = reverse(
        "public:report_pdf", kwargs={"slug": "welcome-valley", "pk": report.pk}
    )
    assert client.get(address).status_code == 404
    assert not report_storage().exists(name)
    assert not report_storage().exists(report.file_name)


def test_a_new_threshold_makes_the_edition_again(
    client, edition, django_capture_on_commit_callbacks
):
    published, mentors, _areas, reports = edition
    report = reports[ReportLanguage.ENGLISH]
    with django_capture_on_commit_callbacks():
        publish(
            published.partnership,
            published.admin,
            [published.sessions, mentors],
            threshold=10,
            report_ids=[report.pk],
        )
    with tenancy.partnership_scope(published.partnership.pk):
        row = PublishedReport.objects.get(report=report)
        assert row.threshold == 10
        assert (
            PublishedReport.objects.filter(partnership=published.partnership).count()
            == 1
        )
    # Until the worker has made it, the report is not listed (nor served).
    address = reverse(
        "public:report_pdf", kwargs={"slug": "welcome-valley", "pk": report.pk}
    )
    assert row.status == EditionStatus.QUEUED
    assert client.get(address).status_code == 404
    published_report_render(
        published_report_id=row.pk, partnership_id=published.partnership.pk
    )
    public = pdf_text(public_pdf(client, report))
    assert "Counts below 10" in public
    assert "fewer than 10" in public


def test_the_public_pdf_is_the_same_for_every_visitor_and_kept_by_shared_caches(
    client, edition
):
    published, _mentors, _areas, reports = edition
    member = client.__class__()
    member.force_login(published.admin.user)
    for report in reports.values():
        address = f"/public/welcome-valley/reports/{report.pk}.pdf"
        for prefix in ("", "/cy"):
            anonymous = client.get(prefix + address)
            signed_in = member.get(prefix + address)
            for response in (anonymous, signed_in):
                assert response.status_code == 200
                vary = response.get("Vary", "").lower()
                assert "cookie" not in vary and "accept-language" not in vary
                assert not response.cookies
                assert "public" in response["Cache-Control"]
            assert signed_in.content == anonymous.content


def test_the_api_shows_each_public_editions_progress(client, edition):
    published, mentors, _areas, reports = edition
    client.force_login(published.admin.user)
    document = client.get(
        reverse("api:publication", kwargs={"slug": "welcome-valley"})
    ).json()
    editions = {e["report"]: e for e in document["public_editions"]}
    assert set(editions) == {r.pk for r in reports.values()}
    for report in reports.values():
        assert editions[report.pk]["status"] == "ready"
        assert editions[report.pk]["threshold"] == 5
        assert editions[report.pk]["url"] == (
            f"/public/welcome-valley/reports/{report.pk}.pdf"
        )
    assert mentors.pk in document["measures_withheld"]
