"""The framework in and out of a spreadsheet: the template, the round trip, bad rows."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.examples import community_cohesion_example
from exchange.framework import framework_file, framework_sheets
from exchange.models import ImportStatus
from exchange.spreadsheets import SheetSpec, read_upload, xlsx_bytes
from kpis.models import PerformanceMeasure, ValueType
from outcomes.models import Mission, Outcome, Priority
from partnerships.models import Role
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    OutcomeFactory,
    PartnershipFactory,
    PriorityFactory,
    UserFactory,
)

from .helpers import checked_job, confirmed, messages_of

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import"


def xlsx_upload(content: bytes, name="framework.xlsx"):
    return SimpleUploadedFile(name, content)


def admin_of(partnership):
    user = UserFactory()
    MembershipFactory(partnership=partnership, user=user, role=Role.ADMIN)
    return user


def import_framework(partnership, admin, content, name="framework.xlsx"):
    job = checked_job(partnership, admin, xlsx_upload(content, name), kind="framework")
    return job


def sheet_values(content: bytes) -> dict:
    book = read_upload(content, filename="x.xlsx")
    return {s.name: (s.headers, [cells for _n, cells in s.rows]) for s in book.sheets}


def test_seed_001s_action_plan_imports_into_a_new_partnership(
    django_capture_on_commit_callbacks,
):
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    content = (DOCS / "community-cohesion-framework.xlsx").read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(partnership, admin, content)
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    assert Mission.objects.get(partnership=partnership).target_year == 2014
    outcomes = Outcome.objects.filter(partnership=partnership)
    assert outcomes.count() == 6
    measures = PerformanceMeasure.objects.filter(partnership=partnership)
    example = community_cohesion_example()[3].rows
    assert measures.count() == len(example) > 40
    kpi = measures.filter(is_headline=True).first()
    assert kpi is not None and kpi.outcome is not None
    assert measures.filter(value_type=ValueType.NUMBER_AND_PERCENTAGE).exists()


def test_the_shipped_template_and_example_are_what_the_code_makes():
    assert sheet_values((DOCS / "framework-template.xlsx").read_bytes()) == (
        sheet_values(framework_file(partnership=None))
    )
    assert sheet_values((DOCS / "community-cohesion-framework.xlsx").read_bytes()) == (
        sheet_values(xlsx_bytes(community_cohesion_example()))
        | {"Guide": sheet_values(framework_file(partnership=None))["Guide"]}
    )


def build_framework(partnership):
    MissionFactory(partnership=partnership, description="=cmd|' /C calc'!A0")
    outcome = OutcomeFactory(partnership=partnership, what_it_looks_like="-looks good")
    OutcomeFactory(partnership=partnership, priority=None, statement="No priority")
    from tests.factories import MeasureFactory

    MeasureFactory(partnership=partnership, outcome=outcome, code="A1", unit="@people")
    MeasureFactory(
        partnership=partnership,
        outcome=outcome,
        code="A2",
        value_type=ValueType.PERCENTAGE,
        aggregation="ratio",
        annual_target="12.50",
        baseline_value="3.25",
        is_headline=False,
        direction="down",
    )
    MeasureFactory(partnership=partnership, outcome=None, priority=None, code="Z9")


def test_an_exported_framework_imports_back_unchanged(
    django_capture_on_commit_callbacks,
):
    source = PartnershipFactory()
    build_framework(source)
    admin = admin_of(source)
    exported = framework_file(partnership=source)

    # Into the same partnership: nothing to change.
    job = import_framework(source, admin, exported)
    assert job.status == ImportStatus.REJECTED
    assert job.preview["counts"]["create"] == job.preview["counts"]["update"] == 0
    assert "already stored" in job.failure_message

    # Into a new partnership, whose export is then the same file.
    target = PartnershipFactory()
    target_admin = admin_of(target)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(target, target_admin, exported)
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, target_admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    assert sheet_values(framework_file(partnership=target)) == sheet_values(exported)
    rate = PerformanceMeasure.objects.get(partnership=target, code="A2")
    assert (rate.annual_target, rate.baseline_value, rate.direction) == (
        12.5,
        3.25,
        "down",
    )
    assert Mission.objects.get(partnership=target).description.startswith("=cmd")


def test_the_export_neutralises_formulas_but_keeps_numbers():
    import io

    from openpyxl import load_workbook

    partnership = PartnershipFactory()
    build_framework(partnership)
    book = load_workbook(io.BytesIO(framework_file(partnership=partnership)))
    assert book["Mission"]["C2"].value == "'=cmd|' /C calc'!A0"
    assert book["Mission"]["C2"].data_type == "s"
    assert book["Outcomes"]["D2"].value == "'-looks good"
    measures = {row[0].value: row for row in book["Measures"].iter_rows(min_row=2)}
    assert measures["A1"][4].value == "'@people"
    assert measures["A2"][7].value == 12.5 and measures["A2"][7].data_type == "n"


def measures_sheet(rows):
    from exchange.framework import MEASURES

    return xlsx_bytes([SheetSpec("Measures", [c.header for c in MEASURES], rows)])


ROW = [
    "M1",
    "Events held",
    "How much did we do?",
    "Count",
    "",
    "",
    "",
    4,
    "",
    "",
    "",
    "yes",
    "",
    "",
]


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({3: "Lots"}, "Kind of value", "“Lots” is not one of: Count;"),
        ({6: "Ratio of sums"}, "Aggregation", "does not suit a count"),
        ({7: "four"}, "Annual target", "“four” is not a number."),
        ({9: "Unknown"}, "Priority", "No priority is called “Unknown”"),
        ({10: "Some outcome"}, "Outcome", "No outcome reads “Some outcome”"),
        ({0: ""}, "Code", "This cell is empty"),
        ({11: "maybe"}, "Headline", "Write yes or no."),
    ],
)
def test_bad_measure_rows_are_placed_by_row_and_column(change, column, expected):
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    row = list(ROW)
    for index, value in change.items():
        row[index] = value
    job = import_framework(partnership, admin, measures_sheet([row]))
    assert job.status == ImportStatus.REJECTED
    problem = job.problems[0]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Measures",
        2,
        column,
    )
    assert expected in problem["message"], problem["message"]
    assert not PerformanceMeasure.objects.filter(partnership=partnership).exists()


def test_duplicate_codes_and_wrong_headers_are_refused():
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    job = import_framework(partnership, admin, measures_sheet([ROW, ROW]))
    assert "The code M1 is also on row 2." in messages_of(job)
    wrong = xlsx_bytes([SheetSpec("Measures", ["Code", "Title"], [["M1", "x"]])])
    job = import_framework(partnership, admin, wrong)
    messages = messages_of(job)
    assert any("Unknown column “Title”" in m for m in messages)
    assert "The column “Name” is missing." in messages


def test_a_kind_cannot_change_once_figures_use_it():
    from tests.factories import QuarterlyValueFactory

    value = QuarterlyValueFactory(measure__code="M1")
    partnership = value.partnership
    admin = admin_of(partnership)
    row = list(ROW)
    row[3] = "Score or average"
    row[6] = "Mean of the quarters"
    job = import_framework(partnership, admin, measures_sheet([row]))
    assert "already has figures as a count" in messages_of(job)[0]


def test_a_csv_of_measures_creates_the_priorities_and_outcomes_it_names(
    django_capture_on_commit_callbacks,
):
    from exchange.framework import MEASURES
    from exchange.spreadsheets import csv_bytes

    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    row = list(ROW)
    row[9], row[10] = "Keeping well", "People keep well"
    content = csv_bytes([c.header for c in MEASURES], [row])
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(partnership, admin, content, name="measures.csv")
        assert job.status == ImportStatus.READY, messages_of(job)
        confirmed(job, admin)
    measure = PerformanceMeasure.objects.get(partnership=partnership, code="M1")
    assert measure.priority == Priority.objects.get(name="Keeping well")
    assert measure.outcome.statement == "People keep well"


def test_only_admins_import_frameworks():
    from django.core.exceptions import PermissionDenied

    partnership = PartnershipFactory()
    lead = UserFactory()
    MembershipFactory(partnership=partnership, user=lead, role=Role.LEAD)
    with pytest.raises(PermissionDenied):
        import_framework(partnership, lead, measures_sheet([ROW]))


def test_framework_sheets_never_show_another_partnerships_rows():
    mine, theirs = PartnershipFactory(), PartnershipFactory()
    build_framework(theirs)
    sheets = framework_sheets(partnership=mine)
    assert all(list(s.rows) == [] for s in sheets)


def test_a_measure_under_another_priority_s_outcome_is_a_row_error():
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    outcome = OutcomeFactory(partnership=partnership, statement="People keep well")
    other = PriorityFactory(partnership=partnership, name="Learning")
    row = list(ROW)
    row[9], row[10] = other.name, outcome.statement
    job = import_framework(partnership, admin, measures_sheet([row]))
    assert job.status == ImportStatus.REJECTED
    [problem] = job.problems
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Measures",
        2,
        "Priority",
    )
    assert problem["message"] == (
        f"The outcome “People keep well” is under the priority "
        f"“{outcome.priority.name}”, not “Learning”: give that priority, or "
        "leave Priority empty."
    )
    assert not PerformanceMeasure.objects.filter(partnership=partnership).exists()


def test_targets_by_year_go_out_and_come_back_in_the_workbook(
    django_capture_on_commit_callbacks,
):
    from kpis.models import MeasureTarget

    source = PartnershipFactory()
    build_framework(source)
    a1 = PerformanceMeasure.objects.get(partnership=source, code="A1")
    for year, target in ((2026, 50), (2027, 60)):
        MeasureTarget.objects.create(
            partnership=source, measure=a1, year=year, target=target
        )
    exported = framework_file(partnership=source)
    assert sheet_values(exported)["Targets"] == (
        ["Code", "Reporting year", "Target"],
        [["A1", "2026/27", 50], ["A1", "2027/28", 60]],
    )
    target = PartnershipFactory()
    target_admin = admin_of(target)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_framework(target, target_admin, exported)
        assert job.status == ImportStatus.READY, messages_of(job)
        job = confirmed(job, target_admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    assert dict(
        MeasureTarget.objects.filter(
            partnership=target, measure__code="A1"
        ).values_list("year", "target")
    ) == {2026: 50, 2027: 60}


def test_a_bad_targets_row_is_named_by_sheet_row_and_column():
    partnership = PartnershipFactory()
    admin = admin_of(partnership)
    sheets = framework_sheets(partnership=partnership)
    content = xlsx_bytes(
        [
            *[s for s in sheets if s.name != "Targets"],
            SheetSpec(
                "Targets",
                ["Code", "Reporting year", "Target"],
                [["NOPE", "2026", 5], ["", "soon", -1]],
                (12, 16, 12),
            ),
        ]
    )
    job = import_framework(partnership, admin, content)
    assert job.status == ImportStatus.REJECTED
    text = " ".join(messages_of(job))
    assert "No measure has the code NOPE" in text
    assert "like 2026" in text
