"""An activity cannot slip into a quarter while an admin locks it, nor be
logged under a lock that is being taken."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from engagement.models import Activity, ContinuumLevel
from engagement.services import ActivityInput, activity_create
from kpis import review
from kpis.selectors import current_quarter
from kpis.services import period_get_or_create
from partnerships import tenancy
from partnerships.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def test_an_activity_logged_as_its_quarter_is_locked_waits_and_is_refused():
    with tenancy.platform_scope():
        partnership = PartnershipFactory(reporting_year_start_month=4)
        organisation = OrganisationFactory(partnership=partnership)
        admin = MembershipFactory(partnership=partnership, role=Role.ADMIN).user
        quarter = current_quarter(partnership=partnership)
        period_get_or_create(partnership=partnership, quarter=quarter)

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
                release.wait(10)
        finally:
            connection.close()

    def log():
        try:
            with tenancy.partnership_scope(partnership.pk):
                activity_create(
                    partnership=partnership,
                    actor=admin,
                    data=ActivityInput(
                        title="Drop-in",
                        starts_on=quarter.starts_on + datetime.timedelta(days=3),
                        ends_on=quarter.starts_on + datetime.timedelta(days=3),
                        level=ContinuumLevel.PARTICIPATION,
                        status="held",
                        participants=5,
                        organisation_ids=[organisation.pk],
                    ),
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
    logger = threading.Thread(target=log)
    logger.start()
    time.sleep(0.5)
    assert "finished_at" not in outcome
    released_at = time.monotonic()
    release.set()
    locker.join(10)
    logger.join(10)
    assert outcome["finished_at"] >= released_at
    assert "saved" not in outcome
    assert "is locked, so its activities cannot change" in outcome["refused"][0]
    with tenancy.platform_scope():
        assert not Activity.objects.filter(partnership=partnership).exists()
