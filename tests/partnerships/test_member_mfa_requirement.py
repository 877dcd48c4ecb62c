"""A partnership can ask a second factor of all its members (issue 17,
Deliver 1): the Settings page and the API, admins only, after a recent
sign-in; members without one are sent to add one, and the API refuses them.

People sign in through the sign-in page (tests/partnerships/test_mfa.py).
"""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.models import Role, SecurityEvent, SecurityEventKind
from tests.api import bearer
from tests.factories import PASSWORD, MembershipFactory, PartnershipFactory
from tests.mfa import code_for, enrol

pytestmark = pytest.mark.django_db

ENROL = reverse("partnerships:mfa_enrol")
VERIFY = reverse("partnerships:mfa_verify")
CONFIRM = reverse("partnerships:reauthenticate")


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def signed_in_admin(client, partnership=None):
    membership = MembershipFactory(
        role=Role.ADMIN, **({"partnership": partnership} if partnership else {})
    )
    device = enrol(membership.user)
    sign_in(client, membership.user)
    client.post(VERIFY, {"code": code_for(device)})
    return membership


def settings_url(partnership) -> str:
    return reverse("kpis:partnership_settings", args=[partnership.slug])


def requirement_url(partnership) -> str:
    return reverse("kpis:partnership_second_factor", args=[partnership.slug])


def api_url(partnership) -> str:
    return reverse("api:second_factor_requirement", args=[partnership.slug])


def asking(partnership):
    partnership.members_need_second_factor = True
    partnership.save(update_fields=["members_need_second_factor"])
    return partnership


def test_an_admin_asks_it_of_every_member_on_the_settings_page(client, clock):
    membership = signed_in_admin(client)
    partnership = membership.partnership
    page = client.get(settings_url(partnership)).content.decode()
    assert "Every member must use two-step sign-in" in page
    assert 'name="members_need_second_factor"' in page

    response = client.post(
        requirement_url(partnership), {"members_need_second_factor": "on"}
    )
    assert response.status_code == 302
    assert response.url == settings_url(partnership) + "#two-step"
    partnership.refresh_from_db()
    assert partnership.members_need_second_factor is True
    event = SecurityEvent.objects.get(
        kind=SecurityEventKind.MFA_REQUIREMENT_CHANGED, partnership=partnership
    )
    assert event.actor == membership.user
    assert event.detail == {"members_need_second_factor": True}
    page = client.get(settings_url(partnership)).content.decode()
    assert "Every member must now use two-step sign-in" in page
    assert re.search(
        r'<input type="checkbox"[^>]*id="id_members_need_second_factor"[^>]* checked',
        page,
    )

    client.post(requirement_url(partnership), {})
    partnership.refresh_from_db()
    assert partnership.members_need_second_factor is False
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEventKind.MFA_REQUIREMENT_CHANGED, partnership=partnership
        ).count()
        == 2
    )


def test_saving_it_unchanged_records_nothing(client, clock):
    partnership = signed_in_admin(client).partnership
    client.post(requirement_url(partnership), {})
    assert not SecurityEvent.objects.filter(
        kind=SecurityEventKind.MFA_REQUIREMENT_CHANGED
    ).exists()


def test_a_member_without_an_app_is_sent_to_enrol_at_sign_in(client, clock):
    membership = MembershipFactory(
        role=Role.VIEWER, partnership=asking(PartnershipFactory())
    )
    sign_in(client, membership.user)
    for path in ("/", membership.partnership.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(ENROL)


def test_a_member_signed_in_before_it_was_asked_is_sent_to_enrol(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    assert client.get(membership.partnership.get_absolute_url()).status_code == 200
    asking(membership.partnership)
    response = client.get(membership.partnership.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_a_member_of_another_partnership_is_not_asked(client, clock):
    asking(PartnershipFactory())
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    assert client.get(membership.partnership.get_absolute_url()).status_code == 200


def test_a_member_keeps_their_last_app_while_it_is_asked(client, clock):
    membership = MembershipFactory(
        role=Role.LEAD, partnership=asking(PartnershipFactory())
    )
    device = enrol(membership.user)
    sign_in(client, membership.user)
    client.post(VERIFY, {"code": code_for(device)})
    remove = reverse("partnerships:mfa_device_remove", args=[device.pk])
    response = client.post(remove, follow=True)
    assert "add another authenticator app" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_only_the_partnership_s_admins_change_it(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    sign_in(client, membership.user)
    response = client.post(
        requirement_url(membership.partnership), {"members_need_second_factor": "on"}
    )
    assert response.status_code == 403
    other = PartnershipFactory()
    response = client.post(requirement_url(other), {"members_need_second_factor": "on"})
    assert response.status_code == 404
    for partnership in (membership.partnership, other):
        partnership.refresh_from_db()
        assert partnership.members_need_second_factor is False


def test_changing_it_needs_a_recent_sign_in(client, clock):
    partnership = signed_in_admin(client).partnership
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    response = client.post(
        requirement_url(partnership),
        {"members_need_second_factor": "on"},
        HTTP_REFERER="http://testserver" + settings_url(partnership),
    )
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM)
    partnership.refresh_from_db()
    assert partnership.members_need_second_factor is False


def test_the_api_reads_and_changes_it_for_admins(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    enrol(membership.user)
    headers = bearer(membership.user)
    url = api_url(membership.partnership)
    assert client.get(url, headers=headers).json() == {
        "members_need_second_factor": False
    }
    response = client.put(
        url,
        json.dumps({"members_need_second_factor": True}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json() == {"members_need_second_factor": True}
    membership.partnership.refresh_from_db()
    assert membership.partnership.members_need_second_factor is True
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.MFA_REQUIREMENT_CHANGED, actor=membership.user
    ).exists()


def test_the_api_refuses_bad_input_non_admins_and_other_partnerships(client, clock):
    membership = MembershipFactory(role=Role.ADMIN)
    headers = bearer(membership.user)
    url = api_url(membership.partnership)
    for body in ({"members_need_second_factor": "perhaps"}, {}):
        response = client.put(
            url, json.dumps(body), content_type="application/json", headers=headers
        )
        assert response.status_code == 400
    lead = MembershipFactory(role=Role.LEAD, partnership=membership.partnership)
    response = client.put(
        url,
        json.dumps({"members_need_second_factor": True}),
        content_type="application/json",
        headers=bearer(lead.user),
    )
    assert response.status_code == 403
    other = api_url(PartnershipFactory())
    assert client.get(other, headers=headers).status_code == 404
    membership.partnership.refresh_from_db()
    assert membership.partnership.members_need_second_factor is False


def test_a_stale_browser_session_cannot_change_it_through_the_api(client, clock):
    partnership = signed_in_admin(client).partnership
    clock.shift(datetime.timedelta(minutes=settings.REAUTHENTICATION_MINUTES + 1))
    response = client.put(
        api_url(partnership),
        json.dumps({"members_need_second_factor": True}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "Confirm it is you" in response.json()["detail"]
    partnership.refresh_from_db()
    assert partnership.members_need_second_factor is False


def test_the_api_refuses_a_member_without_a_second_factor_once_asked(client, clock):
    membership = MembershipFactory(role=Role.LEAD)
    headers = bearer(membership.user)
    measures = reverse("api:measure_list", args=[membership.partnership.slug])
    assert client.get(measures, headers=headers).status_code == 200
    asking(membership.partnership)
    response = client.get(measures, headers=headers)
    assert response.status_code == 403
    assert "two-step sign-in" in response.json()["detail"]
    enrol(membership.user)
    assert client.get(measures, headers=headers).status_code == 200
