"""Row-level security and same-partnership keys on every engagement table, and
the database's guard that a locked quarter's activities cannot change.

An activity belongs to the quarter its first day falls in. Whatever path
writes (the pages, the API, the import, the admin site, raw SQL), a row of
an activity whose old or new first day lies in a locked quarter of its
partnership is refused with the locked quarter's SQLSTATE, as figures are
(kpis.models.LOCKED_QUARTER_GUARDS); so are the rows naming its
organisations, communities and standards met.
"""

from django.db import migrations

from kpis.models import LOCKED_QUARTER_SQLSTATE
from partnerships.rls import enable_rls, same_partnership_fk

DAY_LOCKED = """
CREATE FUNCTION engagement_day_locked(partnership bigint, day date)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM kpis_period
        WHERE partnership_id = partnership AND locked_at IS NOT NULL
          AND day BETWEEN starts_on AND ends_on
    )
$$
"""

ACTIVITY_GUARD = f"""
CREATE FUNCTION engagement_activity_locked_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT'
            AND engagement_day_locked(OLD.partnership_id, OLD.starts_on))
        OR (TG_OP <> 'DELETE'
            AND engagement_day_locked(NEW.partnership_id, NEW.starts_on)) THEN
        RAISE EXCEPTION 'The quarter is locked: its activities cannot change.'
            USING ERRCODE = '{LOCKED_QUARTER_SQLSTATE}';
    END IF;
    RETURN NULL;
END
$$
"""

PART_GUARD = f"""
CREATE FUNCTION engagement_activity_part_locked_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM engagement_activity a
        WHERE a.id IN (
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.activity_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.activity_id END
        )
          AND engagement_day_locked(a.partnership_id, a.starts_on)
    ) THEN
        RAISE EXCEPTION 'The quarter is locked: its activities cannot change.'
            USING ERRCODE = '{LOCKED_QUARTER_SQLSTATE}';
    END IF;
    RETURN NULL;
END
$$
"""

PARTS = [
    "engagement_activityorganisation",
    "engagement_activitycommunity",
    "engagement_activitystandard",
]


def _trigger(table: str, function: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=(
            f"CREATE TRIGGER locked_quarter_guard AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        ),
        reverse_sql=f"DROP TRIGGER IF EXISTS locked_quarter_guard ON {table}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_initial"),
        ("kpis", "0023_measure_computed_category_key"),
    ]

    operations = [
        enable_rls("engagement_continuumlevelname"),
        enable_rls("engagement_engagementstandard"),
        enable_rls("engagement_activity"),
        *(enable_rls(table) for table in PARTS),
        enable_rls("engagement_computedmeasure"),
        same_partnership_fk(
            "engagement_activityorganisation", ["activity_id"], "engagement_activity"
        ),
        same_partnership_fk(
            "engagement_activityorganisation",
            ["organisation_id"],
            "partnerships_organisation",
        ),
        same_partnership_fk(
            "engagement_activitycommunity", ["activity_id"], "engagement_activity"
        ),
        same_partnership_fk(
            "engagement_activitycommunity", ["category_id"], "kpis_dimensioncategory"
        ),
        same_partnership_fk(
            "engagement_activitystandard", ["activity_id"], "engagement_activity"
        ),
        same_partnership_fk(
            "engagement_activitystandard",
            ["standard_id"],
            "engagement_engagementstandard",
        ),
        same_partnership_fk(
            "engagement_computedmeasure", ["measure_id"], "kpis_performancemeasure"
        ),
        same_partnership_fk(
            "engagement_computedmeasure",
            ["standard_id"],
            "engagement_engagementstandard",
        ),
        same_partnership_fk(
            "engagement_computedmeasure",
            ["organisation_id"],
            "partnerships_organisation",
        ),
        same_partnership_fk(
            "engagement_computedmeasure", ["community_id"], "kpis_dimensioncategory"
        ),
        migrations.RunSQL(
            sql=DAY_LOCKED,
            reverse_sql="DROP FUNCTION engagement_day_locked(bigint, date)",
        ),
        migrations.RunSQL(
            sql=ACTIVITY_GUARD,
            reverse_sql="DROP FUNCTION engagement_activity_locked_guard()",
        ),
        migrations.RunSQL(
            sql=PART_GUARD,
            reverse_sql="DROP FUNCTION engagement_activity_part_locked_guard()",
        ),
        _trigger("engagement_activity", "engagement_activity_locked_guard"),
        *(_trigger(table, "engagement_activity_part_locked_guard") for table in PARTS),
    ]
