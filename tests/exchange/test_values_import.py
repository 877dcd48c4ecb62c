"""Importing quarterly figures: preview, confirm, all or nothing, the web form's rules."""

import pytest
from django.core.exceptions import PermissionDenied

from exchange.models import ImportStatus
from kpis.models import QuarterlyValue, ReviewStatus
from kpis.periods import Quarter
from partnerships.models import Membership
from tests.factories import PeriodFactory, QuarterlyValueFactory

from .helpers import checked_job, confirmed, csv_upload, messages_of

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

Q1 = "2024/25 Q1"


def test_a_values_file_is_previewed_then_imported_with_the_import_path_in_history(
    world, django_capture_on_commit_callbacks
):
    p = world.partnership
    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(
            p,
            world.admin,
            csv_upload(
                [
                    [Q1, "CU1", "Schools", "Count", "12", "", "", "Twelve schools"],
                    [Q1, "CU2", "", "", "", "30", "40", ""],
                    [Q1, "KW1", "", "", "", "", "", ""],  # left empty: skipped
                ]
            ),
        )
    assert job.status == ImportStatus.READY, messages_of(job)
    assert job.preview["counts"] == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "empty": 1,
    }
    assert not QuarterlyValue.objects.filter(partnership=p).exists()

    with django_capture_on_commit_callbacks(execute=False):
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.DONE, messages_of(job)
    values = {v.measure.code: v for v in QuarterlyValue.objects.filter(partnership=p)}
    assert values["CU1"].value == 12 and values["CU1"].story == "Twelve schools"
    assert (values["CU2"].numerator, values["CU2"].denominator) == (30, 40)
    assert values["CU1"].entered_by == world.admin
    event = values["CU1"].events.get()
    assert event.pgh_context["path"] == "import"
    assert event.pgh_context["user"] == world.admin.pk

    # The same file again changes nothing; a corrected figure is an update.
    with django_capture_on_commit_callbacks(execute=False):
        again = checked_job(
            p,
            world.admin,
            csv_upload([[Q1, "CU1", "", "", "13", "", "", "Twelve schools"]]),
        )
        assert again.preview["counts"]["update"] == 1
        confirmed(again, world.admin)
    values["CU1"].refresh_from_db()
    assert (values["CU1"].value, values["CU1"].version) == (13, 2)


@pytest.mark.parametrize(
    ("rows", "headers", "expected"),
    [
        ([[Q1, "CU1", "12"]], ["Quarter", "Code", "Amount"], "Unknown column “Amount”"),
        ([[Q1, "12"]], ["Quarter", "Value"], "The column “Code” is missing."),
        (
            [[Q1, "NOPE", "", "", "3", "", "", ""]],
            None,
            "No measure has the code “NOPE” in this partnership.",
        ),
        (
            [[Q1, "CU1", "", "", "twelve", "", "", ""]],
            None,
            "“twelve” is not a number.",
        ),
        (
            [[Q1, "CU1", "", "", "1", "", "", "x" * 5001]],
            None,
            "Keep this to 5,000 characters or fewer (it has 5,001).",
        ),
        (
            [[Q1, "CU1", "", "", "2.5", "", "", ""]],
            None,
            "A count is a whole number, 0 or more.",
        ),
        (
            [[Q1, "CU2", "", "", "", "50", "40", ""]],
            None,
            "The number cannot be more than the number it is out of (40).",
        ),
        (
            [
                [Q1, "CU1", "", "", "1", "", "", ""],
                [Q1, "cu1", "", "", "2", "", "", ""],
            ],
            None,
            "CU1 2024/25 Q1 is also on row 2; give each figure once.",
        ),
        (
            [["Spring", "CU1", "", "", "1", "", "", ""]],
            None,
            "“Spring” is not a quarter",
        ),
        ([["2099/00 Q1", "CU1", "", "", "1", "", "", ""]], None, "has not started yet"),
    ],
)
def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_imported(
    world, rows, headers, expected
):
    kwargs = {"headers": headers} if headers else {}
    job = checked_job(world.partnership, world.admin, csv_upload(rows, **kwargs))
    assert job.status == ImportStatus.REJECTED
    assert any(expected in m for m in messages_of(job)), messages_of(job)
    assert all(p["sheet"] and p["column"] for p in job.problems)
    assert not QuarterlyValue.objects.exists()


def test_one_bad_row_keeps_every_good_row_out(world):
    job = checked_job(
        world.partnership,
        world.admin,
        csv_upload(
            [
                [Q1, "CU1", "", "", "5", "", "", ""],
                [Q1, "KW1", "", "", "x", "", "", ""],
            ]
        ),
    )
    assert job.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "Value")]
    assert not QuarterlyValue.objects.exists()


def test_a_lead_imports_only_their_own_measures(world):
    job = checked_job(
        world.partnership,
        world.lead,
        csv_upload(
            [
                [Q1, "CU1", "", "", "5", "", "", ""],
                [Q1, "KW1", "", "", "5", "", "", ""],
            ]
        ),
    )
    assert messages_of(job) == [
        "You do not lead KW1, so you cannot import its figures."
    ]


