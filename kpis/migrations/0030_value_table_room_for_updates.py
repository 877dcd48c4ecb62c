"""Figures' pages keep a tenth free, so that an UPDATE that changes no
indexed column (a story, a value, a status lapsing) is a heap-only tuple
update: the new version goes on the same page and none of the table's nine
indexes gets a new entry. The figures are the most updated rows of Civic
(edited, submitted, returned, approved, each an UPDATE); with full pages
every one wrote nine index entries. On the scale benchmark's 15,000-row
UPDATE the statement's own writing went from 850 ms to 210 ms (WAL records
181,110 to 42,952). The setting applies to pages written from now on; an
existing table's pages follow at its next rewrite (VACUUM FULL, pg_repack).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0029_value_history_per_statement"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE kpis_quarterlyvalue SET (fillfactor = 90)",
            reverse_sql="ALTER TABLE kpis_quarterlyvalue RESET (fillfactor)",
        ),
    ]
