"""Sharing queues a rebuild of the copy after commit, run by a real Celery
worker through Redis: a figure written later in the sharing's own
transaction reaches the copy without anyone opening the network page."""

from decimal import Decimal

import pytest

from kpis.models import QuarterlyValue
from kpis.recording import quarterly_value_record
from networks import services
from networks.models import SharedCopy
from partnerships import tenancy
from tests.factories import UserFactory
from tests.workers import start_worker, stop, wait_for

from .conftest import _member, join

pytestmark = pytest.mark.django_db(transaction=True)


def _copy(partnership_id: int) -> SharedCopy | None:
    with tenancy.partnership_scope(partnership_id):
        return SharedCopy.objects.filter(partnership_id=partnership_id).first()


def test_a_worker_rebuilds_the_copy_after_the_sharing_commits(tmp_path):
    with tenancy.platform_scope():
        staff = UserFactory(is_staff=True)
        network = services.network_save(
            actor=staff, english={"name": "Action learning"}, welsh={}
        )
        shared = services.shared_measure_save(
            actor=staff,
            network=network,
            question="how_much",
            value_type="count",
            english={"name": "Volunteers"},
            welsh={},
        )
        member = _member("Sharer", [12, 14, 13, 20])
        join(network, member, staff)
    p = member.partnership
    worker, log = start_worker("networks", tmp_path)
    try:
        with tenancy.scope(partnership_id=p.pk, user_id=member.admin.user.pk):
            services.adoption_set(
                partnership=p,
                membership=member.admin,
                actor=member.admin.user,
                shared_measure=shared,
                measure_id=member.measure.pk,
                is_shared=True,
            )
            value = QuarterlyValue.objects.get(
                measure=member.measure, period__quarter=2
            )
            quarterly_value_record(
                partnership=p,
                measure=member.measure,
                period=value.period,
                actor=member.admin.user,
                value=Decimal(41),
            )
        assert _copy(p.pk).built_version != _copy(p.pk).source_version
        copy = wait_for(
            lambda: (c := _copy(p.pk)) and c.built_version == c.source_version and c,
            timeout=60,
            what="the worker to rebuild the copy",
            logs=[log],
        )
        year = next(
            y for y in copy.payload["languages"]["en-gb"]["years"] if y["year"] == 2024
        )
        assert [q["figure"] for q in year["quarters"]] == ["12", "41", "13", "20"]
        assert "shared_copy_refresh" in log.read_text()
    finally:
        stop(worker)
