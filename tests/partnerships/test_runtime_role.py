"""The runtime role the application connects as owns nothing and is refused
every change to the schema (partnerships/migrations/0014_runtime_role_grants).

The tests connect as the runtime role, as the web and the workers do.
"""

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, transaction

from kpis.models import PeriodLockChange
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

REFUSED = {
    "alter table": "ALTER TABLE kpis_period ADD COLUMN note text",
    "disable a trigger": "ALTER TABLE kpis_quarterlyvalue DISABLE TRIGGER ALL",
    "disable a user trigger": "ALTER TABLE kpis_period DISABLE TRIGGER USER",
    "no force row level security": "ALTER TABLE kpis_period NO FORCE ROW LEVEL SECURITY",
    "disable row level security": "ALTER TABLE kpis_period DISABLE ROW LEVEL SECURITY",
    "drop a policy": "DROP POLICY tenant_isolation ON kpis_period",
    "drop table": "DROP TABLE kpis_periodlockchange",
    "truncate": "TRUNCATE kpis_periodlockchange",
    "create table": "CREATE TABLE public.civic_probe (id integer)",
    "create function": (
        "CREATE FUNCTION public.civic_probe() RETURNS integer "
        "LANGUAGE sql AS 'SELECT 1'"
    ),
    "take ownership": "ALTER TABLE kpis_periodlockchange OWNER TO CURRENT_USER",
}


def test_the_tests_connect_as_the_runtime_role_which_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, "
            "(SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole), "
            "has_schema_privilege('public', 'CREATE'), "
            "(SELECT rolsuper OR rolbypassrls FROM pg_roles "
            " WHERE rolname = current_user), "
            "(SELECT datdba = current_user::regrole FROM pg_database "
            " WHERE datname = current_database()), "
            # A member of no role: it cannot SET ROLE to the owner.
            "(SELECT count(*) FROM pg_auth_members "
            " WHERE member = current_user::regrole)"
        )
        role, owned, can_create, privileged, owns_database, member_of = (
            cursor.fetchone()
        )
    assert role == settings.DATABASE_RUNTIME_ROLE
    assert owned == 0
    assert can_create is False
    assert privileged is False
    assert owns_database is False
    assert member_of == 0


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_runtime_role_is_refused(statement):
    PeriodLockChange.objects.create(
        partnership=(period := PeriodFactory()).partnership,
        period=period,
        action=PeriodLockChange.Action.LOCKED,
    )
    with (
        pytest.raises(ProgrammingError, match="must be owner|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert PeriodLockChange.objects.filter(period=period).exists()


def test_the_runtime_role_reads_and_writes_rows():
    period = PeriodFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('kpis_period', 'SELECT, INSERT, UPDATE, "
            "DELETE'), has_table_privilege('kpis_period', 'TRUNCATE'), "
            "has_table_privilege('kpis_period', 'TRIGGER'), "
            "has_table_privilege('kpis_period', 'REFERENCES')"
        )
        assert cursor.fetchone() == (True, False, False, False)
    period.delete()
    assert not type(period).objects.filter(pk=period.pk).exists()
