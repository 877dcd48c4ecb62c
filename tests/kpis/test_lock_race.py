"""A figure cannot slip into a quarter while an admin locks it."""

import threading
import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kpis import recording, review, services
from kpis.models import QuarterlyValue
from kpis.selectors import current_quarter
from partnerships import tenancy
from partnerships.models import Role
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

# The data is laid out relative to today: the clock is pinned (tests/conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def test_a_save_that_races_a_lock_waits_and_is_refused():
    with tenancy.platform_scope():
        partnership = PartnershipFactory()
        admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
        measure = MeasureFactory(partnership=partnership)
        quarter = current_quarter(partnership=partnership)
        period = services.period_get_or_create(partnership=partnership, quarter=quarter)

    locked = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def lock_and_hold():
        try:
            with tenancy.partnership_scope(partnership.pk):
                review.period_lock(
                    partnership=partnership, quarter=quarter, actor=admin
                )
                locked.set()
                # Hold the lock (uncommitted) while the other save arrives.
                release.wait(10)
        finally:
            connection.close()

    def save():
        try:
            with tenancy.partnership_scope(partnership.pk):
                recording.quarterly_value_record(
                    partnership=partnership,
                    measure=measure,
                    period=period,
                    actor=admin,
                    value=D(3),
                )
            outcome["saved"] = True
        except ValidationError as error:
            outcome["refused"] = error.messages
        finally:
            outcome["finished_at"] = time.monotonic()
            connection.close()

    locker = threading.Thread(target=lock_and_hold)
    locker.start()
    assert locked.wait(10)
    saver = threading.Thread(target=save)
    saver.start()
    time.sleep(0.5)
    # The save is waiting for the lock's transaction, not racing past it.
    assert "finished_at" not in outcome
    released_at = time.monotonic()
    release.set()
    locker.join(10)
    saver.join(10)
    assert outcome["finished_at"] >= released_at
    assert "saved" not in outcome
    assert "is locked" in outcome["refused"][0]
    with tenancy.platform_scope():
        assert not QuarterlyValue.objects.filter(measure=measure).exists()
