"""The admins' daily digest: once a day, in each admin's language, the figures
submitted, approved and returned since the last one; nothing on a quiet day,
never the same submission twice, and not for those who turned it off."""

import datetime
import email
import re
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from civic.celery import app as celery_app
from kpis import recording, review, services
from kpis.digest import digests_send
from kpis.models import DigestSent
from kpis.periods import Quarter
from kpis.tasks import send_admin_digests
from partnerships import tenancy
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.workers import start_worker, stop, wait_for

LONDON = ZoneInfo("Europe/London")
# An April year: 2026/27 Q2 runs July to September 2026.
Q2 = Quarter(2026, 2, 4)
MONDAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


def at(day: int, hour: int = 7) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=LONDON)


def in_welsh(text: str) -> str:
    with translation.override("cy"):
        return gettext(text)


def make_team(*, admin_language="en-gb", name="North"):
    partnership = PartnershipFactory(reporting_year_start_month=4, name=name)
    admin = MembershipFactory(
        partnership=partnership,
        role=Role.ADMIN,
        user=UserFactory(full_name="Bethan Ellis", language=admin_language),
    ).user
    lead = MembershipFactory(partnership=partnership, role=Role.LEAD).user
    measures = [
        MeasureFactory(partnership=partnership, code="CU1", name="Pupils"),
        MeasureFactory(partnership=partnership, code="CU2", name="Schools"),
    ]
    for measure in measures:
        services.measure_assign_lead(
            partnership=partnership, measure=measure, user=lead
        )
    return partnership, admin, lead, measures


def submit(partnership, lead, measures, value=4):
    period = services.period_get_or_create(partnership=partnership, quarter=Q2)
    records = [
        recording.quarterly_value_record(
            partnership=partnership,
            measure=m,
            period=period,
            actor=lead,
            value=D(value),
        )
        for m in measures
    ]
    review.quarter_submit(partnership=partnership, quarter=Q2, actor=lead)
    return records


@pytest.fixture
def clock_at_monday(clock):
    clock.move_to(MONDAY)
    return clock


pytestmark = pytest.mark.clock(MONDAY)


@pytest.mark.django_db
def test_the_digest_lists_what_was_submitted_since_yesterday(
    mailoutbox, settings, clock_at_monday
):
    settings.SITE_URL = "https://civic.example.org"
    partnership, admin, lead, measures = make_team()
    submit(partnership, lead, measures)

    assert digests_send(partnership=partnership, now=at(17)) == 1
    (message,) = mailoutbox
    assert message.to == [admin.email]
    assert message.subject == "North: 2 figures to know about today"
    assert message.body.startswith("Hello Bethan,\n")
    assert "Submitted for review (2):" in message.body
    assert "- 2026/27 Q2 · CU1 Pupils: 4" in message.body
    assert "- 2026/27 Q2 · CU2 Schools: 4" in message.body
    assert f"https://civic.example.org/p/{partnership.slug}/" in message.body
    assert DigestSent.objects.get().figure_count == 2


@pytest.mark.django_db
def test_nothing_to_say_sends_nothing_and_records_nothing(mailoutbox, clock_at_monday):
    partnership, _admin, _lead, _measures = make_team()
    assert digests_send(partnership=partnership, now=at(17)) == 0
    assert mailoutbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_a_submission_is_in_one_digest_only(mailoutbox, clock_at_monday):
    partnership, admin, lead, measures = make_team()
    first, second = submit(partnership, lead, measures)

    assert digests_send(partnership=partnership, now=at(17)) == 1
    # Beat again the same day, then the next day with nothing new.
    assert digests_send(partnership=partnership, now=at(17, 9)) == 0
    assert digests_send(partnership=partnership, now=at(18)) == 0
    assert len(mailoutbox) == 1

    # On the 18th the admin approves one and returns the other: the next
    # digest says so, and does not list the submissions again.
    clock_at_monday.move_to(at(18, 11))
    review.value_approve(partnership=partnership, value_id=first.pk, actor=admin)
    review.value_return(
        partnership=partnership,
        value_id=second.pk,
        actor=admin,
        reason="Give the term's total.",
    )
    assert digests_send(partnership=partnership, now=at(19)) == 1
    latest = mailoutbox[-1]
    assert "Submitted for review" not in latest.body
    assert "Approved (1):\n- 2026/27 Q2 · CU1 Pupils: 4" in latest.body
    assert "Returned for changes (1):\n- 2026/27 Q2 · CU2 Schools: 4" in latest.body
    assert "Reason: Give the term's total." in latest.body
    assert latest.subject == "North: 2 figures to know about today"
    assert DigestSent.objects.count() == 2