def test_a_lead_cannot_change_a_submitted_figure_but_an_admin_can(world):
    period = PeriodFactory(partnership=world.partnership, year=2024, quarter=1)
    QuarterlyValueFactory(
        measure=world.count, period=period, value=3, status=ReviewStatus.SUBMITTED
    )
    rows = [[Q1, "CU1", "", "", "5", "", "", ""]]
    job = checked_job(world.partnership, world.lead, csv_upload(rows))
    assert job.status == ImportStatus.REJECTED
    assert "submitted and waiting for review" in messages_of(job)[0]
    job = checked_job(world.partnership, world.admin, csv_upload(rows))
    assert job.status == ImportStatus.READY


def test_a_locked_quarter_is_refused(world, django_user_model):
    from django.utils import timezone

    PeriodFactory(
        partnership=world.partnership, year=2024, quarter=1, locked_at=timezone.now()
    )
    job = checked_job(
        world.partnership,
        world.admin,
        csv_upload([[Q1, "CU1", "", "", "5", "", "", ""]]),
    )
    assert job.status == ImportStatus.REJECTED
    assert "2024/25 Q1 is locked" in messages_of(job)[0]
    assert job.problems[0]["column"] == "Quarter"


def test_a_quarter_locked_after_the_preview_stops_the_whole_import(
    world, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        job = checked_job(
            world.partnership,
            world.admin,
            csv_upload(
                [
                    ["2024/25 Q2", "CU1", "", "", "5", "", "", ""],
                    [Q1, "KW1", "", "", "5", "", "", ""],
                ]
            ),
        )
    assert job.status == ImportStatus.READY
    PeriodFactory(
        partnership=world.partnership, year=2024, quarter=1, locked_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=False):
        job = confirmed(job, world.admin)
    assert job.status == ImportStatus.FAILED
    assert "locked" in messages_of(job)[0]
    assert not QuarterlyValue.objects.exists()


def test_a_viewer_cannot_import_figures(world):
    with pytest.raises(PermissionDenied):
        checked_job(
            world.partnership,
            world.viewer,
            csv_upload([[Q1, "CU1", "", "", "5", "", "", ""]]),
        )


def test_a_job_never_writes_into_another_partnership(world):
    from tests.factories import PartnershipFactory

    job = checked_job(
        world.partnership,
        world.admin,
        csv_upload([[Q1, "CU1", "", "", "5", "", "", ""]]),
    )
    other = PartnershipFactory()
    from exchange import services

    # A task given another partnership's id finds no such job there.
    services.import_job_apply(job_id=job.pk, partnership_id=other.pk)
    services.import_job_check(job_id=job.pk, partnership_id=other.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert not QuarterlyValue.objects.exists()


def test_the_template_lists_the_leads_measures_with_stored_figures(world):
    from exchange.values import values_template_rows

    period = PeriodFactory(partnership=world.partnership, year=2024, quarter=1)
    QuarterlyValueFactory(measure=world.count, period=period, value=7, story="Seven")
    membership = Membership.objects.get(partnership=world.partnership, user=world.lead)
    rows = values_template_rows(membership=membership, quarter=Quarter(2024, 1, 9))
    assert [r[:5] for r in rows] == [
        [Q1, "CU1", "Schools", "Count", 7],
        [Q1, "CU2", "Satisfied", "Percentage", None],
    ]


def test_a_figure_saved_while_the_import_runs_is_not_overwritten():
    from decimal import Decimal

    from exchange.values import ChangedWhileImporting, PlannedValue, values_write
    from kpis import recording as kpi_recording
    from kpis import services as kpi_services
    from kpis.models import QuarterlyValue, ValueType
    from kpis.selectors import current_quarter
    from partnerships.models import Role
    from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

    partnership = PartnershipFactory()
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    measure = MeasureFactory(partnership=partnership, value_type=ValueType.COUNT)
    quarter = current_quarter(partnership=partnership).previous()
    # The import checked this figure when nothing was stored, so plans to create it...
    planned = PlannedValue(
        row=2,
        measure=measure,
        quarter=quarter,
        value=Decimal(5),
        numerator=None,
        denominator=None,
        story="",
        action="create",
        version=0,
    )
    # ...but someone saves it on the web before the import writes.
    kpi_recording.quarterly_value_record(
        partnership=partnership,
        measure=measure,
        period=kpi_services.period_get_or_create(
            partnership=partnership, quarter=quarter
        ),
        actor=admin,
        value=Decimal(9),
    )
    with pytest.raises(ChangedWhileImporting):
        values_write(partnership=partnership, actor=admin, rows=[planned])
    stored = QuarterlyValue.objects.get(measure=measure)
    assert (stored.value, stored.version) == (Decimal(9), 1)


RATE_ONLY = (
    "Enter the number of pupils and the total it is out of: this measure's "
    "year adds them up."
)


def test_a_rate_without_its_numbers_is_refused_for_a_pooled_measure(world):
    world.rate.unit = "pupils"
    world.rate.save()
    job = checked_job(
        world.partnership,
        world.admin,
        csv_upload([["2024/25 Q1", "CU2", "", "", "50", "", "", ""]]),
    )
    assert job.status == ImportStatus.REJECTED
    assert RATE_ONLY in messages_of(job), messages_of(job)
    assert not QuarterlyValue.objects.exists()
