"""report.css parsed once a worker thread and given to every render; a worker's
pool child removes the fonts WeasyPrint wrote for it when it leaves."""

import re
import signal
import threading
from pathlib import Path

import pytest

from partnerships import tenancy
from partnerships.models import Membership
from reports import annual, services
from reports.annual import annual_report_document, render_pdf
from reports.models import ReportLanguage, ReportStatus
from tests.workers import start_worker, stop, wait_for

from .framework import YEAR, build_framework
from .test_report_language import pdf_text

pytestmark = pytest.mark.django_db


def document(language, partnership=None):
    if partnership is None:
        partnership, _admin, _expected = build_framework()
    return annual_report_document(partnership=partnership, year=YEAR, language=language)


def test_the_parsed_stylesheet_lays_the_report_out_as_the_linked_file_does(
    monkeypatch,
):
    html = document(ReportLanguage.ENGLISH).html
    cached = pdf_text(render_pdf(html).content)[1]

    # Another path for the parsed copy: the renderer reads the linked file.
    monkeypatch.setattr(annual, "REPORT_CSS", Path("/no/such/report.css"))
    linked = pdf_text(render_pdf(html).content)[1]

    assert cached == linked
    # The stylesheet applies at all: its running header and page numbers.
    assert "Annual report 2024/25" in cached[1]
    assert re.search(rf"Page 2 of {len(cached)}$", cached[1])


def test_one_parsed_stylesheet_serves_english_and_welsh_in_turn():
    partnership, _admin, _expected = build_framework()
    english = document(ReportLanguage.ENGLISH, partnership).html
    welsh = document(ReportLanguage.WELSH, partnership).html

    first = pdf_text(render_pdf(english).content)
    sheet = annual._report_stylesheet()
    in_welsh = pdf_text(render_pdf(welsh).content)
    again = pdf_text(render_pdf(english).content)

    assert annual._report_stylesheet() == sheet, "parsed again"
    assert in_welsh[0].trailer["/Root"]["/Lang"] == "cy"
    assert "Adroddiad blynyddol 2024/25" in in_welsh[1][1]
    assert re.search(r"Tudalen 2 o \d+$", in_welsh[1][1])
    assert "Cynnwys" in in_welsh[1][1]
    assert again[0].trailer["/Root"]["/Lang"] == "en-gb"
    assert again[1] == first[1]


def test_each_thread_parses_its_own_stylesheet_and_fonts():
    here = annual._report_stylesheet()
    there = []
    thread = threading.Thread(target=lambda: there.append(annual._report_stylesheet()))
    thread.start()
    thread.join()

    assert there[0][0] is not here[0]
    assert there[0][1] is not here[1]


def test_a_document_without_the_report_stylesheet_gets_none_of_it():
    html = '<html lang="en"><body><p class="cover__kicker">Plain</p></body></html>'

    assert annual._render_options(html) == {}
    assert pdf_text(render_pdf(html).content)[1] == ["Plain"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_child_leaves_no_font_folder_behind(tmp_path, report_storage):
    with tenancy.platform_scope():
        partnership, admin, _expected = build_framework()
        membership = Membership.objects.get(partnership=partnership, user=admin)
    with tenancy.scope(partnership_id=partnership.pk, user_id=admin.pk):
        report, _created = services.annual_report_request(
            partnership=partnership,
            membership=membership,
            year=YEAR,
            language=ReportLanguage.ENGLISH,
            actor=admin,
        )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    worker, log = start_worker("fonts", tmp_path, env={"TMPDIR": str(scratch)})
    try:

        def rendered():
            with tenancy.partnership_scope(partnership.pk):
                report.refresh_from_db()
            return report.status in (ReportStatus.READY, ReportStatus.FAILED)

        wait_for(rendered, timeout=120, what="the worker to render", logs=[log])
        assert report.status == ReportStatus.READY, report.failure_message
        # The child holds the parsed stylesheet's fonts while it lives.
        assert list(scratch.glob("weasyprint-*"))
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: the child exits
        worker.wait(timeout=60)
    finally:
        stop(worker)

    assert not list(scratch.glob("weasyprint-*")), log.read_text()[-3000:]
