"""A real Celery worker renders the report in English, in Welsh and bilingual.

The three are requested through the service (queued on commit into the real
Redis); one worker process, started in English, renders each in its own
language. Asking again for each returns its own report, not another
language's.
"""

import io

import pytest
from pypdf import PdfReader

from partnerships import tenancy
from partnerships.models import Membership
from reports import services
from reports.models import AnnualReport, ReportLanguage, ReportStatus
from tests.workers import start_worker, stop, wait_for

from .framework import YEAR, build_framework

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_pages(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_a_worker_renders_each_language_and_each_is_reused_only_for_its_own(
    tmp_path, report_storage
):
    with tenancy.platform_scope():
        partnership, admin, _expected = build_framework()
        membership = Membership.objects.get(partnership=partnership, user=admin)

    def request(language):
        with tenancy.scope(partnership_id=partnership.pk, user_id=admin.pk):
            return services.annual_report_request(
                partnership=partnership,
                membership=membership,
                year=YEAR,
                language=language,
                actor=admin,
            )

    reports = {}
    for language in ReportLanguage.values:
        reports[language], created = request(language)
        assert created
    worker, log = start_worker("languages", tmp_path)
    try:

        def finished():
            with tenancy.partnership_scope(partnership.pk):
                states = list(AnnualReport.objects.all())
            done = [r for r in states if r.status in ("ready", "failed")]
            return states if len(done) == len(states) else None

        states = wait_for(
            finished, timeout=120, what="the worker to render all three", logs=[log]
        )
    finally:
        stop(worker)
    by_language = {report.language: report for report in states}
    assert set(by_language) == set(ReportLanguage.values)
    for report in states:
        assert report.status == ReportStatus.READY, report.failure_message

    pdfs = {
        language: pdf_pages((report_storage / report.file_name).read_bytes())
        for language, report in by_language.items()
    }
    english_reader, english = pdfs["en-gb"]
    welsh_reader, welsh = pdfs["cy"]
    bilingual_reader, bilingual = pdfs["bilingual"]
    assert english_reader.trailer["/Root"]["/Lang"] == "en-gb"
    assert welsh_reader.trailer["/Root"]["/Lang"] == "cy"
    assert bilingual_reader.trailer["/Root"]["/Lang"] == "cy"

    assert "Reporting year 2024/25" in english[0]
    assert "Our mission and the year at a glance" in " ".join(english)
    assert "Blwyddyn adrodd 2024/25" in welsh[0]
    welsh_text = " ".join(welsh)
    for heading in (
        "Cynnwys",
        "Ein cenhadaeth a'r flwyddyn yn gryno",
        "Atodiad: mesurau perfformiad yn erbyn targedau blynyddol",
    ):
        assert heading in welsh_text
    assert "Our mission and the year at a glance" not in welsh_text
    # Bilingual: the Welsh part first, then the whole English part.
    assert "Blwyddyn adrodd 2024/25" in bilingual[0]
    english_cover = next(
        n for n, page in enumerate(bilingual) if "Reporting year 2024/25" in page
    )
    assert english_cover == len(welsh)
    assert len(bilingual) == len(welsh) + len(english)

    # Each language's report is reused for that language only.
    for language, report in by_language.items():
        again, created = request(language)
        assert (again.pk, created) == (report.pk, False)
    assert len({r.data_version for r in states}) == 3
