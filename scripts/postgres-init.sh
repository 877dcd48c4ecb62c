#!/usr/bin/env bash
# First start of the compose PostgreSQL: the application's two roles and its
# database, neither role a superuser nor BYPASSRLS, so row-level security
# binds both. civic_owner owns the database and its schema and runs the
# migrations; civic, the runtime role of web, worker and beat, owns nothing
# (the migrations grant it row privileges only).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE civic_owner LOGIN PASSWORD '${CIVIC_OWNER_PASSWORD}' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE civic LOGIN PASSWORD '${CIVIC_PASSWORD}' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE civic OWNER civic_owner;
SQL
