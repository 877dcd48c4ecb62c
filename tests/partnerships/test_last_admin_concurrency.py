"""The last-admin rule under concurrency (issue 12): two admins demoting
each other at once leave the partnership with one admin, never none.

Each admin acts in its own thread and database connection. The first holds
its transaction open after demoting the other; the second starts while it
is open. The second must wait for the first (the partnership's row lock)
and then see that only one admin is left; without the lock it would count
two admins (the first's change not yet committed) and both would succeed.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from partnerships import members, tenancy
from partnerships.models import Membership, Role
from tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_admins_demoting_each_other_at_once_leave_one_admin(action):
    with tenancy.platform_scope():
        partnership = PartnershipFactory()
        first = MembershipFactory(partnership=partnership, role=Role.ADMIN)
        second = MembershipFactory(partnership=partnership, role=Role.ADMIN)

    def act(by, on):
        if action == "demote":
            return members.membership_change(
                partnership=partnership,
                membership_id=on.pk,
                role=Role.VIEWER,
                actor=by.user,
            )
        return members.membership_remove(
            partnership=partnership, membership_id=on.pk, actor=by.user
        )

    first_done = threading.Event()
    second_started = threading.Event()
    results = {}

    def first_admin():
        with tenancy.partnership_scope(partnership.pk), transaction.atomic():
            outcome = act(first, second)
            first_done.set()
            second_started.wait(10)
            # Give the second time to reach (and wait on) the lock.
            time.sleep(0.5)
            return outcome

    def second_admin():
        first_done.wait(10)
        second_started.set()
        with tenancy.partnership_scope(partnership.pk):
            return act(second, first)

    threads = [
        _in_thread(first_admin, results, "first"),
        _in_thread(second_admin, results, "second"),
    ]
    for thread in threads:
        thread.join(30)
    assert isinstance(results["first"], Membership), results["first"]
    assert isinstance(results["second"], ValidationError), results["second"]
    assert "only admin" in " ".join(results["second"].messages)
    with tenancy.platform_scope():
        admins = Membership.objects.filter(partnership=partnership, role=Role.ADMIN)
        assert list(admins.values_list("pk", flat=True)) == [first.pk]
