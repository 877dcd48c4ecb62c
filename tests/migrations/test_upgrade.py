"""Migrating a database that holds the demo loses nothing.

fixtures/demo_at_<commit>.sql.gz is the demo (``demo_load --today
2026-11-15``) dumped at the commit before the wellbeing app existed;
fixtures/demo_at_<commit>.json holds what it contained (record_fixture.py
made both). The test restores the dump into a fresh database, runs
``manage.py migrate`` in a subprocess (so that every migration, today's and
later ones, runs exactly as in a deployment) and finds every row, every
history event, every lock and each partnership's framework still there.

Tables are found through today's models: a model whose table has the old
name, or, for one whose table was renamed since, the entry in RENAMED.
"""

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from psycopg import sql

from partnerships.platform_scope import proof as platform_proof
from tests.database_roles import owner_settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE = "demo_at_ed15907"

# Old table -> "app_label.ModelName" of the model that holds its rows today,
# for tables renamed after the fixture was made (none so far: the models that
# moved to wellbeing kept their tables).
RENAMED: dict[str, str] = {}
# Tables that are no model's: Django's own bookkeeping.
NOT_MODELS = {"django_migrations"}
# Rows that migrating adds by design: a new model's content type and its
# permissions. The old rows must all still be there (checked below).
GROWS = {"django_content_type", "auth_permission"}


def _conninfo(dbname: str, role: dict | None = None) -> str:
    database = settings.DATABASES["default"]
    role = role or database
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        user=role["USER"],
        password=role["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    )


def _database_url(dbname: str, role: dict) -> str:
    database = settings.DATABASES["default"]
    return (
        f"postgres://{role['USER']}:{role['PASSWORD']}@"
        f"{database['HOST']}:{database['PORT'] or 5432}/{dbname}"
    )


def _dump_sql() -> str:
    text = gzip.decompress((FIXTURES / f"{FIXTURE}.sql.gz").read_bytes()).decode()
    # pg_dump's \restrict / \unrestrict are psql meta-commands, not SQL.
    return "\n".join(line for line in text.splitlines() if not line.startswith("\\"))


@pytest.fixture(scope="module")
def upgraded():
    """A connection, as the application's runtime role, to the migrated copy.

    The owner role creates the database, restores the dump and migrates, as
    in a deployment; the runtime role reads what the migrations granted it.
    """
    owner = owner_settings()
    maintenance = settings.DATABASES["default"]["NAME"]
    dbname = f"civic_upgrade_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(maintenance, owner), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    try:
        with psycopg.connect(_conninfo(dbname, owner), autocommit=True) as restore:
            restore.execute(_dump_sql())
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(dbname, owner),
            "DJANGO_SETTINGS_MODULE": "civic.settings.test",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with psycopg.connect(_conninfo(dbname)) as connection:
            # Every partnership's rows: the role cannot bypass row-level
            # security, and enters the platform scope only with the
            # application's proof, valid for one transaction, which the tests
            # share (partnerships/platform_scope.py).
            (nonce,) = connection.execute("SELECT civic_platform_nonce()").fetchone()
            connection.execute(
                "SELECT set_config('civic.platform', 'on', true), "
                "set_config('civic.platform_proof', %s, true)",
                [platform_proof(nonce)],
            )
            yield connection
            connection.rollback()
    finally:
        with psycopg.connect(_conninfo(maintenance, owner), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(dbname)
                )
            )


@pytest.fixture(scope="module")
def before():
    return json.loads((FIXTURES / f"{FIXTURE}.json").read_text())


def _models_by_table():
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
    }


def _model_for(old_table: str):
    if old_table in RENAMED:
        return apps.get_model(RENAMED[old_table])
    model = _models_by_table().get(old_table)
    assert model is not None, (
        f"{old_table} is no model's table now: name its model in RENAMED"
    )
    return model


