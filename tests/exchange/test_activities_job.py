"""The engagement log's import as a background job: the check, the preview,
the problems by row and column, the confirmation, the API and the worker."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from engagement.models import Activity, ComputedKind
from engagement.services import ComputationInput, computed_measure_set
from exchange import activities, services
from exchange.models import ImportJob, ImportKind, ImportStatus
from kpis.models import QuarterlyValue
from partnerships import tenancy
from partnerships.models import Membership, Role
from tests.api import bearer
from tests.engagement.conftest import Log, make_log
from tests.factories import MeasureFactory, MembershipFactory
from tests.workers import start_worker, stop, wait_for

from .helpers import checked_job, confirmed, messages_of

HEADER = (
    "Title,First day,Level of engagement,Organisations involved,Status,"
    "Number of participants,Communities or audiences reached"
)


@pytest.fixture
def log(db, clock) -> Log:
    """tests/engagement's partnership: a council, a health board, their leads."""
    return make_log()


def csv_file(*rows: str, name="log.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join([HEADER, *rows]).encode(), "text/csv")


def held(n: int, day="2026-05-04", organisation="Council") -> str:
    return f"Meeting {n},{day},Participation,{organisation},Held,{n % 7 + 1},"


@pytest.mark.django_db
@pytest.mark.usefixtures("import_storage")
class TestTheJob:
    def test_a_lead_checks_then_imports_and_the_computed_figures_follow(self, log):
        measure = MeasureFactory(partnership=log.partnership, code="EN1")
        computed_measure_set(
            partnership=log.partnership,
            actor=log.admin,
            measure=measure,
            data=ComputationInput(kind=ComputedKind.ACTIVITIES),
        )
        job = checked_job(
            log.partnership,
            log.council_lead,
            csv_file(held(1), held(2), held(3, day="2026-08-10")),
            kind=ImportKind.ACTIVITIES,
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        assert job.preview["counts"] == {"create": 3, "update": 0, "unchanged": 0}
        assert [r["key"] for r in job.preview["rows"]] == [
            "Meeting 1",
            "Meeting 2",
            "Meeting 3",
        ]
        # The check wrote nothing.
        assert not Activity.objects.filter(partnership=log.partnership).exists()
        job = confirmed(job, log.council_lead)
        assert job.status == ImportStatus.DONE, messages_of(job)
        assert job.preview["written"] == {"create": 3, "update": 0}
        assert Activity.objects.filter(partnership=log.partnership).count() == 3
        figures = QuarterlyValue.objects.filter(measure=measure).order_by(
            "period__quarter"
        )
        # Up to the pinned day's quarter (2026/27 Q3, with none yet).
        assert [(v.period.quarter, v.value) for v in figures] == [
            (1, 2),
            (2, 1),
            (3, 0),
        ]

    def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_saved(
        self, log, client
    ):
        job = checked_job(
            log.partnership,
            log.admin,
            csv_file(
                held(1),
                "Bad,2026-13-01,Shouting,Nobody,Held,,",
                "Worse,2026-05-04,Participation,Council,Held,many,Nowhere: At all",
            ),
            kind=ImportKind.ACTIVITIES,
        )
        assert job.status == ImportStatus.REJECTED
        found = {(p["sheet"], p["row"], p["column"]) for p in job.problems}
        assert found == {
            ("Activities", 3, "First day"),
            ("Activities", 3, "Level of engagement"),
            ("Activities", 3, "Organisations involved"),
            ("Activities", 4, "Number of participants"),
            ("Activities", 4, "Communities or audiences reached"),
        }
        assert not Activity.objects.exists()
        client.force_login(log.admin)
        url = reverse(
            "exchange:import_job", kwargs={"slug": log.partnership.slug, "pk": job.pk}
        )
        page = client.get(url).content.decode()
        assert "5 problems: nothing has been imported" in page
        assert "Not an organisation of this partnership: Nobody." in page
        assert "Sheet Activities" in page
        with translation.override("cy"):
            welsh_url = reverse(
                "exchange:import_job",
                kwargs={"slug": log.partnership.slug, "pk": job.pk},
            )
        assert welsh_url.startswith("/cy/")
        assert "Dalen Gweithgareddau" in client.get(welsh_url).content.decode()

    def test_a_locked_quarter_since_the_check_is_refused_at_import(self, log):
        from kpis.periods import Quarter
        from kpis.review import period_lock

        job = checked_job(
            log.partnership, log.admin, csv_file(held(1)), kind=ImportKind.ACTIVITIES
        )
        assert job.status == ImportStatus.READY
        period_lock(
            partnership=log.partnership, quarter=Quarter(2026, 1, 4), actor=log.admin
        )
        job = confirmed(job, log.admin)
        assert job.status == ImportStatus.FAILED
        assert job.problems and "locked" in job.problems[0]["message"]
        assert not Activity.objects.exists()

    def test_who_may_import_the_log(self, log):
        from django.core.exceptions import PermissionDenied

        lead_of_nothing = MembershipFactory(
            partnership=log.partnership, role=Role.LEAD, organisation=None
        ).user
        for user in (log.viewer, lead_of_nothing):
            membership = Membership.objects.get(partnership=log.partnership, user=user)
            with pytest.raises(PermissionDenied):
                services.import_job_create(
                    partnership=log.partnership,
                    membership=membership,
                    kind=ImportKind.ACTIVITIES,
                    upload=csv_file(held(1)),
                    actor=user,
                )
        # A lead logs only for their own organisation: the check says so.
        job = checked_job(
            log.partnership,
            log.council_lead,
            csv_file(held(1, organisation="Health board")),
            kind=ImportKind.ACTIVITIES,
        )
        assert job.status == ImportStatus.REJECTED
        assert job.problems[0]["row"] == 2

    def test_the_page_uploads_and_shows_the_job(self, log, client):
        client.force_login(log.council_lead)
        url = reverse("exchange:activities_data", kwargs={"slug": log.partnership.slug})
        page = client.get(url).content.decode()
        assert "Up to 10,000 rows" in page
        response = client.post(url, {"file": csv_file(held(1))})
        job = ImportJob.objects.get(partnership=log.partnership)
        assert response.status_code == 302
        assert response.url == reverse(
            "exchange:import_job", kwargs={"slug": log.partnership.slug, "pk": job.pk}
        )
        assert job.kind == ImportKind.ACTIVITIES and job.status == ImportStatus.QUEUED
        job_page = client.get(response.url).content.decode()
        assert "Import of engagement activities: log.csv" in job_page
        # An empty file is refused beside the field, and no job is made.
        response = client.post(
            url, {"file": SimpleUploadedFile("empty.csv", b"", "text/csv")}
        )
        assert response.status_code == 422
        assert ImportJob.objects.filter(partnership=log.partnership).count() == 1

    def test_more_rows_than_the_limit_are_refused(self, log, settings):
        rows = [held(n) for n in range(activities.MAX_ROWS + 1)]
        job = checked_job(
            log.partnership, log.admin, csv_file(*rows), kind=ImportKind.ACTIVITIES
        )
        assert job.status == ImportStatus.REJECTED
        assert job.problems == [
            {
                "sheet": "Activities",
                "row": 1,
                "column": "",
                "message": "Import at most 10,000 activities at a time.",
            }
        ]

    def test_two_thousand_rows_check_and_import_in_queries_that_do_not_grow(
        self, log, django_assert_max_num_queries
    ):
        # Its time is benchmarks/import_activities.py's; this is what it does.
        measure = MeasureFactory(partnership=log.partnership, code="EN1")
        computed_measure_set(
            partnership=log.partnership,
            actor=log.admin,
            measure=measure,
            data=ComputationInput(kind=ComputedKind.ACTIVITIES),
        )
        rows = [
            held(n, day="2026-05-04" if n % 2 else "2026-08-10") for n in range(2000)
        ]
        # The check and the import each read a handful of times and write a
        # few statements however many rows (200 rows: about 110 in all, the
        # job's own steps included); a query a row would be thousands.
        with django_assert_max_num_queries(130):
            job = checked_job(
                log.partnership, log.admin, csv_file(*rows), kind=ImportKind.ACTIVITIES
            )
            assert job.status == ImportStatus.READY, messages_of(job)
            assert not Activity.objects.filter(partnership=log.partnership).exists()
            job = confirmed(job, log.admin)
        assert job.status == ImportStatus.DONE, messages_of(job)
        assert job.preview["counts"] == {"create": 2000, "update": 0, "unchanged": 0}
        assert job.preview["more_rows"] == 2000 - activities.PREVIEW_ROWS
        assert job.preview["rows"][1] == {
            "sheet": "Activities",
            "row": 3,
            "key": "Meeting 1",
            "action": "create",
        }
        assert job.preview["written"] == {"create": 2000, "update": 0}
        stored = Activity.objects.filter(partnership=log.partnership)
        assert sorted(stored.values_list("title", "participants")) == sorted(
            (f"Meeting {n}", n % 7 + 1) for n in range(2000)
        )
        assert set(
            stored.values_list("organisations__name", "recorded_by", "level")
        ) == {("Council", log.admin.pk, "participation")}
        figures = {
            v.period.quarter: v
            for v in QuarterlyValue.objects.filter(measure=measure, value__gt=0)
        }
        assert {q: v.value for q, v in figures.items()} == {1: 1000, 2: 1000}
        # Each computed figure's history has one event, naming it computed.
        event = figures[1].events.get()
        assert event.value == 1000
        assert event.pgh_context["path"] == "computed"
        assert event.pgh_context["user"] == log.admin.pk

    def test_changes_by_id_are_checked_row_by_row_and_all_refused_together(self, log):
        from kpis.periods import Quarter
        from kpis.review import period_lock

        own = log.activity(actor=log.council_lead, title="Own")
        health = log.activity(
            actor=log.health_lead, title="Theirs", organisation_ids=[log.health.pk]
        )
        early = log.activity(
            actor=log.council_lead,
            title="Early",
            starts_on=datetime.date(2026, 1, 12),
            ends_on=datetime.date(2026, 1, 12),
        )
        period_lock(
            partnership=log.partnership, quarter=Quarter(2025, 4, 4), actor=log.admin
        )
        header = f"ID,{HEADER}"
        upload = SimpleUploadedFile(
            "log.csv",
            "\r\n".join(
                [
                    header,
                    f"{own.pk},{held(1)}",
                    f"{health.pk},{held(2, organisation='Council')}",
                    f"{early.pk},{held(3)}",
                    "9999999," + held(4),
                    f"{own.pk},{held(5, organisation='Nobody')}",
                    f",{held(6)}",
                ]
            ).encode(),
            "text/csv",
        )
        job = checked_job(
            log.partnership, log.council_lead, upload, kind=ImportKind.ACTIVITIES
        )
        assert job.status == ImportStatus.REJECTED
        assert [(p["row"], p["column"], p["message"]) for p in job.problems] == [
            (3, "", "You cannot change this activity."),
            (
                4,
                "",
                "2025/26 Q4 is locked, so its activities cannot change. An admin "
                "can reopen it, giving a reason.",
            ),
            (5, "ID", "No activity of this partnership has this ID."),
            (
                6,
                "Organisations involved",
                "Not an organisation of this partnership: Nobody.",
            ),
        ]
        assert list(
            Activity.objects.order_by("pk").values_list("title", flat=True)
        ) == ["Own", "Theirs", "Early"]

    def test_an_activity_given_twice_takes_its_last_row(self, log):
        activity = log.activity(
            title="Drop-in",
            community_ids=[log.eastmoor.pk],
            breakdown={log.young_people.pk: 3},
        )
        header = f"ID,{HEADER}"
        upload = SimpleUploadedFile(
            "log.csv",
            "\r\n".join(
                [
                    header,
                    f"{activity.pk},First,2026-05-04,Participation,Council,Held,4,"
                    "Community: Eastmoor",
                    f"{activity.pk},Second,2026-05-05,Participation,"
                    "Council; Health board,Held,5,Community: Warwick",
                ]
            ).encode(),
            "text/csv",
        )
        job = checked_job(
            log.partnership, log.admin, upload, kind=ImportKind.ACTIVITIES
        )
        assert job.status == ImportStatus.READY, messages_of(job)
        assert job.preview["counts"] == {"create": 0, "update": 2, "unchanged": 0}
        job = confirmed(job, log.admin)
        assert job.status == ImportStatus.DONE, messages_of(job)
        activity = Activity.objects.get(pk=activity.pk)
        assert (activity.title, activity.starts_on, activity.participants) == (
            "Second",
            datetime.date(2026, 5, 5),
            5,
        )
        # The breakdown it had is kept, as a change on the form keeps it.
        assert activity.participant_breakdown == {str(log.young_people.pk): 3}
        assert sorted(o.name for o in activity.organisations.all()) == [
            "Council",
            "Health board",
        ]
        assert [c.name for c in activity.communities.all()] == ["Warwick"]
        assert Activity.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("import_storage")
class TestTheApi:
    def url(self, log, *parts):
        name = "api:import_list" if not parts else f"api:import_{parts[0]}"
        kwargs = {"slug": log.partnership.slug}
        if parts:
            kwargs["pk"] = parts[1]
        return reverse(name, kwargs=kwargs)

    def test_upload_follow_and_confirm(self, log, client):
        headers = bearer(log.council_lead)
        response = client.post(
            self.url(log),
            {"kind": "activities", "file": csv_file(held(1), held(2))},
            headers=headers,
        )
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        assert response.json()["status"] == "queued"
        services.import_job_check(job_id=job_id, partnership_id=log.partnership.pk)
        body = client.get(self.url(log, "detail", job_id), headers=headers).json()
        assert body["status"] == "ready"
        assert body["preview"]["counts"]["create"] == 2
        response = client.post(self.url(log, "confirm", job_id), headers=headers)
        assert response.status_code == 202
        assert response.json()["status"] == "confirmed"
        services.import_job_apply(job_id=job_id, partnership_id=log.partnership.pk)
        body = client.get(self.url(log, "detail", job_id), headers=headers).json()
        assert body["status"] == "done"
        assert body["preview"]["written"] == {"create": 2, "update": 0}
        listed = client.get(self.url(log), headers=headers).json()
        assert [j["id"] for j in listed["results"]] == [job_id]

    def test_bad_requests_roles_and_404s(self, log, client):
        response = client.post(
            self.url(log),
            {"kind": "pictures", "file": csv_file(held(1))},
            headers=bearer(log.admin),
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"kind"}
        response = client.post(
            self.url(log), {"kind": "activities"}, headers=bearer(log.admin)
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"file"}
        response = client.post(
            self.url(log),
            {"kind": "activities", "file": csv_file(held(1))},
            headers=bearer(log.viewer),
        )
        assert response.status_code == 403
        assert not ImportJob.objects.exists()
        job = checked_job(
            log.partnership,
            log.admin,
            csv_file("Bad,soon,,,,,"),
            kind=ImportKind.ACTIVITIES,
        )
        body = client.get(
            self.url(log, "detail", job.pk), headers=bearer(log.admin)
        ).json()
        assert body["status"] == "rejected"
        assert {p["column"] for p in body["problems"]} >= {"First day"}
        response = client.post(
            self.url(log, "confirm", job.pk), headers=bearer(log.admin)
        )
        assert response.status_code == 400
        # Another lead's job, and another partnership's, are 404s.
        assert (
            client.get(
                self.url(log, "detail", job.pk), headers=bearer(log.council_lead)
            ).status_code
            == 404
        )
        outsider = MembershipFactory(role="admin").user
        assert (
            client.get(
                reverse(
                    "api:import_detail",
                    kwargs={"slug": log.partnership.slug, "pk": job.pk},
                ),
                headers=bearer(outsider),
            ).status_code
            == 404
        )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports_the_log(tmp_path, import_storage, clock):
    with tenancy.platform_scope():
        world: Log = make_log()
        membership = Membership.objects.get(user=world.council_lead)
    p = world.partnership
    worker, worker_log = start_worker("activity-imports", tmp_path)
    try:
        with tenancy.scope(partnership_id=p.pk, user_id=world.council_lead.pk):
            job = services.import_job_create(
                partnership=p,
                membership=membership,
                kind=ImportKind.ACTIVITIES,
                upload=csv_file(held(1), held(2)),
                actor=world.council_lead,
            )

        def state():
            with tenancy.partnership_scope(p.pk):
                return ImportJob.objects.get(pk=job.pk)

        wait_for(
            lambda: state().status == ImportStatus.READY,
            timeout=60,
            what="the worker to check the log",
            logs=[worker_log],
        )
        with tenancy.scope(partnership_id=p.pk, user_id=world.council_lead.pk):
            services.import_job_confirm(
                partnership=p,
                membership=membership,
                job_id=job.pk,
                actor=world.council_lead,
            )
        wait_for(
            lambda: state().status in (ImportStatus.DONE, ImportStatus.FAILED),
            timeout=60,
            what="the worker to import the log",
            logs=[worker_log],
        )
        assert state().status == ImportStatus.DONE, state().problems
        assert "apply_import" in worker_log.read_text()
        with tenancy.partnership_scope(p.pk):
            assert sorted(
                Activity.objects.filter(partnership=p).values_list("title", flat=True)
            ) == ["Meeting 1", "Meeting 2"]
            assert (
                Activity.objects.filter(
                    partnership=p, starts_on=datetime.date(2026, 5, 4)
                ).count()
                == 2
            )
    finally:
        stop(worker)
