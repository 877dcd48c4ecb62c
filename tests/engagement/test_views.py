"""The engagement pages: roles, 404s, messages beside the fields, the
calendar's warning, the settings and the spreadsheet round trip."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagement.models import Activity, ActivityStatus, ComputedKind, ContinuumLevel
from exchange import services
from exchange.models import ImportJob, ImportStatus
from exchange.spreadsheets import read_upload
from kpis.models import QuarterlyValue
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

D = datetime.date


def _url(log, name, **kwargs):
    return reverse(
        f"engagement:{name}", kwargs={"slug": log.partnership.slug, **kwargs}
    )


def _form(log, **changes):
    data = {
        "title": "Eastmoor walkabout",
        "starts_on": "2026-11-02",
        "ends_on": "2026-11-02",
        "status": ActivityStatus.HELD,
        "level": ContinuumLevel.PARTICIPATION,
        "method": "Planning for Real",
        "organisations": [str(log.council.pk)],
        "communities": [str(log.eastmoor.pk)],
        "standards": [str(log.standard.pk)],
        "participants": "14",
        f"count_{log.young_people.pk}": "5",
        "feedback_said": "More lighting on the path.",
        "feedback_done": "Raised with highways.",
    }
    data.update(changes)
    return data


def test_a_lead_logs_an_activity_through_the_form(client, log):
    client.force_login(log.council_lead)
    page = client.get(_url(log, "activity_new")).content.decode()
    assert "Record no names, contact details" in page
    response = client.post(_url(log, "activity_new"), _form(log))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(log, "activity", pk=activity.pk)
    assert activity.participant_breakdown == {str(log.young_people.pk): 5}
    assert list(activity.standards_met.all()) == [log.standard]
    page = client.get(response["Location"]).content.decode()
    assert "The activity is in the log." in page
    assert "More lighting on the path." in page


def test_bad_input_shows_beside_the_field_and_saves_nothing(client, log):
    client.force_login(log.council_lead)
    response = client.post(
        _url(log, "activity_new"),
        _form(log, title="", participants="", ends_on="2026-10-01"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the activity a title." in page
    assert "The last day cannot be before the first day." in page
    assert "Say how many people took part (0 if nobody came)." in page
    assert 'aria-invalid="true"' in page
    assert not Activity.objects.exists()


def test_a_steering_group_member_reads_the_log_but_cannot_log(client, log):
    log.activity(title="Forum in Warwick")
    client.force_login(log.viewer)
    page = client.get(_url(log, "log") + "?month=2026-05").content.decode()
    assert "Forum in Warwick" in page
    assert "Log an activity" not in page
    assert client.get(_url(log, "activity_new")).status_code == 403
    assert client.post(_url(log, "activity_new"), _form(log)).status_code == 403


def test_another_organisations_lead_cannot_change_an_activity(client, log):
    activity = log.activity(actor=log.council_lead)
    client.force_login(log.health_lead)
    assert client.get(_url(log, "activity_edit", pk=activity.pk)).status_code == 403
    assert client.post(_url(log, "activity_delete", pk=activity.pk)).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_another_partnerships_activity_is_not_found(client, log):
    activity = log.activity()
    other = PartnershipFactory()
    outsider = MembershipFactory(partnership=other, role="admin").user
    client.force_login(outsider)
    for name in ("activity", "activity_edit"):
        url = reverse(
            f"engagement:{name}", kwargs={"slug": other.slug, "pk": activity.pk}
        )
        assert client.get(url).status_code == 404
    url = reverse(
        "engagement:activity_delete", kwargs={"slug": other.slug, "pk": activity.pk}
    )
    assert client.post(url).status_code == 404
    assert client.get(_url(log, "log")).status_code == 404


def test_the_month_shows_each_week_and_warns_of_duplication(
    client, log, django_assert_max_num_queries
):
    for index in range(6):
        log.activity(
            title=f"Council session {index}",
            status=ActivityStatus.PLANNED,
            participants=None,
            starts_on=D(2026, 11, 2 + index),
            ends_on=D(2026, 11, 2 + index),
            community_ids=[log.eastmoor.pk],
        )
    log.activity(
        title="Health check day",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 11, 4),
        ends_on=D(2026, 11, 4),
        organisation_ids=[log.health.pk],
        community_ids=[log.eastmoor.pk],
    )
    log.activity(  # the Sunday of the month's last week: shown with it
        title="Roadshow on the Sunday",
        status=ActivityStatus.PLANNED,
        participants=None,
        starts_on=D(2026, 12, 6),
        ends_on=D(2026, 12, 6),
    )
    client.force_login(log.admin)
    with django_assert_max_num_queries(20):
        response = client.get(_url(log, "log") + "?month=2026-11")
    page = response.content.decode()
    assert "Week of 26 October to 1 November" in page
    assert "Week of 30 November to 6 December" in page
    assert "Roadshow on the Sunday" in page
    assert "7 activities this month may duplicate another partner's." in page
    assert (
        "Possible duplication: “Health check day” (4 November) reaches Eastmoor "
        "in the same week."
    ) in page
    listed = client.get(_url(log, "log") + "?view=list&status=planned").content
    assert b"Council session 5" in listed


def test_only_admins_keep_the_standards_and_computed_measures(client, log):
    client.force_login(log.council_lead)
    assert client.get(_url(log, "settings")).status_code == 403
    client.force_login(log.admin)
    response = client.post(
        _url(log, "settings"), {"action": "standard", "name": "Feedback given"}
    )
    assert response.status_code == 422
    assert (
        "The partnership already follows a standard with this name."
        in response.content.decode()
    )
    measure = MeasureFactory(partnership=log.partnership, name="Activities held")
    log.activity(starts_on=D(2026, 8, 3), ends_on=D(2026, 8, 3))
    response = client.post(
        _url(log, "settings"),
        {
            "action": "computation",
            "measure": measure.pk,
            "kind": ComputedKind.ACTIVITIES,
        },
    )
    assert response.status_code == 302
    assert QuarterlyValue.objects.get(measure=measure, period__quarter=2).value == 1
    page = client.get(_url(log, "settings")).content.decode()
    assert "Activities held" in page


def checked_and_imported(client, log, response):
    """The job the upload made, checked and (if ready) confirmed and imported
    as the workers would, the confirmation through its page."""
    job = ImportJob.objects.get(
        pk=int(response.url.rstrip("/").rsplit("/", 1)[1]),
        partnership=log.partnership,
    )
    services.import_job_check(job_id=job.pk, partnership_id=log.partnership.pk)
    job.refresh_from_db()
    if job.status == ImportStatus.READY:
        confirm = reverse(
            "exchange:import_confirm",
            kwargs={"slug": log.partnership.slug, "pk": job.pk},
        )
        assert client.post(confirm).status_code == 302
        services.import_job_apply(job_id=job.pk, partnership_id=log.partnership.pk)
        job.refresh_from_db()
    return job


@pytest.mark.usefixtures("import_storage")
def test_export_then_import_changes_and_adds_activities(client, log):
    kept = log.activity(
        title="Forum", community_ids=[log.eastmoor.pk], standard_ids=[log.standard.pk]
    )
    client.force_login(log.admin)
    slug = log.partnership.slug
    response = client.get(
        reverse("exchange:activities_export", kwargs={"slug": slug}) + "?format=xlsx"
    )
    assert response.status_code == 200
    sheet = read_upload(response.content, filename="log.xlsx").sheets[0]
    assert sheet.headers[:3] == ["ID", "Title", "First day"]
    ((number, cells),) = sheet.rows
    assert cells[:2] == [kept.pk, "Forum"]
    assert cells[7:11] == ["Council", "Community: Eastmoor", 10, "Feedback given"]
    csv = response = client.get(
        reverse("exchange:activities_export", kwargs={"slug": slug}) + "?format=csv"
    ).content.decode("utf-8-sig")
    header, row = csv.strip().split("\r\n")
    changed = row.replace(",10,", ",25,", 1)
    added = ",Library consultation,2026-09-01,2026-09-01,Held,Getting information,Survey,Health board,,40,,,"
    upload = SimpleUploadedFile(
        "log.csv", "\r\n".join([header, changed, added]).encode(), "text/csv"
    )
    response = client.post(
        reverse("exchange:activities_data", kwargs={"slug": slug}), {"file": upload}
    )
    assert response.status_code == 302
    job = checked_and_imported(client, log, response)
    assert job.status == ImportStatus.DONE, job.problems
    kept.refresh_from_db()
    assert kept.participants == 25
    assert list(kept.communities.all()) == [log.eastmoor]
    added_one = Activity.objects.get(title="Library consultation")
    assert added_one.level == ContinuumLevel.GETTING_INFORMATION
    assert list(added_one.organisations.all()) == [log.health]


@pytest.mark.usefixtures("import_storage")
def test_an_import_with_a_bad_row_imports_nothing(client, log):
    client.force_login(log.admin)
    rows = (
        "Title,First day,Level of engagement,Organisations involved,Status,"
        "Number of participants\r\n"
        "Good,2026-09-01,Participation,Council,Held,4\r\n"
        "Bad,2026-13-01,Shouting,Nobody,Held,\r\n"
    )
    response = client.post(
        reverse("exchange:activities_data", kwargs={"slug": log.partnership.slug}),
        {"file": SimpleUploadedFile("log.csv", rows.encode(), "text/csv")},
    )
    assert response.status_code == 302
    job = checked_and_imported(client, log, response)
    assert job.status == ImportStatus.REJECTED
    page = client.get(response.url).content.decode()
    assert "nothing has been imported" in page
    assert "Give the date as YYYY-MM-DD, e.g. 2026-05-04." in page
    assert "Not a level of the continuum: Shouting." in page
    assert "Not an organisation of this partnership: Nobody." in page
    assert not Activity.objects.exists()


def test_the_list_costs_the_same_queries_however_long_the_log(
    client, log, django_assert_max_num_queries
):
    for day in range(1, 26):
        log.activity(
            title=f"Session {day}",
            starts_on=D(2026, 5, day),
            ends_on=D(2026, 5, day),
            community_ids=[log.eastmoor.pk],
        )
    client.force_login(log.viewer)
    with django_assert_max_num_queries(20):
        response = client.get(_url(log, "log") + "?view=list")
    assert response.content.decode().count("Session ") == 25


def test_the_log_and_its_form_speak_welsh(client, log):
    log.activity(title="Fforwm")
    client.force_login(log.council_lead)
    log_url, new_url = _url(log, "log"), _url(log, "activity_new")
    page = client.get("/cy" + log_url + "?month=2026-05").content.decode()
    assert "Cofnod ymgysylltu" in page
    assert "Fforymau trafod" in page
    form = client.get("/cy" + new_url).content.decode()
    assert "Peidiwch â chofnodi enwau" in form
    assert "Grymuso" in form
