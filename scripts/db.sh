#!/usr/bin/env bash
# Prints a PostgreSQL URL for KeyLink, starting a local server when needed.
#
# DATABASE_URL set: print it and start nothing.
# Otherwise: install Debian's postgresql package if missing (root only), start a
# cluster (the system one via pg_ctlcluster as root, a private one under
# $XDG_DATA_HOME as a normal user), create the keylink role and database, and
# print the URL. Idempotent: a second run reuses what is there.
# Progress goes to stderr; stdout carries only the URL.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  echo "$DATABASE_URL"
  exit 0
fi

log() { echo "db: $*" >&2; }
ROLE=keylink PASS=keylink DB=keylink

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/postgres" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; run 'sudo apt-get install -y postgresql' or set DATABASE_URL"
    exit 1
  fi
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql postgresql-contrib >&2
fi
BIN=$(pg_bindir)
VER=$(basename "$(dirname "$BIN")")

# psql_admin runs SQL as a superuser on the chosen server.
if [ "$(id -u)" -eq 0 ]; then
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$VER main$"; then
    log "creating cluster $VER/main"
    pg_createcluster "$VER" main >&2
  fi
  PORT=$(pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $3}')
  if ! pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting cluster $VER/main on port $PORT"
    pg_ctlcluster "$VER" main start >&2
  fi
  psql_admin() { runuser -u postgres -- "$BIN/psql" -p "$PORT" -qtAX -v ON_ERROR_STOP=1 "$@"; }
else
  DATA="${XDG_DATA_HOME:-$HOME/.local/share}/keylink/pg$VER"
  PORT=${KEYLINK_PG_PORT:-54329}
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "creating a private cluster in $DATA"
    mkdir -p "$DATA"
    "$BIN/initdb" -D "$DATA" -U "$(id -un)" --auth=trust -E UTF8 >/dev/null
  fi
  if ! "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "starting the private cluster on port $PORT"
    "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1" start >&2
  fi
  psql_admin() { "$BIN/psql" -h "$DATA" -p "$PORT" -d postgres -qtAX -v ON_ERROR_STOP=1 "$@"; }
fi

export PGOPTIONS="-c client_min_messages=warning"
for _ in $(seq 1 50); do
  psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done

# The test suite runs packages in parallel, each test with its own database
# and pools: 100 connections (the default) is too few on a busy machine.
if [ "$(psql_admin -c 'SHOW max_connections')" -lt 300 ]; then
  log "raising max_connections to 300 (restarts the server)"
  psql_admin -c "ALTER SYSTEM SET max_connections = 300"
  if [ "$(id -u)" -eq 0 ]; then
    pg_ctlcluster "$VER" main restart >&2
  else
    "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w restart >&2
  fi
  for _ in $(seq 1 50); do
    psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
fi

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='$ROLE'")" != 1 ]; then
  log "creating role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASS'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$DB'")" != 1 ]; then
  log "creating database $DB"
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi
# unaccent needs a superuser to install the first time; pg_trgm is trusted.
psql_admin -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null
psql_admin -d template1 -c "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null

echo "postgres://$ROLE:$PASS@127.0.0.1:$PORT/$DB?sslmode=disable"
