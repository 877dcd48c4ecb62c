"""An invitation's page is in the invitation's language, as its email is,
and the account made from it keeps that language."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from partnerships import members
from partnerships.models import Role, User
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def admin():
    return MembershipFactory(role=Role.ADMIN)


def invite(admin, language, email="nia@example.org"):
    return members.invitation_create(
        partnership=admin.partnership,
        email=email,
        full_name="Nia Lead",
        role=Role.LEAD,
        language=language,
        actor=admin.user,
    )


def emailed_path(message) -> str:
    url = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_welsh_invitation_links_to_its_welsh_page_and_the_account_keeps_welsh(
    client, admin, django_capture_on_commit_callbacks
):
    # Sent from an English page: the invitation's language decides.
    with (
        translation.override("en-gb"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invite(admin, "cy")
    path = emailed_path(mail.outbox[-1])
    assert path.startswith("/cy/invitations/")

    page = client.get(path)
    assert page.status_code == 200
    assert '<html lang="cy"' in page.text
    with translation.override("cy"):
        join = gettext("Join %(name)s") % {"name": admin.partnership.name}
    assert join in page.text
    assert f"Join {admin.partnership.name}" not in page.text

    response = client.post(
        path,
        {
            "full_name": "Nia Lead",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url.startswith("/cy/p/")
    assert User.objects.get(email="nia@example.org").language == "cy"


def test_an_english_invitation_links_to_its_english_page_from_a_welsh_one(
    client, admin, django_capture_on_commit_callbacks
):
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        invite(admin, "en-gb")
    path = emailed_path(mail.outbox[-1])
    assert path.startswith("/invitations/")
    page = client.get(path)
    assert '<html lang="en-GB"' in page.text or '<html lang="en-gb"' in page.text
    assert f"Join {admin.partnership.name}" in page.text


def test_a_resent_invitation_keeps_its_language(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(admin, "cy")
    with (
        translation.override("en-gb"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = members.invitation_resend(
            partnership=admin.partnership,
            invitation_id=sent.invitation.pk,
            actor=admin.user,
        )
    assert "/cy/invitations/" in again.url
    assert emailed_path(mail.outbox[-1]).startswith("/cy/invitations/")
