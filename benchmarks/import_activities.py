"""Benchmark: checking and importing 2,000 engagement activities.

Builds one partnership (``bench-import-activities``, April years) with three
organisations, a "Community" dimension of four categories, an "Age group"
dimension, two standards, an admin, a measure computed from the log
(activities held) and 1,000 activities already logged over the eight
quarters 2024/25 Q1 to 2025/26 Q4. Then the CSV an admin would upload: the
log's own export of those 1,000 (``exchange.activities.activity_rows``),
each changed (a new title, one more participant), and 1,000 new rows, with
organisations, communities and standards named as the export names them.
Built in bulk, not timed. An earlier run's partnership is deleted first,
and this one at the end unless ``--keep-data`` is given.

Then it times what the import job's two Celery tasks do for the file
(``exchange.services``, kind "activities"), inside ``partnership_scope`` as
the tasks run: the check (``read_upload``, then ``activities_plan``: every
row written through the log's service and rolled back) and, after the
confirmation, the import in one transaction inside
``pghistory.context(path="import")`` (``read_upload``, ``activities_write``:
the rows written again and kept, the computed figures recomputed once), then
the commit. Each phase's SQL statements are counted.

The last line is
``import_activities rows=N seconds=S rows_per_s=X check_seconds=C
write_seconds=W check_queries=QC write_queries=QW``.

Run with DATABASE_URL set (``scripts/run-benchmarks.sh`` does it):
``.venv/bin/python benchmarks/import_activities.py [--keep-data]``.
"""

import argparse
import datetime
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-import-activities"
ADMIN_EMAIL = "bench-import-activities@example.org"
EXISTING = 1000
NEW = 1000
START_MONTH = 4
FIRST_DAY = datetime.date(2024, 4, 1)
DAYS = 730  # eight quarters


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.test")
    import django

    django.setup()


def delete_data() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kpis.models import QuarterlyValue
    from partnerships.models import Partnership
    from partnerships.tenancy import platform_scope

    with platform_scope(), connection.cursor() as cursor:
        # As benchmarks/report_pdf.py: the data version moves at commit,
        # which skips a deleted partnership.
        cursor.execute("SET LOCAL civic.data_version_at = 'commit'")
        # Values first: a quarter's values PROTECT it from the cascade.
        QuarterlyValue.objects.filter(partnership__slug=SLUG).delete()
        Partnership.objects.filter(slug=SLUG).delete()
        get_user_model().objects.filter(email=ADMIN_EMAIL).delete()


