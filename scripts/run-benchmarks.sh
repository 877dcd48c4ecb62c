#!/usr/bin/env bash
# Every benchmark in benchmarks/ against a real PostgreSQL and Redis (see
# with-services.sh). Each prints its figures; the last line of each is
# "<name> key=value ...". Exits non-zero if any benchmark fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
  exec scripts/with-services.sh "$0" --inside
fi
# One secret key for the migration and the benchmarks: migrate installs the
# platform scope's key from it (partnerships/platform_scope.py), and a
# benchmark with another key cannot enter the platform scope.
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
# Migrated as the owner role; the benchmarks run as the runtime role.
DATABASE_URL=$DATABASE_OWNER_URL .venv/bin/python manage.py migrate --verbosity 0 --no-input
status=0
for benchmark in benchmarks/*.py; do
  echo "== ${benchmark}"
  .venv/bin/python "$benchmark" || status=$?
done
exit $status
