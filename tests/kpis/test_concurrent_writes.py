"""Thirty writers at once on one quarter: no deadlock, no 500, no lost update.

Half the writers record the whole quarter through the API's bulk endpoint,
half save one figure at a time as the entry form does (with the version they
read, so some meet a newer one): each in its own thread and database
connection, all released together. Every answer is a success or an expected
conflict (409 / ``ValueConflict``); none is a deadlock; and each figure's
final version counts exactly the writes that succeeded on it. The second
run starts from empty quarters, one a round, so that most writes add a figure
another writer is adding too (where row locks alone cannot keep one order).
"""

import random
import threading
from collections import Counter
from decimal import Decimal as D

import psycopg.errors
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kpis import recording, services
from kpis.models import QuarterlyValue
from kpis.selectors import current_quarter
from partnerships import tenancy
from partnerships.models import Role
from tests.api import bearer, post_json
from tests.factories import MeasureFactory, MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

WRITERS = 30
ROUNDS = 3


def _deadlock_in(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, psycopg.errors.DeadlockDetected):
            return True
        error = error.__cause__ or error.__context__
    return False


@pytest.mark.parametrize(
    ("measure_count", "stored", "quarters"),
    [(6, 4, 1), (8, 0, ROUNDS)],
    ids=["on one quarter", "adding figures to empty quarters"],
)
def test_thirty_concurrent_bulk_records_and_saves(measure_count, stored, quarters):
    with tenancy.platform_scope():
        partnership = PartnershipFactory()
        admins = [
            MembershipFactory(partnership=partnership, role=Role.ADMIN).user
            for _ in range(WRITERS)
        ]
        measures = [
            MeasureFactory(partnership=partnership, code=f"M-{n:02}")
            for n in range(measure_count)
        ]
        # Round r writes the quarter r back from the current one.
        wanted = [current_quarter(partnership=partnership)]
        while len(wanted) < quarters:
            wanted.append(wanted[-1].previous())
        periods = [
            services.period_get_or_create(partnership=partnership, quarter=q)
            for q in wanted
        ]
        # The first ``stored`` figures exist (their rows are locked); the
        # rest are created by the race itself.
        for measure in measures[:stored]:
            recording.quarterly_value_record(
                partnership=partnership,
                measure=measure,
                period=periods[0],
                actor=admins[0],
                value=D(1),
            )
        headers = [bearer(admin) for admin in admins]
    initial = Counter({(m.pk, periods[0].pk): 1 for m in measures[:stored]})
    url = reverse("api:value_bulk", kwargs={"slug": partnership.slug})

    start = threading.Barrier(WRITERS, timeout=30)
    lock = threading.Lock()
    succeeded: Counter[tuple[int, int]] = Counter()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []

    def bulk(index: int, client: Client, rng: random.Random, period) -> None:
        chosen = rng.sample(measures, rng.randint(2, len(measures)))
        rows = [{"measure": m.code, "value": str(rng.randint(0, 99))} for m in chosen]
        response = post_json(
            client,
            url,
            {"year": period.year, "quarter": period.quarter, "values": rows},
            headers[index],
        )
        with lock:
            outcomes[f"bulk {response.status_code}"] += 1
            if response.status_code in (200, 201):
                succeeded.update((m.pk, period.pk) for m in chosen)
            elif response.status_code != 409:
                failures.append(f"bulk {response.status_code}: {response.content!r}")

    def save(index: int, rng: random.Random, period) -> None:
        measure = rng.choice(measures)
        with tenancy.partnership_scope(partnership.pk):
            seen = (
                QuarterlyValue.objects.filter(measure=measure, period=period)
                .values_list("version", flat=True)
                .first()
            )
        try:
            with tenancy.partnership_scope(partnership.pk):
                recording.quarterly_value_record(
                    partnership=partnership,
                    measure=measure,
                    period=period,
                    actor=admins[index],
                    value=D(rng.randint(0, 99)),
                    expected_version=seen or 0,
                )
        except recording.ValueConflict:
            with lock:
                outcomes["save conflict"] += 1
            return
        with lock:
            outcomes["save ok"] += 1
            succeeded[(measure.pk, period.pk)] += 1

    def writer(index: int) -> None:
        rng = random.Random(index)
        client = Client()
        try:
            start.wait()
            for round_ in range(ROUNDS):
                period = periods[round_ % len(periods)]
                if index % 2:
                    bulk(index, client, rng, period)
                else:
                    save(index, rng, period)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            with lock:
                kind = "DEADLOCK" if _deadlock_in(error) else "error"
                failures.append(f"{kind}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "writers still running"

    assert failures == [], failures
    assert sum(outcomes.values()) == WRITERS * ROUNDS
    assert outcomes["bulk 200"] + outcomes["bulk 201"] > 0 and outcomes["save ok"] > 0
    with tenancy.platform_scope():
        versions = {
            (measure_id, period_id): version
            for measure_id, period_id, version in QuarterlyValue.objects.filter(
                period__in=periods
            ).values_list("measure_id", "period_id", "version")
        }
    for measure in measures:
        for period in periods:
            key = (measure.pk, period.pk)
            expected = initial[key] + succeeded[key]
            assert versions.get(key, 0) == expected, (measure.code, outcomes)
