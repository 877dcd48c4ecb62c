"""`make demo`: migrate, load the demo partnerships and serve them.

`scripts/demo.py manage <command> [args]` runs one manage.py command against
the same database instead (`make partnership`, `make superuser`).

With DATABASE_URL unset, an embedded PostgreSQL (the pgserver package) runs
under var/pgdata. The application connects to it as "civic", a role that owns
its tables but is neither a superuser nor BYPASSRLS, so row-level security
applies in the demo exactly as in production.
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


def embedded_database_url() -> str:
    global _embedded_server
    import pgserver

    data_dir = ROOT / "var" / "pgdata"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    server.psql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'civic') THEN "
        "CREATE ROLE civic LOGIN PASSWORD 'civic' CREATEDB NOSUPERUSER NOBYPASSRLS; "
        "END IF; END $$;"
    )
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'civic';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE civic OWNER civic;")
    # pgserver listens on a socket in its data directory.
    socket_dir = str(data_dir).replace("/", "%2F")
    _embedded_server = server
    return f"postgresql://civic:civic@{socket_dir}/civic"


def manage(*args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


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
        os.environ["DATABASE_URL"] = embedded_database_url()
        print("Using the embedded PostgreSQL under var/pgdata.")
    manage("migrate", "--no-input", "-v", "0")
    if argv[:1] == ["manage"]:
        try:
            manage(*argv[1:])
        except subprocess.CalledProcessError as error:
            return error.returncode
        return 0
    port = os.environ.get("PORT", "8000")
    # Partnerships and people added beside the demo (make partnership, the
    # staff page, invitations) stay as they are; the demo's are refreshed.
    manage("demo_load", "--beside-others")
    print(f"\nServing on http://127.0.0.1:{port}/  (Ctrl-C to stop)\n")
    with contextlib.suppress(KeyboardInterrupt):
        manage("runserver", f"127.0.0.1:{port}", "--noreload")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
