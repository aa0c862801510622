#!/usr/bin/env bash
# Runs once, when the postgres container initializes an empty data volume
# (/docker-entrypoint-initdb.d). Creates the read-only role Grafana connects with: it may read
# every table and view that the schema owner (POSTGRES_USER, who runs the Flyway migrations)
# creates now or later, and nothing else.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=reader="${GRAFANA_DB_USER:-grafana_reader}" \
  --set=reader_password="${GRAFANA_DB_PASSWORD:?GRAFANA_DB_PASSWORD is not set}" \
  --set=owner="$POSTGRES_USER" \
  --set=db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'reader_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE :"db" TO :"reader";
GRANT USAGE ON SCHEMA public TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
ALTER ROLE :"reader" SET default_transaction_read_only = on;
SQL