@pytest.mark.django_db
def test_each_admin_reads_it_in_their_own_language(mailoutbox, clock_at_monday):
    partnership, admin, lead, measures = make_team(admin_language="cy")
    english = MembershipFactory(
        partnership=partnership, role=Role.ADMIN, user=UserFactory(language="en-gb")
    ).user
    submit(partnership, lead, measures[:1])

    assert digests_send(partnership=partnership, now=at(17)) == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    welsh = by_address[admin.email]
    assert welsh.body.startswith("Helo Bethan,\n")
    assert "2026/27 Ch2 · CU1 Pupils: 4" in welsh.body
    assert in_welsh("Review them on the Quarter page:") in welsh.body
    assert in_welsh("Review them on the Quarter page:") != (
        "Review them on the Quarter page:"
    )
    assert f"/cy/p/{partnership.slug}/" in welsh.body
    assert "North" in welsh.subject and "figure" not in welsh.subject
    assert by_address[english.email].subject == "North: 1 figure to know about today"


@pytest.mark.django_db
def test_leads_and_admins_who_turned_it_off_get_none(mailoutbox, clock_at_monday):
    partnership, admin, lead, measures = make_team()
    admin.wants_daily_digest = False
    admin.save(update_fields=["wants_daily_digest"])
    submit(partnership, lead, measures)

    assert digests_send(partnership=partnership, now=at(17)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_another_partnerships_figures_are_not_in_the_digest(
    mailoutbox, clock_at_monday
):
    partnership, admin, _lead, _measures = make_team()
    other, _other_admin, other_lead, other_measures = make_team(name="South")
    submit(other, other_lead, other_measures)

    with tenancy.scope(partnership_id=partnership.pk, user_id=admin.pk):
        assert digests_send(partnership=partnership, now=at(17)) == 0
    assert [m.to for m in mailoutbox] == []


@pytest.mark.django_db
def test_your_account_turns_the_digest_off_and_on(clock_at_monday):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    url = reverse("partnerships:account")
    page = client.get(url).content.decode()
    assert "daily digest" in page

    response = client.post(url, {"form": "digest"}, follow=True)
    assert "You will not get the daily digest." in response.content.decode()
    user.refresh_from_db()
    assert not user.wants_daily_digest

    client.post(url, {"form": "digest", "wants_daily_digest": "on"})
    user.refresh_from_db()
    assert user.wants_daily_digest


def test_the_beat_schedule_sends_digests_once_a_day():
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["admin-digests"]
    assert entry["task"] == send_admin_digests.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}


def sent_email(path):
    return email.message_from_bytes(path.read_bytes().split(b"\n" + b"-" * 79)[0])


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_digest_once(tmp_path, monkeypatch, clock):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("EMAIL_FILE_PATH", str(outbox))
    with tenancy.platform_scope():
        partnership, admin, lead, measures = make_team(admin_language="cy")
    with tenancy.scope(partnership_id=partnership.pk, user_id=lead.pk):
        submit(partnership, lead, measures)
    tomorrow = (datetime.datetime.now(tz=LONDON) + datetime.timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )

    worker, log = start_worker("digest", tmp_path)
    try:
        send_admin_digests.delay(tomorrow.isoformat())
        files = wait_for(
            lambda: [f for f in outbox.iterdir() if f.read_text()],
            timeout=60,
            what="the worker to send the digest",
            logs=[log],
        )
        # Beat again that day: the worker runs it and sends nothing more.
        send_admin_digests.delay(tomorrow.isoformat())
        wait_for(
            lambda: log.read_text().count("succeeded in") >= 2 or None,
            timeout=60,
            what="the worker to run the digests twice",
            logs=[log],
        )
    finally:
        stop(worker)
    # Sent once, then nothing on the second run the same day.
    assert re.findall(
        r"send_admin_digests\[[^\]]+\] succeeded in [\d.]+s: (\d+)", log.read_text()
    ) == ["1", "0"]
    assert len(files) == 1
    message = sent_email(files[0])
    assert message["To"] == admin.email
    with tenancy.platform_scope():
        assert DigestSent.objects.filter(partnership=partnership).count() == 1
