#!/usr/bin/env bash
# The whole suite against a real PostgreSQL and Redis (see with-services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# The Welsh catalogue's .mo, built from the .po (not committed).
.venv/bin/python scripts/compile-messages.py
exec scripts/with-services.sh .venv/bin/python -m pytest "$@"
