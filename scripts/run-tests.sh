#!/usr/bin/env bash
# The whole suite against a real PostgreSQL and Redis (see with-services.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-services.sh .venv/bin/python -m pytest "$@"
