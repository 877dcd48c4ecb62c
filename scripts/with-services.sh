#!/usr/bin/env bash
# Run a command against a real PostgreSQL and Redis: the ones named by
# DATABASE_URL / DATABASE_OWNER_URL / REDIS_URL when all three are set, or throwaway servers started for
# the command (scripts/test-services.sh) and stopped after it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ] || [ -z "${DATABASE_OWNER_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  given_db=${DATABASE_URL:-}
  given_owner=${DATABASE_OWNER_URL:-}
  given_redis=${REDIS_URL:-}
  eval "$(scripts/test-services.sh start)"
  trap 'scripts/test-services.sh stop' EXIT
  [ -n "$given_db" ] && export DATABASE_URL=$given_db
  [ -n "$given_owner" ] && export DATABASE_OWNER_URL=$given_owner
  [ -n "$given_redis" ] && export REDIS_URL=$given_redis
fi
export DJANGO_SETTINGS_MODULE=civic.settings.test
echo "Using PostgreSQL at ${DATABASE_URL##*@} and Redis at ${REDIS_URL##*//}"

set +e
"$@"
status=$?
set -e
exit $status
