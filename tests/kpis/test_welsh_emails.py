"""Emails in the recipient's language: a lead who chose Welsh gets the quarter
reminders and the returned-figure email in Welsh (subject, dates, quarter
label and the link to the Welsh page), whatever language the admin works in;
a real Celery worker sends the returned-figure email."""

import datetime
import email
from decimal import Decimal as D

import pytest
from django.utils import translation
from django.utils.translation import gettext

from kpis import notices, recording, review, services
from kpis.periods import Quarter
from kpis.reminders import reminders_send
from kpis.tasks import send_quarter_reminders
from partnerships import tenancy
from partnerships.models import Role
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.workers import start_worker, stop, wait_for

# An April year: 2026/27 Q2 runs July to September, due 30 October 2026.
Q2 = Quarter(2026, 2, 4)


def in_welsh(text: str) -> str:
    with translation.override("cy"):
        return gettext(text)


def make_team(language: str):
    partnership = PartnershipFactory(reporting_year_start_month=4)
    measure = MeasureFactory(partnership=partnership, code="CU1", name="Pupils")
    lead = MembershipFactory(
        partnership=partnership,
        role=Role.LEAD,
        user=UserFactory(full_name="Ann Jones", language=language),
    ).user
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
    services.measure_assign_lead(partnership=partnership, measure=measure, user=lead)
    return partnership, measure, lead, admin


def submitted_figure(partnership, measure, lead):
    period = services.period_get_or_create(partnership=partnership, quarter=Q2)
    value = recording.quarterly_value_record(
        partnership=partnership, measure=measure, period=period, actor=lead, value=D(4)
    )
    review.quarter_submit(partnership=partnership, quarter=Q2, actor=lead)
    return value


@pytest.mark.django_db
def test_a_welsh_lead_gets_the_overdue_reminder_in_welsh(mailoutbox, settings):
    settings.SITE_URL = "https://civic.example.org"
    partnership, _measure, lead, _admin = make_team("cy")
    english_lead = MembershipFactory(
        partnership=partnership, role=Role.LEAD, user=UserFactory(language="en-gb")
    ).user
    services.measure_assign_lead(
        partnership=partnership,
        measure=MeasureFactory(partnership=partnership),
        user=english_lead,
    )

    assert reminders_send(partnership=partnership, today=datetime.date(2026, 11, 2))
    by_address = {message.to[0]: message for message in mailoutbox}
    welsh = by_address[lead.email]
    assert welsh.subject.startswith(
        in_welsh("Overdue: your %(quarter)s figures for %(partnership)s").split("%")[0]
    )
    assert "2026/27 Ch2" in welsh.subject
    assert welsh.body.startswith("Helo Ann,\n")
    assert "30 Hydref 2026" in welsh.body
    assert (
        f"https://civic.example.org/cy/p/{partnership.slug}/my-measures/"
        "?quarter=2026-2" in welsh.body
    )
    assert "Q2" not in welsh.body and "October" not in welsh.body

    english = by_address[english_lead.email]
    assert english.subject == f"Overdue: your 2026/27 Q2 figures for {partnership.name}"
    assert f"https://civic.example.org/p/{partnership.slug}/" in english.body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cy", "en-gb"])
def test_the_returned_figure_email_is_in_the_lead_s_language(
    mailoutbox, settings, language
):
    settings.SITE_URL = "https://civic.example.org"
    partnership, measure, lead, admin = make_team(language)
    value = submitted_figure(partnership, measure, lead)
    # The admin returns it from an English page.
    review.value_return(
        partnership=partnership,
        value_id=value.pk,
        actor=admin,
        reason="Rhowch gyfanswm y tymor, nid y mis.",
    )

    assert notices.value_return_email_send(partnership=partnership, value_id=value.pk)
    (message,) = mailoutbox
    assert message.to == [lead.email]
    assert "Rhowch gyfanswm y tymor, nid y mis." in message.body
    if language == "cy":
        assert message.subject == (
            "Wedi'i ddychwelyd i'w newid: eich ffigur 2026/27 Ch2 ar gyfer CU1 Pupils"
        )
        assert message.body.startswith("Helo Ann,\n")
        assert f"https://civic.example.org/cy/p/{partnership.slug}/" in message.body
    else:
        assert message.subject == (
            "Returned for changes: your 2026/27 Q2 figure for CU1 Pupils"
        )
        assert f"https://civic.example.org/p/{partnership.slug}/" in message.body


@pytest.mark.django_db
def test_no_return_email_once_the_figure_is_no_longer_returned(mailoutbox):
    partnership, measure, lead, admin = make_team("cy")
    value = submitted_figure(partnership, measure, lead)
    assert not notices.value_return_email_send(
        partnership=partnership, value_id=value.pk
    )
    assert mailoutbox == []


def sent_email(path):
    """The first message in a file the file-based email backend wrote."""
    return email.message_from_bytes(path.read_bytes().split(b"\n" + b"-" * 79)[0])


def body_of(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset())


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_return_email_and_reminder_in_welsh(
    tmp_path, monkeypatch
):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv(
        "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("EMAIL_FILE_PATH", str(outbox))
    with tenancy.platform_scope():
        partnership, measure, lead, admin = make_team("cy")
    with tenancy.scope(partnership_id=partnership.pk, user_id=lead.pk):
        value = submitted_figure(partnership, measure, lead)
    with tenancy.scope(partnership_id=partnership.pk, user_id=admin.pk):
        # Queued on commit into the real Redis.
        review.value_return(
            partnership=partnership,
            value_id=value.pk,
            actor=admin,
            reason="Mae'r ffigur yn rhy uchel.",
        )

    worker, log = start_worker("mail", tmp_path)
    try:
        files = wait_for(
            lambda: [f for f in outbox.iterdir() if f.read_text()],
            timeout=60,
            what="the worker to send the return email",
            logs=[log],
        )
        # Then beat's hourly reminders, after the deadline: the returned
        # figure is still outstanding, so the lead hears it is overdue.
        send_quarter_reminders.delay("2026-11-02")
        reminder_files = wait_for(
            lambda: [f for f in outbox.iterdir() if f not in files and f.read_text()],
            timeout=60,
            what="the worker to send the reminder",
            logs=[log],
        )
    finally:
        stop(worker)
    reminder = sent_email(reminder_files[0])
    reminder_subject = str(
        email.header.make_header(email.header.decode_header(reminder["Subject"]))
    )
    assert "2026/27 Ch2" in reminder_subject
    assert "30 Hydref 2026" in body_of(reminder)
    message = sent_email(files[0])
    assert message["To"] == lead.email
    subject = str(
        email.header.make_header(email.header.decode_header(message["Subject"]))
    )
    assert subject.startswith("Wedi'i ddychwelyd i'w newid")
    assert "2026/27 Ch2" in subject
    body = body_of(message)
    assert "Mae'r ffigur yn rhy uchel." in body
    assert "/cy/p/" in body
