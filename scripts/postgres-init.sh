#!/usr/bin/env bash
# First start of the compose PostgreSQL: the application's own role and
# database. Not a superuser and not BYPASSRLS, so row-level security binds it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE civic LOGIN PASSWORD '${CIVIC_PASSWORD}' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE civic OWNER civic;
SQL
