#!/usr/bin/env bash
# The whole suite with the clock of its Python processes (pytest, the Celery
# workers and the browser it starts) set by libfaketime to dates that cross a
# month, quarter or year boundary, one run after another.
#
# libfaketime hangs redis-cli and PostgreSQL's start-up, so the servers are
# started first at the real time and only the tests run under faketime. The
# given clock ticks on from there: the first run crosses midnight into March
# about 30 seconds in.
set -euo pipefail
cd "$(dirname "$0")/.."

dates=(
  "2027-02-28 23:59:30"
  "2027-03-01 00:00:30"
  "2027-08-31 12:00:00"
  "2027-12-31 23:00:00"
)
if [ -n "${CIVIC_TEST_DATES:-}" ]; then
  IFS=',' read -r -a dates <<<"$CIVIC_TEST_DATES"
fi

if [ -z "${DATABASE_URL:-}" ] || [ -z "${DATABASE_OWNER_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  eval "$(scripts/test-services.sh start)"
  trap 'scripts/test-services.sh stop' EXIT
fi
export DATABASE_URL DATABASE_OWNER_URL REDIS_URL

failed=()
for when in "${dates[@]}"; do
  echo "=== faketime '$when' ==="
  if ! faketime "$when" scripts/run-tests.sh "$@"; then
    failed+=("$when")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'The suite failed with the clock at: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "The suite passed at all ${#dates[@]} dates."
