"""A locked quarter is settled and its lock history is kept, whatever path
writes (kpis.models.PERIOD_LOCK_GUARD, PeriodLockChange's append_only): raw
SQL and bulk updates as the runtime role, the admin site included."""

import datetime
from contextlib import contextmanager

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from kpis.admin import PeriodAdmin
from kpis.models import (
    LOCKED_PERIOD_SQLSTATE,
    REOPEN_UNRECORDED_SQLSTATE,
    Period,
    PeriodLockChange,
)
from kpis.review import period_lock, period_reopen
from partnerships.models import Role
from tests.factories import MembershipFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def _refused(sqlstate):
    """The database's refusal with that SQLSTATE, the change rolled back."""
    with pytest.raises(DatabaseError) as refusal, transaction.atomic():
        yield
    assert refusal.value.__cause__.sqlstate == sqlstate


@pytest.fixture
def locked():
    return PeriodFactory(locked_at=timezone.now() - datetime.timedelta(days=3))


@pytest.fixture
def admin_of(locked):
    return MembershipFactory(partnership=locked.partnership, role=Role.ADMIN).user


@pytest.mark.parametrize(
    "change",
    [
        {"year": 2025},
        {"quarter": 2},
        {"starts_on": datetime.date(2024, 1, 2)},
        {"ends_on": datetime.date(2024, 2, 20)},
        {"locked_at": timezone.now()},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_locked_quarters_dates_label_and_lock_time_cannot_change(locked, change):
    before = Period.objects.values().get(pk=locked.pk)
    with _refused(LOCKED_PERIOD_SQLSTATE):
        Period.objects.filter(pk=locked.pk).update(**change)
    assert Period.objects.values().get(pk=locked.pk) == before


def test_an_open_quarters_dates_can_still_be_corrected():
    period = PeriodFactory()
    corrected = period.ends_on - datetime.timedelta(days=1)
    Period.objects.filter(pk=period.pk).update(ends_on=corrected)
    period.refresh_from_db()
    assert period.ends_on == corrected


def test_clearing_a_lock_without_a_reopen_record_is_refused(locked):
    with _refused(REOPEN_UNRECORDED_SQLSTATE):
        Period.objects.filter(pk=locked.pk).update(locked_at=None)
    with _refused(REOPEN_UNRECORDED_SQLSTATE), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kpis_period SET locked_at = NULL WHERE id = %s", [locked.pk]
        )
    locked.refresh_from_db()
    assert locked.is_locked


def test_an_earlier_reopen_record_does_not_unlock_the_quarter_again(locked):
    PeriodLockChange.objects.create(
        partnership=locked.partnership,
        period=locked,
        action=PeriodLockChange.Action.REOPENED,
        reason="Long ago",
        at=timezone.now() - datetime.timedelta(days=1),
    )
    with _refused(REOPEN_UNRECORDED_SQLSTATE):
        Period.objects.filter(pk=locked.pk).update(locked_at=None)
    locked.refresh_from_db()
    assert locked.is_locked


def test_the_reopen_service_records_the_reopening_and_lifts_the_lock(locked, admin_of):
    period = period_reopen(
        partnership=locked.partnership,
        quarter=locked.as_quarter,
        actor=admin_of,
        reason="A figure was wrong",
    )
    period.refresh_from_db()
    assert not period.is_locked
    assert list(period.lock_changes.values_list("action", "reason")) == [
        ("reopened", "A figure was wrong")
    ]
    # Locked and reopened again in the same transaction: still recorded.
    period_lock(
        partnership=period.partnership, quarter=period.as_quarter, actor=admin_of
    )
    period_reopen(
        partnership=period.partnership,
        quarter=period.as_quarter,
        actor=admin_of,
        reason="Another one",
    )
    assert period.lock_changes.count() == 3


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_the_lock_history_cannot_be_changed_or_deleted(locked, admin_of, operation):
    period_reopen(
        partnership=locked.partnership,
        quarter=locked.as_quarter,
        actor=admin_of,
        reason="A figure was wrong",
    )
    records = PeriodLockChange.objects.filter(period=locked)
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
    ):
        if operation == "update":
            records.update(reason="Nothing happened")
        else:
            records.delete()
    assert list(records.values_list("reason", flat=True)) == ["A figure was wrong"]


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_admin_site_shows_a_locked_quarters_dates_read_only(staff, locked):
    url = reverse("admin:kpis_period_change", args=[locked.pk])
    page = staff.get(url).content.decode()
    for field in ("year", "quarter", "starts_on", "ends_on"):
        assert f'name="{field}"' not in page
    response = staff.post(url, {"year": 2030, "quarter": 4, "starts_on": "2030-10-01"})
    assert response.status_code == 302
    assert Period.objects.values().get(pk=locked.pk)["year"] == locked.year


def test_the_admin_site_lets_nobody_delete_lock_history(staff, locked):
    record = PeriodLockChange.objects.create(
        partnership=locked.partnership,
        period=locked,
        action=PeriodLockChange.Action.LOCKED,
    )
    response = staff.post(
        reverse("admin:kpis_periodlockchange_delete", args=[record.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = staff.post(
        reverse("admin:kpis_period_delete", args=[locked.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert PeriodLockChange.objects.filter(pk=record.pk).exists()


def test_the_admin_form_turns_the_databases_refusal_into_a_form_error(locked):
    """The quarter was locked after the page was shown: the form still holds
    its date fields, and the database's refusal is shown beside them."""
    request = RequestFactory().post("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = PeriodAdmin(Period, site).get_form(request, obj=None)
    data = {
        "partnership": locked.partnership_id,
        "year": locked.year,
        "quarter": locked.quarter,
        "starts_on": locked.starts_on,
        "ends_on": locked.ends_on - datetime.timedelta(days=1),
    }
    form = form_class(data, instance=Period.objects.get(pk=locked.pk))
    assert not form.is_valid()
    assert "This quarter is locked" in form.non_field_errors()[0]
    assert Period.objects.get(pk=locked.pk).ends_on == locked.ends_on


def test_no_session_can_tell_the_triggers_to_skip_it(locked):
    """pgtrigger's ``pgtrigger.ignore`` setting, which any session may set,
    is ignored itself (partnerships/trigger_guard.py)."""
    record = PeriodLockChange.objects.create(
        partnership=locked.partnership,
        period=locked,
        action=PeriodLockChange.Action.LOCKED,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', "
            "(SELECT array_agg(tgname::text) FROM pg_trigger "
            " WHERE NOT tgisinternal)::text, true)"
        )
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
    ):
        PeriodLockChange.objects.filter(pk=record.pk).delete()
    with _refused(LOCKED_PERIOD_SQLSTATE):
        Period.objects.filter(pk=locked.pk).update(year=2030)
    assert PeriodLockChange.objects.filter(pk=record.pk).exists()
