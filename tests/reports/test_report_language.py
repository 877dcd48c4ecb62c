"""The annual report in English, in Welsh, or bilingual; failures as codes."""

import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from partnerships.models import Membership
from reports import services
from reports.annual import annual_report_document, render_pdf
from reports.models import AnnualReport, ReportLanguage, ReportStatus
from tests.api import bearer, post_json

from .framework import YEAR, build_framework, change_a_figure

pytestmark = pytest.mark.django_db

WELSH_HEADINGS = (
    "Adroddiad blynyddol",
    "Blwyddyn adrodd 2024/25",
    "Cynnwys",
    "Ein cenhadaeth a'r flwyddyn yn gryno",
    "Sut i ddarllen yr adroddiad hwn",
    "Atodiad: mesurau perfformiad yn erbyn targedau blynyddol",
)
ENGLISH_HEADINGS = (
    "Reporting year 2024/25",
    "Our mission and the year at a glance",
    "How to read this report",
    "Appendix: performance measures against annual targets",
)


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def request(partnership, user, language, year=YEAR):
    membership = Membership.objects.filter(partnership=partnership, user=user).first()
    return services.annual_report_request(
        partnership=partnership,
        membership=membership,
        year=year,
        language=language,
        actor=user,
    )


def test_the_welsh_report_is_in_welsh_and_marked_cy():
    partnership, _admin, expected = build_framework()
    document = annual_report_document(
        partnership=partnership, year=YEAR, language=ReportLanguage.WELSH
    )
    assert '<html lang="cy">' in document.html
    pdf = render_pdf(document.html)
    reader, pages = pdf_text(pdf.content)
    text = " ".join(pages)

    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert reader.metadata.title == (
        "Bro Dyfrdwy Partnership: adroddiad blynyddol 2024/25"
    )
    for heading in WELSH_HEADINGS:
        assert heading in text, heading
    for heading in ENGLISH_HEADINGS:
        assert heading not in text, heading
    # Dates in Welsh, pages numbered in Welsh.
    assert "1 Medi 2024 – 31 Awst 2025" in text
    assert re.search(r"Tudalen 2 o \d+", pages[1])
    # The partnership's own texts: the English where no Welsh is held.
    assert "Every young person in the valley thrives by 2030" in text
    for measure in expected:
        assert measure.name in text


def test_the_bilingual_report_puts_welsh_first_and_each_part_in_its_language():
    partnership, _admin, _expected = build_framework()
    document = annual_report_document(
        partnership=partnership, year=YEAR, language=ReportLanguage.BILINGUAL
    )
    html = document.html
    assert '<html lang="cy">' in html
    assert html.index('class="report-part" lang="cy"') < html.index(
        'class="report-part" lang="en-gb"'
    )
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "the two parts share an id"

    pdf = render_pdf(html)
    reader, pages = pdf_text(pdf.content)
    english_cover = next(
        number
        for number, page in enumerate(pages)
        if "ANNUAL REPORT" in page.upper() and "Reporting year 2024/25" in page
    )
    welsh, english = " ".join(pages[:english_cover]), " ".join(pages[english_cover:])
    assert english_cover >= len(pages) // 2 - 1
    for heading in WELSH_HEADINGS:
        assert heading in welsh, heading
    for heading in ENGLISH_HEADINGS:
        assert heading in english, heading
        assert heading not in welsh, heading
    # Each cover leads to the other language's part, with its page number.
    assert f"This report in English ({english_cover + 1})" in pages[0]
    assert "Yr adroddiad hwn yn Gymraeg (1)" in pages[english_cover]
    # Each part's pages are headed and numbered in its own language.
    assert "Adroddiad blynyddol 2024/25" in pages[1]
    assert re.search(r"Tudalen 2 o \d+", pages[1])
    assert "Annual report 2024/25" in pages[english_cover + 1]
    assert re.search(rf"Page {english_cover + 2} of \d+", pages[english_cover + 1])
    assert reader.metadata.title == (
        "Bro Dyfrdwy Partnership: adroddiad blynyddol 2024/25 / "
        "Bro Dyfrdwy Partnership: annual report 2024/25"
    )


def test_the_language_is_part_of_the_digest():
    partnership, _admin, _expected = build_framework()
    versions = {
        language: annual_report_document(
            partnership=partnership, year=YEAR, language=language
        ).data_version
        for language in ReportLanguage.values
    }
    assert len(set(versions.values())) == 3
    # The same language and data: the same digest, whatever the page's language.
    with translation.override("cy"):
        again = annual_report_document(
            partnership=partnership, year=YEAR, language=ReportLanguage.ENGLISH
        )
    assert again.data_version == versions[ReportLanguage.ENGLISH]


def test_an_english_and_a_welsh_report_of_one_year_coexist_and_each_is_reused():
    partnership, admin, _expected = build_framework()
    english, created_en = request(partnership, admin, ReportLanguage.ENGLISH)
    welsh, created_cy = request(partnership, admin, ReportLanguage.WELSH)
    bilingual, created_both = request(partnership, admin, ReportLanguage.BILINGUAL)
    assert created_en and created_cy and created_both
    assert len({english.pk, welsh.pk, bilingual.pk}) == 3
    assert (welsh.language, welsh.year) == ("cy", YEAR)

    assert request(partnership, admin, ReportLanguage.WELSH) == (welsh, False)
    assert request(partnership, admin, ReportLanguage.ENGLISH) == (english, False)

    change_a_figure(partnership, admin)
    newer, created = request(partnership, admin, ReportLanguage.WELSH)
    assert created and newer.pk != welsh.pk
    assert AnnualReport.objects.filter(language="cy").count() == 2
    assert AnnualReport.objects.filter(language="en-gb").count() == 1


