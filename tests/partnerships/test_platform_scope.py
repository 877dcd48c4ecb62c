"""The runtime role cannot enter the platform scope by itself
(partnerships/platform_scope.py): a bare ``civic.platform`` setting, a
forged proof or one made for another transaction admits no other
partnership's rows; the application's own ``platform_scope()`` still does.
"""

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test import override_settings

from kpis.models import Period
from partnerships import tenancy
from tests.factories import NationalFrameworkFactory, PeriodFactory
from wellbeing.models import NationalFramework

pytestmark = pytest.mark.django_db


def _periods_of(partnership_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM kpis_period WHERE partnership_id = %s",
            [partnership_id],
        )
        return cursor.fetchone()[0]


def _set(name: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def test_a_bare_platform_setting_reads_no_other_partnership():
    ours, theirs = PeriodFactory(), PeriodFactory()
    with tenancy.scope(partnership_id=ours.partnership_id):
        _set("civic.platform", "on")
        assert _periods_of(theirs.partnership_id) == 0
        assert _periods_of(ours.partnership_id) == 1
        assert not Period.objects.filter(pk=theirs.pk).exists()


def test_a_bare_platform_setting_without_a_partnership_reads_nothing():
    PeriodFactory()
    with tenancy.scope():
        _set("civic.platform", "on")
        assert Period.objects.count() == 0


@pytest.mark.parametrize(
    "proof",
    ["on", "0" * 64, tenancy.proof("1:20260101000000000000")],
    ids=["word", "zeros", "another transaction's nonce"],
)
def test_a_forged_proof_reads_no_other_partnership(proof):
    theirs = PeriodFactory()
    with tenancy.scope():
        _set("civic.platform", "on")
        _set("civic.platform_proof", proof)
        assert _periods_of(theirs.partnership_id) == 0


def test_the_runtime_role_cannot_read_or_replace_the_key():
    for statement in (
        "SELECT * FROM civic_platform_key",
        "UPDATE civic_platform_key SET inner_pad = ''::bytea",
        "CREATE OR REPLACE FUNCTION civic_platform_active() RETURNS boolean "
        "LANGUAGE sql AS 'SELECT true'",
    ):
        with (
            pytest.raises(ProgrammingError, match="permission denied|must be owner"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


def test_a_temporary_table_does_not_stand_in_for_the_key():
    # pg_temp comes first in an unqualified search; the function looks only
    # in public.
    theirs = PeriodFactory()
    with tenancy.scope(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE civic_platform_key "
            "(id smallint, inner_pad bytea, outer_pad bytea) ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO civic_platform_key VALUES (1, ''::bytea, ''::bytea)"
        )
        cursor.execute(
            "SELECT encode(sha256(sha256(convert_to(civic_platform_nonce(), "
            "'UTF8'))), 'hex')"
        )
        (forged,) = cursor.fetchone()
        _set("civic.platform", "on")
        _set("civic.platform_proof", forged)
        assert _periods_of(theirs.partnership_id) == 0


def test_a_bare_platform_setting_cannot_write_reference_data():
    framework = NationalFrameworkFactory()
    with tenancy.scope():
        _set("civic.platform", "on")
        with (
            pytest.raises(ProgrammingError, match="Reference data is read-only"),
            transaction.atomic(),
        ):
            NationalFramework.objects.filter(pk=framework.pk).update(name="Changed")


def test_the_application_platform_scope_reads_every_partnership():
    first, second = PeriodFactory(), PeriodFactory()
    with tenancy.platform_scope():
        assert _periods_of(first.partnership_id) == 1
        assert _periods_of(second.partnership_id) == 1
        # A nested partnership scope narrows it, and ending it restores it.
        with tenancy.partnership_scope(first.partnership_id):
            assert _periods_of(second.partnership_id) == 0
        assert _periods_of(second.partnership_id) == 1


def test_the_key_matches_the_secret_key_it_was_installed_with():
    assert tenancy.platform_key_matches()
    theirs = PeriodFactory()
    # Another SECRET_KEY's proof is refused: the scope then reads nothing,
    # and platform_key_matches says so (the scale benchmark refuses to run).
    with override_settings(SECRET_KEY="another-secret-key-0123456789abcdefghij"):
        assert not tenancy.platform_key_matches()
        with tenancy.platform_scope():
            assert _periods_of(theirs.partnership_id) == 0
    assert tenancy.platform_key_matches()


@pytest.mark.django_db(transaction=True)
def test_a_proof_seen_in_one_transaction_is_worthless_in_the_next():
    with tenancy.platform_scope():
        theirs = PeriodFactory()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('civic.platform_proof')")
            (seen,) = cursor.fetchone()
        assert _periods_of(theirs.partnership_id) == 1
    with tenancy.scope():
        _set("civic.platform", "on")
        _set("civic.platform_proof", seen)
        assert _periods_of(theirs.partnership_id) == 0


def test_the_policy_function_is_cheap_and_the_owner_s():
    # STABLE and called as a scalar subquery: once per query, not per row;
    # PARALLEL RESTRICTED, so tenant queries keep their parallel plans.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, provolatile, proparallel, prosecdef, "
            "pg_get_userbyid(proowner) <> current_user "
            "FROM pg_proc WHERE proname LIKE 'civic_platform_%' ORDER BY proname"
        )
        assert cursor.fetchall() == [
            ("civic_platform_active", "s", "r", True, True),
            ("civic_platform_nonce", "s", "r", False, True),
        ]
        cursor.execute(
            "SELECT count(*) FROM pg_policies WHERE schemaname = 'public' "
            "AND (qual LIKE '%civic.platform%' OR with_check LIKE '%civic.platform%')"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("EXPLAIN SELECT count(*) FROM kpis_period")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan
