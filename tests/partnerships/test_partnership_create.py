"""Platform staff create a partnership and invite its first admin (issue 12,
Deliver 6): `manage.py partnership_create` and the staff-only page."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from partnerships import members
from partnerships.models import Invitation, Membership, Partnership, Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_the_command_creates_the_partnership_and_prints_the_link_on_the_console(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = CONSOLE
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "partnership_create",
            "--name",
            "Flintshire Health",
            "--slug",
            "flintshire-health",
            "--admin-email",
            "Ann@Example.org",
            "--year-start",
            "9",
            stdout=out,
        )
    partnership = Partnership.objects.get(slug="flintshire-health")
    assert (partnership.name, partnership.reporting_year_start_month) == (
        "Flintshire Health",
        9,
    )
    assert not partnership.is_demo
    invitation = Invitation.objects.get(partnership=partnership)
    assert (invitation.email, invitation.role) == ("ann@example.org", Role.ADMIN)
    link = re.search(r"Invitation link.*: (\S+)", out.getvalue()).group(1)
    assert members.invitation_digest(link.rstrip("/").rsplit("/", 1)[1]) == (
        invitation.digest
    )
    # The printed link makes the first admin.
    membership = members.invitation_accept(
        secret=link.rstrip("/").rsplit("/", 1)[1],
        password="a-long-unusual-passphrase-42",
    )
    assert (membership.partnership, membership.role) == (partnership, Role.ADMIN)


def test_the_command_without_the_console_sends_the_email_and_prints_no_link(
    django_capture_on_commit_callbacks,
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "partnership_create",
            "--name=East Midlands Universities",
            "--slug=east-midlands",
            "--admin-email=bob@example.org",
            stdout=out,
        )
    assert "Invitation link" not in out.getvalue()
    assert mail.outbox[0].to == ["bob@example.org"]


def test_the_command_refuses_a_taken_slug_or_a_bad_email_and_creates_nothing():
    PartnershipFactory(slug="taken")
    with pytest.raises(CommandError, match="slug"):
        call_command(
            "partnership_create",
            "--name=X",
            "--slug=taken",
            "--admin-email=a@example.org",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="admin_email"):
        call_command(
            "partnership_create",
            "--name=X",
            "--slug=fresh",
            "--admin-email=nope",
            stdout=io.StringIO(),
        )
    assert not Partnership.objects.filter(slug="fresh").exists()
    assert not Invitation.objects.exists()


def test_the_staff_page_does_the_same(client, settings):
    settings.EMAIL_BACKEND = CONSOLE
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("partnerships:partnership_new")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Wakefield Together",
            "slug": "wakefield-together",
            "reporting_year_start_month": "4",
            "admin_email": "cath@example.org",
            "language": "en-gb",
        },
        follow=True,
    )
    assert response.status_code == 200
    partnership = Partnership.objects.get(slug="wakefield-together")
    assert Invitation.objects.get(partnership=partnership).role == Role.ADMIN
    assert "/invitations/" in response.text
    # The staff member is not made a member of it.
    assert not Membership.objects.filter(partnership=partnership).exists()


def test_the_staff_page_refuses_bad_input_beside_the_field(client):
    PartnershipFactory(slug="taken")
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("partnerships:partnership_new"),
        {
            "name": "X",
            "slug": "taken",
            "reporting_year_start_month": "13",
            "admin_email": "nope",
            "language": "en-gb",
        },
    )
    assert response.status_code == 400
    assert 'id="id_admin_email_error"' in response.text
    assert 'id="id_reporting_year_start_month_error"' in response.text
    assert Partnership.objects.count() == 1


def test_the_staff_page_is_for_platform_staff_only(client):
    admin = MembershipFactory(role=Role.ADMIN)
    client.force_login(admin.user)
    url = reverse("partnerships:partnership_new")
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "name": "X",
            "slug": "x",
            "reporting_year_start_month": "4",
            "admin_email": "a@example.org",
            "language": "en-gb",
        },
    )
    assert response.status_code == 403
    assert not Partnership.objects.filter(slug="x").exists()
    client.logout()
    assert client.get(url).status_code == 302