def test_render_in_the_worker_keeps_the_reports_language(report_storage):
    partnership, admin, _expected = build_framework()
    welsh, _created = request(partnership, admin, ReportLanguage.WELSH)
    # Whatever language the worker happens to be in.
    with translation.override("en-gb"):
        services.annual_report_render(report_id=welsh.pk, partnership_id=partnership.pk)
    welsh.refresh_from_db()
    assert welsh.status == ReportStatus.READY, welsh.failure_message
    _reader, pages = pdf_text((report_storage / welsh.file_name).read_bytes())
    assert "Blwyddyn adrodd 2024/25" in pages[0]
    assert welsh.download_name == "bro-dyfrdwy-annual-report-2024-25-cy.pdf"


def test_an_unknown_language_is_refused():
    partnership, admin, _expected = build_framework()
    with pytest.raises(Exception) as refused:
        request(partnership, admin, "fr")
    assert refused.value.message_dict == {
        "language": ["Choose English, Welsh or bilingual."]
    }
    assert not AnnualReport.objects.exists()


def failed_report(partnership, **fields):
    return AnnualReport.objects.create(
        partnership=partnership,
        year=YEAR,
        year_label="2024/25",
        status=ReportStatus.FAILED,
        **{"data_version": "v", **fields},
    )


def test_a_failure_is_stored_as_a_code_and_read_in_the_readers_language():
    partnership, _admin, _expected = build_framework()
    report = failed_report(
        partnership, failure_code="timeout", failure_params={"seconds": 60}
    )
    assert report.failure_message == (
        "The render took longer than 60 seconds and was stopped."
    )
    with translation.override("cy"):
        assert report.failure_message == (
            "Cymerodd creu'r adroddiad fwy na 60 eiliad a chafodd ei stopio."
        )
    # A row failed before codes keeps its text.
    old = failed_report(
        partnership, failure_reason="The PDF could not be stored.", data_version="w"
    )
    with translation.override("cy"):
        assert old.failure_message == "The PDF could not be stored."


def test_the_page_offers_the_three_languages_and_shows_failures_in_welsh(client):
    partnership, admin, _expected = build_framework()
    failed_report(partnership, failure_code="lost")
    client.force_login(admin)
    # The Welsh page's address (/cy/... once Welsh pages have their own), and
    # Accept-Language for a branch where they do not yet.
    with translation.override("cy"):
        url = reverse("reports:reports", args=[partnership.slug])
    page = html.unescape(
        client.get(url, headers={"accept-language": "cy"}).content.decode()
    )
    assert "Iaith yr adroddiad" in page
    for label in ("Saesneg", "Cymraeg", "Dwyieithog (Cymraeg a Saesneg)"):
        assert label in page
    # Offered first in the language the page is read in.
    assert re.search(r'value="cy"[^>]*checked', page)
    assert "Collwyd y gwaith o greu'r adroddiad" in page

    response = client.post(
        url, {"year": YEAR, "language": "bilingual"}, headers={"accept-language": "cy"}
    )
    assert response.status_code == 302
    assert AnnualReport.objects.filter(language="bilingual").count() == 1
    refused = client.post(
        url, {"year": YEAR, "language": "fr"}, headers={"accept-language": "cy"}
    )
    assert refused.status_code == 400
    assert "Dewiswch Saesneg, Cymraeg neu ddwyieithog." in html.unescape(
        refused.content.decode()
    )
    assert AnnualReport.objects.filter(language="fr").count() == 0


def test_the_api_takes_the_language_and_answers_in_the_requests_language(client):
    partnership, admin, _expected = build_framework()
    url = reverse("api:report_list", args=[partnership.slug])
    welsh = {**bearer(admin), "accept-language": "cy"}

    created = post_json(client, url, {"year": YEAR, "language": "bilingual"}, welsh)
    assert created.status_code == 201
    assert created.json()["language"] == "bilingual"
    # Left out, the language is the request's.
    default = post_json(client, url, {"year": YEAR}, welsh)
    assert (default.status_code, default.json()["language"]) == (201, "cy")

    no_quarters = post_json(client, url, {"year": 2010}, welsh)
    assert no_quarters.status_code == 400
    assert no_quarters.json() == {
        "detail": "Mae gwallau yn y cais: gweler “errors”.",
        "errors": {
            "year": [
                "Dewiswch flwyddyn adrodd sydd â ffigurau: ni fyddai blwyddyn heb "
                "yr un ffigur yn adrodd dim ond “Dim data eto”."
            ]
        },
    }
    english = post_json(client, url, {"year": 2010}, bearer(admin))
    assert english.json() == {
        "detail": "The request has errors: see “errors”.",
        "errors": {
            "year": [
                "Choose a reporting year that has figures: a year without any "
                "would report nothing but “No data yet”."
            ]
        },
    }
    unknown = post_json(client, url, {"year": YEAR, "language": "fr"}, welsh)
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"language": ['Nid yw "fr" yn ddewis dilys.']}
    not_a_number = post_json(client, url, {"year": "nine"}, welsh)
    assert not_a_number.json()["errors"] == {"year": ["Mae angen cyfanrif dilys."]}

    failed = failed_report(
        partnership,
        failure_code="render_error",
        failure_params={"error": "ValueError"},
        data_version="x",
    )
    detail = client.get(
        reverse("api:report_detail", args=[partnership.slug, failed.pk]),
        headers=welsh,
    ).json()
    assert detail["failure_code"] == "render_error"
    assert detail["failure_reason"] == "Nid oedd modd creu'r adroddiad (ValueError)."
