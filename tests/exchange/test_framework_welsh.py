"""The framework workbook's Welsh columns: written on export, read on import."""

import pytest

from demo.examples import community_cohesion_example
from exchange.framework import MEASURES, framework_file
from exchange.models import ImportStatus
from exchange.spreadsheets import SheetSpec, xlsx_bytes
from kpis.models import PerformanceMeasure
from outcomes.models import Mission, Outcome, Priority
from tests.factories import (
    MeasureFactory,
    MissionFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
)

from .helpers import confirmed, messages_of
from .test_framework import admin_of, import_framework, sheet_values

pytestmark = pytest.mark.django_db


def test_each_text_has_its_welsh_column_beside_the_english_ones():
    headers = sheet_values(framework_file(partnership=None))
    # The Welsh texts' columns sit together, before "Counts people" (added
    # last so that older workbooks' columns keep their places).
    assert headers["Measures"][0][-5:] == [
        "Name (Cymraeg)",
        "Unit (Cymraeg)",
        "Definition (Cymraeg)",
        "Data source (Cymraeg)",
        "Counts people",
    ]
    assert headers["Priorities"][0][-2:] == [
        "Priority (Cymraeg)",
        "Mission statement (Cymraeg)",
    ]
    assert headers["Outcomes"][0][-2:] == [
        "Outcome (Cymraeg)",
        "What this will look like (Cymraeg)",
    ]
    assert headers["Mission"][0][-2:] == ["Mission (Cymraeg)", "Description (Cymraeg)"]


def test_welsh_texts_export_and_import_back_into_another_partnership(
    django_capture_on_commit_callbacks,
):
    source = PartnershipFactory()
    MissionFactory(partnership=source, statement="End inequality", statement_cy="Dim")
    priority = PriorityFactory(
        partnership=source, name="Keeping well", name_cy="Cadw'n iach"
    )
    outcome = OutcomeFactory(
        partnership=source, priority=priority, statement="People stay well"
    )
    outcome.statement_cy = "Mae pobl yn cadw'n iach"
    outcome.save()
    MeasureFactory(
        partnership=source,
        outcome=outcome,
        code="A1",
        name="Events",
        name_cy="Digwyddiadau",
        unit="events",
        unit_cy="digwyddiadau",
    )
    exported = framework_file(partnership=source)
    headers, rows = sheet_values(exported)["Measures"]
    welsh_at = headers.index("Name (Cymraeg)")
    assert rows[0][welsh_at : welsh_at + 2] == ["Digwyddiadau", "digwyddiadau"]

    target = PartnershipFactory()
    admin = admin_of(target)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(target, admin, exported)
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    measure = PerformanceMeasure.objects.get(partnership=target, code="A1")
    assert (measure.name_en, measure.name_cy, measure.unit_cy) == (
        "Events",
        "Digwyddiadau",
        "digwyddiadau",
    )
    assert measure.definition_cy is None  # an empty Welsh cell is no Welsh
    assert Priority.objects.get(partnership=target).name_cy == "Cadw'n iach"
    assert Outcome.objects.get(partnership=target).statement_cy == (
        "Mae pobl yn cadw'n iach"
    )
    assert Mission.objects.get(partnership=target).statement_cy == "Dim"
    assert sheet_values(framework_file(partnership=target)) == sheet_values(exported)


def test_a_sheet_without_welsh_columns_leaves_the_welsh_alone(
    django_capture_on_commit_callbacks,
):
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    MeasureFactory(
        partnership=partnership,
        code="M1",
        name="Events held",
        name_cy="Digwyddiadau",
        outcome=None,
        priority=None,
    )
    english_only = [c.header for c in MEASURES if not c.key.endswith("_cy")]
    row = ["M1", "Events now", "How much did we do?", "Count"] + [""] * (
        len(english_only) - 4
    )
    content = xlsx_bytes([SheetSpec("Measures", english_only, [row])])
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(partnership, admin, content)
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, admin)
    measure = PerformanceMeasure.objects.get(partnership=partnership, code="M1")
    assert (measure.name_en, measure.name_cy) == ("Events now", "Digwyddiadau")


def test_a_too_long_welsh_name_is_a_problem_in_its_cell():
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    headers = [c.header for c in MEASURES]
    row = ["M1", "Events", "How much did we do?", "Count"] + [""] * (len(headers) - 4)
    row[headers.index("Unit (Cymraeg)")] = "x" * 61
    job = import_framework(
        partnership, admin, xlsx_bytes([SheetSpec("Measures", headers, [row])])
    )
    assert job.status == ImportStatus.REJECTED
    assert any("60 characters" in m for m in messages_of(job))
    assert not PerformanceMeasure.objects.filter(partnership=partnership).exists()


def test_the_demo_example_carries_its_draft_welsh():
    measures = community_cohesion_example()[3]
    at = measures.headers.index("Name (Cymraeg)")
    welsh_names = [row[at] for row in measures.rows]
    assert "Nifer y cyfleoedd i bobl ddod at ei gilydd" in welsh_names
