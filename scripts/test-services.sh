#!/usr/bin/env bash
# start | stop: a throwaway PostgreSQL and Redis for one test run.
#
# `start` prints the environment to export (DATABASE_URL, DATABASE_OWNER_URL,
# REDIS_URL). Two roles, neither a superuser nor BYPASSRLS:
# - "civic_owner" owns the database, its schema and tables, runs `migrate`
#   and creates the test databases (CREATEDB);
# - "civic", the runtime role the application and the tests connect as, owns
#   nothing: it reads and writes rows (the grants and default privileges the
#   migrations give it), under row-level security the migrations FORCE.
set -euo pipefail

action=${1:?usage: test-services.sh start|stop}
pg_port=${CIVIC_TEST_PGPORT:-54329}
redis_port=${CIVIC_TEST_REDISPORT:-63799}
dir=${CIVIC_TEST_SERVICES_DIR:-/tmp/civic-test-services-$pg_port}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  if [ ! -s "$dir/pg/PG_VERSION" ]; then
    as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  fi
  if ! as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -o \
      "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off \
       -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  fi
  psql_admin=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql_admin[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'civic_owner'")" ]; then
    "${psql_admin[@]}" -c "CREATE ROLE civic_owner LOGIN PASSWORD 'civic_owner' CREATEDB NOSUPERUSER NOBYPASSRLS"
  fi
  if [ -z "$("${psql_admin[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'civic'")" ]; then
    "${psql_admin[@]}" -c "CREATE ROLE civic LOGIN PASSWORD 'civic' NOSUPERUSER NOBYPASSRLS"
  fi
  # The tests' owner drops a database copy WITH (FORCE), ending the runtime
  # role's connections to it: that takes membership of the runtime role (the
  # reverse, civic in civic_owner, is what must never be).
  "${psql_admin[@]}" -c "GRANT civic TO civic_owner" 2>/dev/null
  if [ -z "$("${psql_admin[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'civic'")" ]; then
    "${psql_admin[@]}" -c "CREATE DATABASE civic OWNER civic_owner"
  fi
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export DATABASE_URL=postgres://civic:civic@127.0.0.1:$pg_port/civic"
  echo "export DATABASE_OWNER_URL=postgres://civic_owner:civic_owner@127.0.0.1:$pg_port/civic"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
  ;;
stop)
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  if [ -d "$dir/pg" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: test-services.sh start|stop" >&2
  exit 2
  ;;
esac
