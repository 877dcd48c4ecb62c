"""`make demo`: migrate, load the demo partnerships and serve them.

`scripts/demo.py manage <command> [args]` runs one manage.py command against
the same database instead (`make partnership`, `make superuser`).

With DATABASE_URL unset, an embedded PostgreSQL (the pgserver package) runs
under var/pgdata with the two roles of a deployment, neither a superuser nor
BYPASSRLS: "civic_owner" owns the schema and runs `migrate` and `demo_load`;
the server connects as "civic", the runtime role that owns nothing. Row-level
security and the runtime role's limits apply in the demo exactly as in
production. With DATABASE_URL set, DATABASE_OWNER_URL names the owner (the
same URL when unset: a single-role database).
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The embedded server stops when this process exits; keep it referenced.
_embedded_server = None


def embedded_database_urls() -> tuple[str, str]:
    """The runtime and owner URLs of the embedded server, made on first use."""
    global _embedded_server
    import pgserver

    data_dir = ROOT / "var" / "pgdata"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    server.psql(
        "DO $$ BEGIN "
        "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'civic_owner') THEN "
        "CREATE ROLE civic_owner LOGIN PASSWORD 'civic_owner' NOSUPERUSER "
        "NOBYPASSRLS; END IF; "
        "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'civic') THEN "
        "CREATE ROLE civic LOGIN PASSWORD 'civic' NOSUPERUSER NOBYPASSRLS; "
        "END IF; END $$;"
    )
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'civic';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE civic OWNER civic_owner;")
    else:
        # A var/pgdata from before the two roles: hand everything civic owns
        # to the owner (the migrations then grant civic its row privileges).
        owned = server.psql(
            "SELECT 1 FROM pg_database WHERE datname = 'civic' "
            "AND datdba = 'civic'::regrole;"
        )
        if "1 row" in owned:
            server.psql("ALTER DATABASE civic OWNER TO civic_owner;")
            server.psql(
                "\\c civic\n"
                "REASSIGN OWNED BY civic TO civic_owner;\n"
                # What partnerships 0009 grants, should it have run already.
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                "public TO civic;\n"
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO civic;\n"
                "ALTER DEFAULT PRIVILEGES FOR ROLE civic_owner IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO civic;\n"
                "ALTER DEFAULT PRIVILEGES FOR ROLE civic_owner IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO civic;\n"
            )
    # pgserver listens on a socket in its data directory.
    socket_dir = str(data_dir).replace("/", "%2F")
    _embedded_server = server
    return (
        f"postgresql://civic:civic@{socket_dir}/civic",
        f"postgresql://civic_owner:civic_owner@{socket_dir}/civic",
    )


def manage(*args: str, database_url: str | None = None) -> None:
    env = {**os.environ, "DATABASE_URL": database_url or os.environ["DATABASE_URL"]}
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT, env=env
    )


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic.settings.local")
    # The demo's walk-through signs in with a password alone; everything
    # else (the lockout, idle timeouts, re-authentication) applies as in
    # production.
    os.environ.setdefault("CIVIC_MFA_REQUIRED", "0")
    print(
        f"CIVIC_MFA_REQUIRED={os.environ['CIVIC_MFA_REQUIRED']}: "
        + (
            "the demo accounts sign in without a second factor."
            if os.environ["CIVIC_MFA_REQUIRED"] == "0"
            else "admins and platform staff must enrol an authenticator app."
        )
    )
    if not os.environ.get("DATABASE_URL"):
        runtime, owner = embedded_database_urls()
        os.environ["DATABASE_URL"] = runtime
        os.environ["DATABASE_OWNER_URL"] = owner
        print("Using the embedded PostgreSQL under var/pgdata.")
    owner = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    # The owner migrates and loads; the server runs as the runtime role.
    manage("migrate", "--no-input", "-v", "0", database_url=owner)
    if argv[:1] == ["manage"]:
        try:
            manage(*argv[1:], database_url=owner)
        except subprocess.CalledProcessError as error:
            return error.returncode
        return 0
    port = os.environ.get("PORT", "8000")
    # Partnerships and people added beside the demo (make partnership, the
    # staff page, invitations) stay as they are; the demo's are refreshed.
    manage("demo_load", "--beside-others", database_url=owner)
    print(f"\nServing on http://127.0.0.1:{port}/  (Ctrl-C to stop)\n")
    with contextlib.suppress(KeyboardInterrupt):
        manage("runserver", f"127.0.0.1:{port}", "--noreload")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
