"""Only the application, not whoever holds its database role, enters the
platform scope.

Row-level security admits every partnership's rows in the platform scope
(platform staff in the admin site, management commands, sweeps). Once a bare
``set_config('civic.platform', 'on')`` switched it on, so an SQL injection or
a leaked runtime password could read every tenant. Now the policies ask
``civic_platform_active()``, a SECURITY DEFINER function owned by the owner
role, which admits the scope only when:

* ``civic.platform`` is 'on', and
* ``civic.platform_proof`` is the HMAC-SHA256, under a key the runtime role
  cannot read, of this transaction's nonce (the backend's process id and the
  transaction's start time, ``civic_platform_nonce()``), so a proof seen in
  one transaction (say in ``pg_stat_activity``) is worthless in any other;
  or the session is the owner role's own (migrations, ``demo_load``), which
  owns the tables and could switch their security off anyway.

The key is derived from ``SECRET_KEY``, which the application holds, and
installed after every ``migrate`` by the owner in ``civic_platform_key``, a
table the runtime role has no privilege on (``install_platform_key``). A
deployment that changes ``SECRET_KEY`` runs ``migrate`` again (compose's
``migrate`` service does on every start).

The policies call the function as a scalar subquery, ``(SELECT
civic_platform_active())``, which PostgreSQL evaluates once per query (an
InitPlan) rather than once per row. Both functions are PARALLEL RESTRICTED:
they run in the leader (a parallel worker has its own process id, so the
nonce would not match there), and the scan below them may still run in
parallel. Unmarked (PARALLEL UNSAFE), every query on a tenant table would
lose its parallel plan: a count over a million rows took 1.5 times as long.
"""

import hashlib
import hmac

from django.db import connections
from django.utils.crypto import salted_hmac

PLATFORM_ACTIVE = "(SELECT civic_platform_active())"

# Idempotent, so that the first migration to create a tenant policy can run
# it (partnerships.rls) as well as the one that rewrote the older policies.
INSTALL_FUNCTIONS = [
    """
    CREATE TABLE IF NOT EXISTS public.civic_platform_key (
        id smallint PRIMARY KEY CHECK (id = 1),
        inner_pad bytea NOT NULL,
        outer_pad bytea NOT NULL
    )
    """,
    "REVOKE ALL ON public.civic_platform_key FROM PUBLIC",
    # Default privileges and a GRANT ... ON ALL TABLES give every table to
    # the runtime role; take this one back from everyone but its owner.
    """
    DO $$
    DECLARE grantee text;
    BEGIN
        FOR grantee IN
            SELECT DISTINCT a.grantee::regrole::text
            FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = 'public.civic_platform_key'::regclass
              AND a.grantee <> 0 AND a.grantee <> c.relowner
        LOOP
            EXECUTE 'REVOKE ALL ON public.civic_platform_key FROM ' || grantee;
        END LOOP;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION public.civic_platform_nonce() RETURNS text
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT pg_backend_pid()::text || ':'
            || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION public.civic_platform_active() RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        proof text := current_setting('civic.platform_proof', true);
    BEGIN
        IF current_setting('civic.platform', true) IS DISTINCT FROM 'on' THEN
            RETURN false;
        END IF;
        -- Inside this function current_user is its owner, the tables' owner.
        IF session_user = current_user THEN
            RETURN true;
        END IF;
        IF proof IS NULL OR proof = '' THEN
            RETURN false;
        END IF;
        RETURN EXISTS (
            SELECT 1 FROM public.civic_platform_key k
            WHERE encode(
                sha256(k.outer_pad || sha256(
                    k.inner_pad
                    || convert_to(public.civic_platform_nonce(), 'UTF8'))),
                'hex') = proof
        );
    END
    $$
    """,
]

# ALTER POLICY for every policy still reading the bare setting.
OLD_PLATFORM_MATCH = r"current_setting\('civic\.platform'::text, true\) = 'on'::text"
REWRITE_POLICIES = r"""
DO $$
DECLARE
    p record;
    qual text;
    checked text;
    statement text;
BEGIN
    FOR p IN
        SELECT pol.polname, pol.polrelid::regclass::text AS tablename,
            pg_get_expr(pol.polqual, pol.polrelid) AS qual,
            pg_get_expr(pol.polwithcheck, pol.polrelid) AS checked
        FROM pg_policy pol
    LOOP
        qual := regexp_replace(p.qual, %(old)s, %(new)s, 'g');
        checked := regexp_replace(p.checked, %(old)s, %(new)s, 'g');
        statement := '';
        IF qual IS DISTINCT FROM p.qual THEN
            statement := statement || ' USING (' || qual || ')';
        END IF;
        IF checked IS DISTINCT FROM p.checked THEN
            statement := statement || ' WITH CHECK (' || checked || ')';
        END IF;
        IF statement <> '' THEN
            EXECUTE format('ALTER POLICY %%I ON %%s', p.polname, p.tablename)
                || statement;
        END IF;
    END LOOP;
END
$$
"""


def rewrite_policies_sql(*, old: str, new: str) -> str:
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    return REWRITE_POLICIES % {"old": literal(old), "new": literal(new)}


def _key() -> bytes:
    return salted_hmac("civic.platform-scope", "database", algorithm="sha256").digest()


def proof(nonce: str) -> str:
    """The HMAC the database expects for this transaction's nonce."""
    return hmac.new(_key(), nonce.encode(), hashlib.sha256).hexdigest()


def _pads() -> tuple[bytes, bytes]:
    # HMAC's two padded keys (RFC 2104), so that the database computes the
    # HMAC with its built-in sha256() and no extension.
    key = _key().ljust(hashlib.sha256().block_size, b"\0")
    inner = bytes(byte ^ 0x36 for byte in key)
    outer = bytes(byte ^ 0x5C for byte in key)
    return inner, outer


def install_platform_key(*, using: str = "default", **kwargs) -> None:
    """post_migrate: the owner installs the application's key.

    Only the table's owner (the role that migrates) may; a ``migrate`` or
    ``flush`` run as another role leaves it as it is.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_class WHERE oid = "
            "to_regclass('public.civic_platform_key') "
            "AND pg_has_role(relowner, 'USAGE')"
        )
        if cursor.fetchone() is None:
            return
        for statement in INSTALL_FUNCTIONS:
            cursor.execute(statement)
        inner, outer = _pads()
        cursor.execute(
            "INSERT INTO public.civic_platform_key (id, inner_pad, outer_pad) "
            "VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE "
            "SET inner_pad = EXCLUDED.inner_pad, outer_pad = EXCLUDED.outer_pad",
            [inner, outer],
        )
