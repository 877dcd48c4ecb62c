import pytest

from partnerships import policy
from partnerships.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.ADMIN,
            dict(
                administer=True,
                enter_figures=True,
                review=True,
                follow_progress=True,
                lock=True,
                import_framework=True,
                import_figures=True,
                export_framework=True,
                export_figures=True,
            ),
        ),
        (
            Role.LEAD,
            dict(
                administer=False,
                enter_figures=True,
                review=False,
                follow_progress=False,
                lock=False,
                import_framework=False,
                import_figures=True,
                export_framework=False,
                export_figures=True,
            ),
        ),
        (
            Role.VIEWER,
            dict(
                administer=False,
                enter_figures=False,
                review=False,
                follow_progress=True,
                lock=False,
                import_framework=False,
                import_figures=False,
                export_framework=False,
                export_figures=True,
            ),
        ),
    ],
)
def test_each_role_may_do_what_the_policy_says(role, expected):
    membership = MembershipFactory(role=role)
    assert policy.Allowed.of(membership).__dict__ == expected


def test_someone_who_is_not_a_member_may_do_nothing():
    assert not any(policy.Allowed.of(None).__dict__.values())
    assert not policy.may_export(None, policy.FIGURES)


def test_tenant_pages_get_the_policy_s_answers(client):
    membership = MembershipFactory(role=Role.LEAD)
    client.force_login(membership.user)
    response = client.get(f"/p/{membership.partnership.slug}/")
    assert response.context["may"] == policy.Allowed.of(membership)
