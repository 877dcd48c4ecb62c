"""The framework workbook's Actions sheet: the action plan out and back in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from delivery.models import Action, ActionStatus
from exchange.action_sheet import ACTIONS
from exchange.framework import framework_file, framework_sheets
from exchange.models import ImportStatus
from exchange.parsing import headers
from exchange.spreadsheets import SheetSpec, read_upload, xlsx_bytes
from partnerships.models import Role
from tests.delivery.helpers import Q1, Q2, make_plan, member, write_update
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)

from .helpers import checked_job, confirmed, messages_of

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in ACTIONS]


def sheets_of(content: bytes) -> dict:
    book = read_upload(content, filename="x.xlsx")
    return {s.name: (s.headers, [cells for _n, cells in s.rows]) for s in book.sheets}


def upload(content, name="framework.xlsx"):
    return SimpleUploadedFile(name, content)


def imported(partnership, admin, content, capture):
    with capture(execute=False):
        job = checked_job(partnership, admin, upload(content), kind="framework")
        if job.status != ImportStatus.READY:
            return job
        return confirmed(job, admin)


def actions_sheet(rows, *, header=None):
    return xlsx_bytes([SheetSpec("Actions", header or headers(ACTIONS), rows)])


def row(**cells):
    return [cells.get(key, "") for key in KEYS]


@pytest.fixture
def plan():
    plan = make_plan()
    plan.measure = MeasureFactory(partnership=plan.partnership, code="EN1")
    plan.action.measures.add(
        plan.measure, through_defaults={"partnership": plan.partnership}
    )
    write_update(plan)
    return plan


def test_the_export_holds_each_action_and_its_latest_update(plan):
    sheet = {s.name: s for s in framework_sheets(partnership=plan.partnership)}[
        "Actions"
    ]
    assert sheet.headers == headers(ACTIONS)
    (cells,) = sheet.rows
    got = dict(zip(KEYS, cells, strict=True))
    assert got["name"] == "Develop a community engagement data base"
    assert got["priority"] == plan.priority.name
    assert got["lead_agencies"].split("\n") == ["NHSWD", "WMDC"]
    assert got["lead_person"] == plan.lead.email
    assert (got["start_quarter"], got["due_quarter"]) == (
        Q1.label,
        Q2.next().label,
    )
    assert got["outcomes"] == plan.outcome.statement
    assert got["measures"] == "EN1"
    # The update made the action at risk.
    assert got["status"] == "At risk"
    assert got["latest_quarter"] == Q2.label
    assert got["progress"] == "Agreement across partners to adopt VOICE standards."
    assert got["risks"] == (
        "High: IT problems identified re multi-agency input and access to joint "
        "data base."
    )
    assert got["next_steps"] == "Negotiations commenced with IT (Q3)"


def test_an_exported_action_plan_imports_back_unchanged(
    plan, django_capture_on_commit_callbacks
):
    exported = framework_file(partnership=plan.partnership)
    job = checked_job(plan.partnership, plan.admin, upload(exported), kind="framework")
    assert job.status == ImportStatus.REJECTED
    assert "already stored" in job.failure_message

    # Into another partnership with the same partners and lead: the same plan.
    target = PartnershipFactory(
        reporting_year_start_month=plan.partnership.reporting_year_start_month
    )
    admin = member(target, Role.ADMIN)
    MembershipFactory(partnership=target, user=plan.lead, role=Role.LEAD)
    for name in ("WMDC", "NHSWD"):
        OrganisationFactory(partnership=target, name=name)
    job = imported(target, admin, exported, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, messages_of(job)
    action = Action.objects.get(partnership=target)
    assert action.lead_person == plan.lead
    assert action.status == ActionStatus.AT_RISK
    assert {o.name for o in action.lead_agencies.all()} == {"WMDC", "NHSWD"}
    assert [m.code for m in action.measures.all()] == ["EN1"]
    assert action.outcomes.get().statement == plan.outcome.statement
    assert action.due_period.as_quarter == Q2.next()
    assert not action.updates.exists()  # updates are the lead's, not the import's
    source = sheets_of(exported)
    again = sheets_of(framework_file(partnership=target))
    assert again.keys() == source.keys()
    for name in source:
        if name != "Actions":
            assert again[name] == source[name]
    reading = KEYS.index("latest_quarter")
    assert [r[:reading] for r in again["Actions"][1]] == [
        r[:reading] for r in source["Actions"][1]
    ]


def test_an_import_creates_and_updates_actions_with_the_sheets_above_them(
    plan, django_capture_on_commit_callbacks
):
    p = plan.partnership
    content = xlsx_bytes(
        [
            SheetSpec(
                "Outcomes",
                ["Outcome", "Priority"],
                [["Partners share one picture", plan.priority.name]],
            ),
            SheetSpec(
                "Measures",
                ["Code", "Name", "RBA question", "Kind of value"],
                [["EN9", "Partners on the data base", "How much did we do?", "Count"]],
            ),
            SheetSpec(
                "Actions",
                headers(ACTIONS),
                [
                    row(
                        name="Develop a community engagement data base",
                        lead_agencies="WMDC",
                        lead_person=plan.lead.email.upper(),
                        start_quarter=Q1.label,
                        due_quarter=Q2.next().next().label,
                        status="complete",
                        progress="Ignored: the lead writes updates",
                    ),
                    row(
                        name="Map the partners' engagement",
                        priority=plan.priority.name,
                        outcomes="Partners share one picture",
                        measures="EN9, EN1",
                        status="On track",
                    ),
                ],
            ),
        ]
    )
    job = imported(p, plan.admin, content, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, messages_of(job)
    assert job.preview["written"] == {"create": 3, "update": 1}
    first, second = Action.objects.filter(partnership=p).order_by("position")
    assert first.pk == plan.action.pk
    assert first.status == ActionStatus.COMPLETE
    assert [o.name for o in first.lead_agencies.all()] == ["WMDC"]
    assert first.priority is None and not first.outcomes.exists()
    assert first.due_period.as_quarter == Q2.next().next()
    assert first.updates.get().progress.startswith("Agreement")
    assert second.priority == plan.priority
    assert second.outcomes.get().statement == "Partners share one picture"
    assert sorted(m.code for m in second.measures.all()) == ["EN1", "EN9"]
    assert second.lead_person is None and second.start_period is None


def test_bad_action_rows_are_named_by_row_and_column_and_nothing_is_saved(
    plan, django_capture_on_commit_callbacks
):
    before = list(Action.objects.filter(partnership=plan.partnership).values())
    content = actions_sheet(
        [
            row(name="Good row", status="Planned"),
            row(name="", lead_agencies="WMDC"),
            row(name="Bad partner", lead_agencies="WMDC; Nobody Council"),
            row(name="Bad lead", lead_person="stranger@example.org"),
            row(name="Bad quarters", start_quarter="soon", due_quarter="2024/25 Q9"),
            row(
                name="Backwards",
                start_quarter=Q2.label,
                due_quarter=Q1.label,
            ),
            row(name="Bad links", outcomes="No such outcome", measures="ZZ9"),
            row(name="Bad status", status="Going well"),
            row(name="Good row"),
            row(name="Bad priority", priority="Nowhere"),
        ]
    )
    job = imported(
        plan.partnership, plan.admin, content, django_capture_on_commit_callbacks
    )
    assert job.status == ImportStatus.REJECTED
    found = {(p["row"], p["column"]) for p in job.problems}
    assert found == {
        (3, "Action"),
        (4, "Lead agencies"),
        (5, "Lead person (email)"),
        (6, "Start quarter"),
        (6, "Due quarter"),
        (7, "Due quarter"),
        (8, "Outcomes served"),
        (8, "Measures served (codes)"),
        (9, "Status"),
        (10, "Action"),
        (11, "Priority"),
    }
    by_cell = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert "Nobody Council" in by_cell[(4, "Lead agencies")]
    assert "stranger@example.org" in by_cell[(5, "Lead person (email)")]
    assert "also on row 2" in by_cell[(10, "Action")]
    assert "ZZ9" in by_cell[(8, "Measures served (codes)")]
    assert list(Action.objects.filter(partnership=plan.partnership).values()) == before


def test_another_partnerships_partners_and_people_are_unknown(
    plan, django_capture_on_commit_callbacks
):
    other = make_plan(name="Their action")
    OrganisationFactory(partnership=other.partnership, name="Their council")
    content = actions_sheet(
        [
            row(
                name="Borrowed",
                lead_agencies="Their council",
                lead_person=other.admin.email,
                outcomes=other.outcome.statement,
            )
        ]
    )
    job = imported(
        plan.partnership, plan.admin, content, django_capture_on_commit_callbacks
    )
    assert job.status == ImportStatus.REJECTED
    assert {p["column"] for p in job.problems} == {
        "Lead agencies",
        "Lead person (email)",
        "Outcomes served",
    }
    assert not Action.objects.filter(partnership=plan.partnership, name="Borrowed")


WELSH_ACTION_HEADERS = [
    "Cam gweithredu",
    "Beth mae'n ei olygu",
    "Blaenoriaeth",
    "Asiantaethau arweiniol",
    "Person arweiniol (e-bost)",
    "Chwarter dechrau",
    "Chwarter dyledus",
    "Canlyniadau a wasanaethir",
    "Mesurau a wasanaethir (codau)",
    "Statws",
    "Chwarter y diweddariad diweddaraf",
    "Cynnydd",
    "Risgiau",
    "Camau nesaf ac amserlenni",
]


def test_the_actions_sheet_is_welsh_in_welsh_and_imports_either(
    plan, django_capture_on_commit_callbacks
):
    with translation.override("cy"):
        welsh = framework_file(partnership=plan.partnership)
        template = framework_file(partnership=None)
    book = sheets_of(welsh)
    assert "Camau gweithredu" in book
    assert sheets_of(template)["Camau gweithredu"] == (WELSH_ACTION_HEADERS, [])
    header, rows = book["Camau gweithredu"]
    assert header == WELSH_ACTION_HEADERS
    status = KEYS.index("status")
    assert rows[0][status] == "Mewn perygl"
    assert rows[0][KEYS.index("risks")].startswith("Uchel: ")

    # A Welsh status, read by an English worker, changes the action.
    edited = [list(r) for r in rows]
    edited[0][status] = "Wedi'i gwblhau"
    content = xlsx_bytes([SheetSpec("Camau gweithredu", header, edited)])
    with translation.override("en-gb"):
        job = imported(
            plan.partnership, plan.admin, content, django_capture_on_commit_callbacks
        )
    assert job.status == ImportStatus.DONE, messages_of(job)
    assert job.preview["written"] == {"create": 0, "update": 1}
    plan.action.refresh_from_db()
    assert plan.action.status == ActionStatus.COMPLETE
