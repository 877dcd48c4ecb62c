from django.db import migrations

from partnerships.rls import enable_rls, same_partnership_fk

# Row-level security binds the migrating role too: the copy runs in the
# platform context (transaction-local, as tenancy.scope sets it).
PLATFORM = "SELECT set_config('civic.platform', 'on', true)"

# Today's annual target becomes the target of every reporting year that has
# figures, and of the current one, so that a later change of a year's target
# (or of the measure's default) leaves the years already reported as they
# were judged.
COPY_TARGETS = """
INSERT INTO kpis_measuretarget (partnership_id, measure_id, year, target)
SELECT m.partnership_id, m.id, y.year, m.annual_target
FROM kpis_performancemeasure m
JOIN partnerships_partnership p ON p.id = m.partnership_id
CROSS JOIN LATERAL (
    SELECT DISTINCT pe.year FROM kpis_period pe
    WHERE pe.partnership_id = m.partnership_id
      AND EXISTS (SELECT 1 FROM kpis_quarterlyvalue v WHERE v.period_id = pe.id)
    UNION
    SELECT (
        EXTRACT(YEAR FROM current_date)
        - CASE WHEN EXTRACT(MONTH FROM current_date)
                    < p.reporting_year_start_month
               THEN 1 ELSE 0 END
    )::int
) AS y(year)
WHERE m.annual_target IS NOT NULL
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [("kpis", "0019_measure_targets_by_year_retired")]

    operations = [
        enable_rls("kpis_measuretarget"),
        enable_rls("kpis_measuretargetevent"),
        same_partnership_fk(
            "kpis_measuretarget", ["measure_id"], "kpis_performancemeasure"
        ),
        migrations.RunSQL(
            sql=[PLATFORM, COPY_TARGETS],
            reverse_sql=[PLATFORM, "DELETE FROM kpis_measuretarget"],
        ),
    ]
