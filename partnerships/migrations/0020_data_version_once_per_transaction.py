"""The data version moves once per transaction, at its commit.

Before, every statement on a watched table bumped the partnership's version
row in place, so the first write of a transaction locked that row until the
transaction ended and every other writer in the partnership queued behind
it. Now a statement only notes the partnerships it changed, in a marker row
per transaction and partnership (``partnerships_dataversionchange``, which
concurrent writers never contend on); a deferred constraint trigger on the
marker, run as the transaction commits, moves each noted partnership's
version once (in partnership order, so two committing writers cannot
deadlock) and removes the markers. The version row is then locked only for
the moment of the commit. A transaction rolled back leaves no marker and
moves nothing.

The functions run as their owner (SECURITY DEFINER, a fixed search path):
the markers' table has row-level security and no policy, so the runtime
role can neither read nor write it, and the version table is no longer
FORCEd for its owner, so the commit can move the versions whatever tenant
context the transaction ended in. The runtime role remains bound by the
version table's policies.

``civic.data_version_at = 'statement'`` (the test suite's connections, whose
transactions are rolled back, never committed) moves it at each statement
instead, as before.

The markers' table has no foreign key (a key would stop the test suite's
flush, and a marker lives only until its transaction commits): the commit
skips a partnership deleted in the meantime.
"""

from django.db import migrations

MARKERS = """
CREATE TABLE partnerships_dataversionchange (
    xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
    partnership_id bigint NOT NULL,
    PRIMARY KEY (xact, partnership_id)
)
"""

# Shared by the statement triggers: note (or, in statement mode, bump) the
# partnerships in ``touched`` (a query yielding partnership ids).
NOTE = """
    IF current_setting('civic.data_version_at', true) = 'statement' THEN
        INSERT INTO partnerships_dataversion AS current
            (partnership_id, version, changed_at)
        SELECT p.id, floor(random() * 1e15)::bigint, now()
        FROM partnerships_partnership p WHERE p.id IN ({touched})
        ORDER BY 1
        ON CONFLICT (partnership_id) DO UPDATE
        SET version = current.version + 1, changed_at = now();
    ELSE
        INSERT INTO partnerships_dataversionchange (partnership_id)
        SELECT p.id FROM partnerships_partnership p WHERE p.id IN ({touched})
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
"""

BUMP = (
    """
CREATE OR REPLACE FUNCTION partnerships_data_version_bump() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
"""
    + NOTE.format(
        touched="SELECT changed.partnership_id FROM changed_rows AS changed "
        "WHERE changed.partnership_id IS NOT NULL"
    )
    + """
END
$$
"""
)

BUMP_OWN = (
    """
CREATE OR REPLACE FUNCTION partnerships_data_version_bump_own() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
"""
    + NOTE.format(touched="SELECT changed.id FROM changed_rows AS changed")
    + """
END
$$
"""
)

COMMIT = """
CREATE OR REPLACE FUNCTION partnerships_data_version_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- The first of the transaction's markers to fire moves every noted
    -- partnership's version, in order; the others find nothing left.
    WITH noted AS (
        DELETE FROM partnerships_dataversionchange
        WHERE xact = NEW.xact
        RETURNING partnership_id
    )
    INSERT INTO partnerships_dataversion AS current
        (partnership_id, version, changed_at)
    SELECT noted.partnership_id, floor(random() * 1e15)::bigint, now()
    FROM noted
    -- A partnership deleted since its marker was written has no version.
    WHERE EXISTS (
        SELECT 1 FROM partnerships_partnership p WHERE p.id = noted.partnership_id
    )
    ORDER BY 1
    ON CONFLICT (partnership_id) DO UPDATE
    SET version = current.version + 1, changed_at = now();
    RETURN NULL;
END
$$
"""

OLD_BUMP = """
CREATE OR REPLACE FUNCTION partnerships_data_version_bump() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    INSERT INTO partnerships_dataversion AS current
        (partnership_id, version, changed_at)
    SELECT touched.partnership_id, floor(random() * 1e15)::bigint, now()
    FROM (
        SELECT DISTINCT changed.partnership_id FROM changed_rows AS changed
        WHERE changed.partnership_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM partnerships_partnership p
            WHERE p.id = changed.partnership_id
        )
    ) AS touched
    ORDER BY 1
    ON CONFLICT (partnership_id) DO UPDATE
    SET version = current.version + 1, changed_at = now();
    RETURN NULL;
END
$$
"""
OLD_BUMP_OWN = """
CREATE OR REPLACE FUNCTION partnerships_data_version_bump_own() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    INSERT INTO partnerships_dataversion AS current
        (partnership_id, version, changed_at)
    SELECT touched.id, floor(random() * 1e15)::bigint, now()
    FROM (SELECT DISTINCT id FROM changed_rows) AS touched ORDER BY 1
    ON CONFLICT (partnership_id) DO UPDATE
    SET version = current.version + 1, changed_at = now();
    RETURN NULL;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0019_data_version_changed_at")]

    operations = [
        migrations.RunSQL(
            sql=[
                MARKERS,
                "ALTER TABLE partnerships_dataversionchange "
                "ENABLE ROW LEVEL SECURITY",
                COMMIT,
                "CREATE CONSTRAINT TRIGGER data_version_at_commit "
                "AFTER INSERT ON partnerships_dataversionchange "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION partnerships_data_version_commit()",
                "ALTER TABLE partnerships_dataversion NO FORCE ROW LEVEL SECURITY",
                BUMP,
                BUMP_OWN,
            ],
            reverse_sql=[
                OLD_BUMP,
                OLD_BUMP_OWN,
                "ALTER TABLE partnerships_dataversion FORCE ROW LEVEL SECURITY",
                "DROP TABLE IF EXISTS partnerships_dataversionchange",
                "DROP FUNCTION IF EXISTS partnerships_data_version_commit()",
            ],
        )
    ]