def _count(connection, table: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
    return connection.execute(query).fetchone()[0]


def _columns(model, *names: str) -> list[sql.Identifier]:
    return [sql.Identifier(model._meta.get_field(name).column) for name in names]


def _table(model) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


def test_every_table_keeps_its_rows(upgraded, before):
    for old_table, count in before["row_counts"].items():
        if old_table in NOT_MODELS:
            continue
        table = _model_for(old_table)._meta.db_table
        now = _count(upgraded, table)
        if old_table in GROWS:
            assert now >= count, old_table
        else:
            assert now == count, f"{old_table} (now {table}): {count} -> {now}"


def test_history_events_are_all_there(upgraded, before):
    from kpis.models import MeasureEvent, QuarterlyValueEvent

    for model in (MeasureEvent, QuarterlyValueEvent):
        old = before["row_counts"][model._meta.db_table]
        assert old > 0
        assert _count(upgraded, model._meta.db_table) == old
    assert (
        _count(upgraded, "pghistory_context")
        == (before["row_counts"]["pghistory_context"])
    )


def test_content_types_keep_their_ids(upgraded, before):
    """Permissions, admin log entries and history contexts point at them."""
    rows = upgraded.execute(
        "SELECT app_label || '.' || model, id FROM django_content_type"
    ).fetchall()
    now = dict(rows)
    for label, id_ in before["content_types"].items():
        try:
            model = apps.get_model(label)
        except LookupError:
            # Moved to another app: found through its table.
            model = _model_for(label.replace(".", "_"))
        assert now.get(model._meta.label_lower) == id_, label


def test_locks_and_their_changes_are_unchanged(upgraded, before):
    from kpis.models import Period, PeriodLockChange
    from partnerships.models import Partnership, User

    partnership, year, quarter, locked_at, locked_by = _columns(
        Period, "partnership", "year", "quarter", "locked_at", "locked_by"
    )
    locked = upgraded.execute(
        sql.SQL(
            "SELECT p.slug, q.{year}, q.{quarter}, q.{locked_at}, u.email"
            " FROM {period} q JOIN {partnerships} p ON p.id = q.{partnership}"
            " LEFT JOIN {users} u ON u.id = q.{locked_by}"
            " WHERE q.{locked_at} IS NOT NULL ORDER BY 1, 2, 3"
        ).format(
            year=year,
            quarter=quarter,
            locked_at=locked_at,
            locked_by=locked_by,
            partnership=partnership,
            period=_table(Period),
            partnerships=_table(Partnership),
            users=_table(User),
        )
    ).fetchall()
    assert before["locked_periods"]
    assert [
        [slug, y, q, at.isoformat(), email] for slug, y, q, at, email in locked
    ] == before["locked_periods"]

    c_partnership, c_period, action, reason, at, actor, path = _columns(
        PeriodLockChange,
        "partnership",
        "period",
        "action",
        "reason",
        "at",
        "actor",
        "path",
    )
    changes = upgraded.execute(
        sql.SQL(
            "SELECT c.id, p.slug, q.{year}, q.{quarter}, c.{action}, c.{reason},"
            " c.{at}, u.email, c.{path} FROM {changes} c"
            " JOIN {partnerships} p ON p.id = c.{c_partnership}"
            " JOIN {period} q ON q.id = c.{c_period}"
            " LEFT JOIN {users} u ON u.id = c.{actor} ORDER BY c.id"
        ).format(
            year=year,
            quarter=quarter,
            action=action,
            reason=reason,
            at=at,
            path=path,
            actor=actor,
            c_partnership=c_partnership,
            c_period=c_period,
            changes=_table(PeriodLockChange),
            period=_table(Period),
            partnerships=_table(Partnership),
            users=_table(User),
        )
    ).fetchall()
    assert before["lock_changes"]
    assert [
        [row[0], *row[1:6], row[6].isoformat(), *row[7:]] for row in changes
    ] == before["lock_changes"]


def test_each_partnership_keeps_its_framework(upgraded, before):
    assert any(before["partnership_frameworks"].values())
    assert _frameworks(upgraded) == before["partnership_frameworks"]


def _frameworks(connection) -> dict[str, str | None]:
    """Each partnership's adopted framework, by slug (None for none)."""
    from partnerships.models import Partnership
    from wellbeing.models import FrameworkAdoption, NationalFramework

    partnership, framework = _columns(FrameworkAdoption, "partnership", "framework")
    return dict(
        connection.execute(
            sql.SQL(
                "SELECT p.slug, f.slug FROM {partnerships} p"
                " LEFT JOIN {adoptions} a ON a.{partnership} = p.id"
                " LEFT JOIN {frameworks} f ON f.id = a.{framework} ORDER BY 1"
            ).format(
                partnerships=_table(Partnership),
                adoptions=_table(FrameworkAdoption),
                frameworks=_table(NationalFramework),
                partnership=partnership,
                framework=framework,
            )
        ).fetchall()
    )


SCHEMA_QUERIES = {
    "columns": (
        "SELECT table_name, column_name, data_type, is_nullable, is_identity"
        " FROM information_schema.columns WHERE table_schema = 'public'"
    ),
    "constraints": (
        # A restored check constraint reads back with other casts: its name
        # and kind say enough.
        "SELECT conrelid::regclass::text, conname, contype,"
        " CASE WHEN contype = 'c' THEN '' ELSE pg_get_constraintdef(oid) END"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    ),
    "indexes": (
        "SELECT tablename, indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = 'public'"
    ),
    "row_level_security": (
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
    ),
    "policies": (
        "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"
        " WHERE schemaname = 'public'"
    ),
    "triggers": (
        "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)"
        " FROM pg_trigger WHERE NOT tgisinternal"
    ),
    "functions": (
        "SELECT proname, md5(prosrc) FROM pg_proc"
        " WHERE pronamespace = 'public'::regnamespace"
    ),
    "sequences": ("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"),
}


@pytest.mark.django_db
def test_the_upgraded_schema_is_the_one_a_fresh_database_gets(upgraded):
    """Same tables, constraints, indexes, row-level security and policies,
    triggers and their functions as the test database, which is migrated from
    nothing: no trigger left under its old name, no policy lost."""
    from django.db import connection

    with connection.cursor() as cursor:
        for name, query in SCHEMA_QUERIES.items():
            cursor.execute(query)
            fresh = sorted(cursor.fetchall())
            now = sorted(upgraded.execute(query).fetchall())
            assert now == fresh, name


def test_sequences_continue_after_the_restored_rows(upgraded):
    rows = upgraded.execute(
        "SELECT table_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND column_name = 'id'"
        " AND is_identity = 'YES'"
    ).fetchall()
    assert rows
    for (table,) in rows:
        query = sql.SQL(
            "SELECT coalesce(max(id), 0), (SELECT last_value FROM {sequence})"
            " FROM {table}"
        ).format(
            table=sql.Identifier(table),
            sequence=sql.Identifier(
                upgraded.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                .fetchone()[0]
                .split(".")[1]
            ),
        )
        highest, last_value = upgraded.execute(query).fetchone()
        assert last_value >= highest, table


def test_locked_quarters_still_refuse_changes(upgraded):
    from kpis.models import LOCKED_QUARTER_SQLSTATE, Period, QuarterlyValue

    period = _columns(QuarterlyValue, "period")[0]
    locked_at = _columns(Period, "locked_at")[0]
    update = sql.SQL(
        "UPDATE {values} SET {period} = {period} WHERE {period} IN"
        " (SELECT id FROM {periods} WHERE {locked_at} IS NOT NULL)"
    ).format(
        values=_table(QuarterlyValue),
        periods=_table(Period),
        period=period,
        locked_at=locked_at,
    )
    with pytest.raises(psycopg.Error) as refused, upgraded.transaction():
        upgraded.execute(update)
    assert refused.value.sqlstate == LOCKED_QUARTER_SQLSTATE


def test_each_reported_year_keeps_the_annual_target_it_had(upgraded):
    """kpis 0018: every measure with a target gets it as its own target for
    each reporting year with figures (and the current one), so that a later
    change leaves those years judged as they were."""
    missing = upgraded.execute(
        """
        SELECT m.code, pe.year
        FROM kpis_performancemeasure m
        JOIN kpis_period pe ON pe.partnership_id = m.partnership_id
        WHERE m.annual_target IS NOT NULL
          AND EXISTS (SELECT 1 FROM kpis_quarterlyvalue v WHERE v.period_id = pe.id)
          AND NOT EXISTS (
              SELECT 1 FROM kpis_measuretarget t
              WHERE t.measure_id = m.id AND t.year = pe.year
                AND t.target = m.annual_target
          )
        """
    ).fetchall()
    assert missing == []
    copied = upgraded.execute("SELECT count(*) FROM kpis_measuretarget").fetchone()[0]
    targeted = upgraded.execute(
        "SELECT count(*) FROM kpis_performancemeasure WHERE annual_target IS NOT NULL"
    ).fetchone()[0]
    assert targeted > 0 and copied >= 2 * targeted
