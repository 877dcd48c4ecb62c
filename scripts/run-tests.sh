#!/usr/bin/env bash
# The whole suite against a real PostgreSQL and Redis: the ones named by
# DATABASE_URL / REDIS_URL, or throwaway servers started for this run.
set -euo pipefail
cd "$(dirname "$0")/.."

started=0
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  given_db=${DATABASE_URL:-}
  given_redis=${REDIS_URL:-}
  eval "$(scripts/test-services.sh start)"
  started=1
  trap 'scripts/test-services.sh stop' EXIT
  [ -n "$given_db" ] && export DATABASE_URL=$given_db
  [ -n "$given_redis" ] && export REDIS_URL=$given_redis
fi
export DJANGO_SETTINGS_MODULE=civic.settings.test
echo "Testing against PostgreSQL at ${DATABASE_URL##*@} and Redis at ${REDIS_URL##*//}"

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit $status
