import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from partnerships import members
from partnerships.models import Role
from tests.factories import (
    PASSWORD,
    MeasureFactory,
    MembershipFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def without_tokens(response) -> str:
    """The page without its per-request CSRF tokens."""
    page = response.content.decode()
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def tenant_urls(partnership, measure):
    slug = partnership.slug
    return [
        reverse("reports:dashboard", kwargs={"slug": slug}),
        reverse("kpis:my_measures", kwargs={"slug": slug}),
        reverse("reports:measure_detail", kwargs={"slug": slug, "pk": measure.pk}),
    ]


def test_people_sign_in_with_their_email(client):
    membership = MembershipFactory()
    typed = f"  {membership.user.email.upper()} "
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("partnerships:home")).status_code == 302


def test_a_wrong_password_says_so_and_signs_nobody_in(client):
    membership = MembershipFactory()
    response = client.post(
        reverse("login"), {"username": membership.user.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_membership_goes_straight_in(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("partnerships:home"))
    assert response.status_code == 302
    assert response["Location"] == f"/p/{membership.partnership.slug}/"


def test_several_memberships_are_listed(client):
    first = MembershipFactory(role=Role.ADMIN)
    second = MembershipFactory(user=first.user, role=Role.VIEWER)
    MembershipFactory()  # someone else's
    client.force_login(first.user)
    response = client.get(reverse("partnerships:home"))
    page = response.content.decode()
    assert first.partnership.name in page and second.partnership.name in page
    assert "Partnership admin" in page and "Steering-group member" in page
    assert len(response.context["memberships"]) == 2


def test_anonymous_people_are_sent_to_sign_in(client):
    measure = MeasureFactory()
    for url in tenant_urls(measure.partnership, measure):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_non_members_get_404_exactly_as_for_a_missing_partnership(client):
    measure = MeasureFactory()
    outsider = MembershipFactory(role=Role.ADMIN)  # admin elsewhere
    client.force_login(outsider.user)
    missing = client.get("/p/no-such-partnership/")
    for url in tenant_urls(measure.partnership, measure):
        response = client.get(url)
        assert response.status_code == 404, url
        assert without_tokens(response) == without_tokens(missing), url
    assert (
        client.post(
            reverse("kpis:my_measures", kwargs={"slug": measure.partnership.slug}),
            {"measure": measure.pk},
        ).status_code
        == 404
    )


def test_a_removed_member_loses_access_on_their_next_request(client):
    measure = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    member = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(member.user)
    urls = tenant_urls(measure.partnership, measure)
    for url in urls:
        assert client.get(url).status_code == 200, url
    members.membership_remove(
        partnership=measure.partnership, membership_id=member.pk, actor=admin.user
    )
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_changed_role_shows_on_the_next_request(client):
    measure = MeasureFactory()
    admin = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    member = MembershipFactory(partnership=measure.partnership, role=Role.ADMIN)
    client.force_login(member.user)
    slug = measure.partnership.slug
    dashboard = reverse("reports:dashboard", kwargs={"slug": slug})
    people = f'href="{reverse("partnerships:members", kwargs={"slug": slug})}"'
    assert people in client.get(dashboard).content.decode()
    members.membership_change(
        partnership=measure.partnership,
        membership_id=member.pk,
        role=Role.VIEWER,
        actor=admin.user,
    )
    assert people not in client.get(dashboard).content.decode()


def test_a_measure_of_another_partnership_is_404_even_for_a_member(client):
    ours = MembershipFactory(role=Role.ADMIN)
    theirs = MeasureFactory()
    client.force_login(ours.user)
    url = reverse(
        "reports:measure_detail",
        kwargs={"slug": ours.partnership.slug, "pk": theirs.pk},
    )
    assert client.get(url).status_code == 404


def test_password_reset_sends_an_email(client, mailoutbox):
    membership = MembershipFactory()
    response = client.post(reverse("password_reset"), {"email": membership.user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert membership.user.email in mailoutbox[0].to


def test_healthz_reports_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_needs_no_login_and_says_503_when_the_database_is_down(
    client, settings, django_db_blocker
):
    settings.CELERY_BROKER_URL = ""
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        with django_db_blocker.unblock():
            response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


def test_healthz_200_degraded_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")


def test_partnership_slug_is_unique():
    PartnershipFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(slug="same")