def build() -> tuple[int, int]:
    """The partnership and its log; its id and the admin's id."""
    from django.contrib.auth import get_user_model

    from engagement.models import (
        Activity,
        ActivityCommunity,
        ActivityOrganisation,
        ActivityStandard,
        ComputedKind,
        ContinuumLevel,
        EngagementStandard,
    )
    from engagement.services import ComputationInput, computed_measure_set
    from kpis.models import Dimension, DimensionCategory, PerformanceMeasure
    from partnerships.models import Membership, Organisation, Partnership, Role
    from partnerships.tenancy import platform_scope

    delete_data()
    with platform_scope():
        admin = get_user_model().objects.create_user(ADMIN_EMAIL, "bench")
        p = Partnership.objects.create(
            name="Activities import benchmark",
            slug=SLUG,
            reporting_year_start_month=START_MONTH,
        )
        Membership.objects.create(partnership=p, user=admin, role=Role.ADMIN)
        organisations = Organisation.objects.bulk_create(
            Organisation(partnership=p, name=name)
            for name in ("Council", "Health board", "Housing association")
        )
        community = Dimension.objects.create(partnership=p, name="Community")
        Dimension.objects.create(partnership=p, name="Age group", position=1)
        categories = DimensionCategory.objects.bulk_create(
            DimensionCategory(partnership=p, dimension=community, name=n, position=i)
            for i, n in enumerate(("Eastmoor", "Warwick", "Lupset", "Flanshaw"))
        )
        standards = EngagementStandard.objects.bulk_create(
            EngagementStandard(partnership=p, name=n, position=i)
            for i, n in enumerate(("Feedback given", "Accessible venue"))
        )
        measure = PerformanceMeasure.objects.create(
            partnership=p,
            code="EN1",
            name="Engagement activities held",
            question="how_much",
            value_type="count",
            aggregation="sum",
        )
        computed_measure_set(
            partnership=p,
            actor=admin,
            measure=measure,
            data=ComputationInput(kind=ComputedKind.ACTIVITIES),
        )
        levels = ContinuumLevel.values
        activities = Activity.objects.bulk_create(
            Activity(
                partnership=p,
                title_en=f"Logged {n}",
                starts_on=FIRST_DAY + datetime.timedelta(days=n * DAYS // EXISTING),
                ends_on=FIRST_DAY + datetime.timedelta(days=n * DAYS // EXISTING),
                status="held",
                level=levels[n % len(levels)],
                participants=n % 40,
                recorded_by=admin,
            )
            for n in range(EXISTING)
        )
        ActivityOrganisation.objects.bulk_create(
            ActivityOrganisation(
                partnership=p, activity=a, organisation=organisations[n % 3]
            )
            for n, a in enumerate(activities)
        )
        ActivityCommunity.objects.bulk_create(
            ActivityCommunity(partnership=p, activity=a, category=categories[n % 4])
            for n, a in enumerate(activities)
        )
        ActivityStandard.objects.bulk_create(
            ActivityStandard(partnership=p, activity=a, standard=standards[n % 2])
            for n, a in enumerate(activities)
            if n % 3
        )
    return p.pk, admin.pk


def upload(partnership_id: int) -> bytes:
    """The export of the log, every row changed, then the new rows."""
    from exchange import activities
    from exchange.spreadsheets import csv_bytes
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope

    with partnership_scope(partnership_id):
        partnership = Partnership.objects.get(pk=partnership_id)
        rows = activities.activity_rows(partnership=partnership)
    for row in rows:
        row[1] = f"{row[1]} (changed)"
        row[9] = (row[9] or 0) + 1
    organisations = ("Council", "Health board; Council", "Housing association")
    communities = ("Community: Eastmoor", "Community: Warwick; Community: Lupset")
    for n in range(NEW):
        day = FIRST_DAY + datetime.timedelta(days=(n * 7) % DAYS)
        rows.append(
            [
                "",
                f"New activity {n}",
                day.isoformat(),
                "",
                "Held" if n % 5 else "Planned",
                "Participation" if n % 2 else "Forums for debate",
                "Drop-in",
                organisations[n % 3],
                communities[n % 2],
                n % 30 if n % 5 else "",
                "Feedback given" if n % 4 else "",
                "",
                "",
            ]
        )
    return csv_bytes(activities.headers(), rows)


class Statements:
    """Counts the SQL statements run on the connection while it is active."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def check(pid: int, admin_id: int, content: bytes) -> tuple[float, int, dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from exchange.activities import activities_plan
    from exchange.spreadsheets import read_upload
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope

    admin = get_user_model().objects.get(pk=admin_id)
    statements = Statements()
    started = time.perf_counter()
    with connection.execute_wrapper(statements), partnership_scope(pid):
        partnership = Partnership.objects.get(pk=pid)
        workbook = read_upload(content, filename="log.csv")
        plan = activities_plan(partnership=partnership, actor=admin, workbook=workbook)
    seconds = time.perf_counter() - started
    if plan.problems:
        raise RuntimeError(f"unexpected problems: {list(plan.problems)[:3]}")
    return seconds, statements.count, plan.preview()["counts"]


def write(pid: int, admin_id: int, content: bytes) -> tuple[float, float, int, int]:
    import pghistory
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from exchange.activities import activities_write
    from exchange.spreadsheets import read_upload
    from partnerships.models import Partnership
    from partnerships.tenancy import partnership_scope

    admin = get_user_model().objects.get(pk=admin_id)
    statements = Statements()
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        # One transaction, as the task's (partnership_scope holds it).
        with (
            transaction.atomic(),
            partnership_scope(pid),
            pghistory.context(user=admin_id, path="import"),
        ):
            partnership = Partnership.objects.get(pk=pid)
            workbook = read_upload(content, filename="log.csv")
            result, problems = activities_write(
                partnership=partnership, actor=admin, workbook=workbook
            )
            if problems:
                raise RuntimeError(f"unexpected problems: {list(problems)[:3]}")
            written = time.perf_counter()
        committed = time.perf_counter()
    return (
        written - started,
        committed - written,
        statements.count,
        (result.added + result.changed),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("import_activities: DATABASE_URL is not set", file=sys.stderr)
        return 2
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        # As in production: the test settings move it at each statement.
        cursor.execute("SET civic.data_version_at = 'commit'")
    try:
        started = time.perf_counter()
        pid, admin_id = build()
        content = upload(pid)
        print(
            f"import_activities: built a partnership of {EXISTING} activities and "
            f"a CSV of {EXISTING} changes and {NEW} new rows "
            f"({len(content) / 1024:.0f} KiB) in {time.perf_counter() - started:.2f} s"
        )
        check_seconds, check_queries, counts = check(pid, admin_id, content)
        print(
            f"import_activities: check {check_seconds:.2f} s, {check_queries} "
            f"statements; preview {counts}"
        )
        write_seconds, commit_seconds, write_queries, rows = write(
            pid, admin_id, content
        )
        print(
            f"import_activities: import {write_seconds:.2f} s (read, check, write, "
            f"the computed figures), {write_queries} statements; commit "
            f"{commit_seconds:.2f} s"
        )
        from engagement.models import Activity
        from kpis.models import QuarterlyValue
        from partnerships.tenancy import partnership_scope

        with partnership_scope(pid):
            stored = Activity.objects.filter(partnership_id=pid).count()
            figures = QuarterlyValue.objects.filter(partnership_id=pid).count()
        print(
            f"import_activities: {stored} activities stored, {figures} computed figures"
        )
        seconds = check_seconds + write_seconds + commit_seconds
        print(
            f"import_activities rows={rows} seconds={seconds:.2f} "
            f"rows_per_s={rows / seconds:.0f} check_seconds={check_seconds:.2f} "
            f"write_seconds={write_seconds + commit_seconds:.2f} "
            f"check_queries={check_queries} write_queries={write_queries}"
        )
        return 0
    finally:
        if not args.keep_data:
            delete_data()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(1)
