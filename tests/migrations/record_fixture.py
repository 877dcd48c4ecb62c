"""Record the database the upgrade test starts from (run by hand, once per fixture).

    python -m tests.migrations.record_fixture <superuser DSN> <commit>

It dumps the database (``pg_dump --no-owner --no-privileges --inserts``: plain
SQL that the test's non-superuser role can run through psycopg) into
``fixtures/demo_at_<commit>.sql.gz`` and writes, next to it, what
test_upgrade.py checks after migrating: the row count of every table, the
locked quarters with their lock changes, and each partnership's framework.
The database must hold the demo (``manage.py demo_load --today 2026-11-15``)
at that commit's migrations.
"""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import psycopg

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def record(dsn: str, commit: str) -> None:
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--inserts", dsn],
        check=True,
        capture_output=True,
    ).stdout
    (FIXTURES / f"demo_at_{commit}.sql.gz").write_bytes(
        gzip.compress(dump, compresslevel=9, mtime=0)
    )
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT p.slug, q.year, q.quarter, q.locked_at, u.email"
            " FROM kpis_period q JOIN partnerships_partnership p"
            " ON p.id = q.partnership_id LEFT JOIN partnerships_user u"
            " ON u.id = q.locked_by_id WHERE q.locked_at IS NOT NULL ORDER BY 1, 2, 3"
        )
        locked = [
            [slug, year, quarter, at.isoformat(), email]
            for slug, year, quarter, at, email in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT c.id, p.slug, q.year, q.quarter, c.action, c.reason, c.at,"
            " u.email, c.path FROM kpis_periodlockchange c"
            " JOIN partnerships_partnership p ON p.id = c.partnership_id"
            " JOIN kpis_period q ON q.id = c.period_id"
            " LEFT JOIN partnerships_user u ON u.id = c.actor_id ORDER BY c.id"
        )
        lock_changes = [
            [id_, slug, year, quarter, action, reason, at.isoformat(), email, path]
            for id_, slug, year, quarter, action, reason, at, email, path in (
                cursor.fetchall()
            )
        ]
        cursor.execute(
            "SELECT p.slug, f.slug FROM partnerships_partnership p"
            " LEFT JOIN kpis_nationalframework f ON f.id = p.framework_id ORDER BY 1"
        )
        frameworks = dict(cursor.fetchall())
        cursor.execute(
            "SELECT app_label || '.' || model, id FROM django_content_type ORDER BY id"
        )
        content_types = dict(cursor.fetchall())
    snapshot = {
        "commit": commit,
        "content_types": content_types,
        "made_with": "manage.py migrate; manage.py demo_load --today 2026-11-15",
        "row_counts": counts,
        "locked_periods": locked,
        "lock_changes": lock_changes,
        "partnership_frameworks": frameworks,
    }
    (FIXTURES / f"demo_at_{commit}.json").write_text(
        json.dumps(snapshot, indent=1, sort_keys=True) + "\n"
    )


if __name__ == "__main__":
    record(sys.argv[1], sys.argv[2])
