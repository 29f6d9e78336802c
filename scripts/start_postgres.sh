#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the test suite and print how to reach it.
#
#   eval "$(bash scripts/start_postgres.sh | tail -n 1)"   # sets TEST_DATABASE_URL
#   bash scripts/start_postgres.sh --stop                  # stops it and deletes its files
#
# Installs Debian's postgresql package if no server binaries are found. The cluster lives in
# $SHAOYANG_PG_DIR (default /tmp/shaoyang-test-pg), listens on 127.0.0.1 only, on a free port,
# trusts local connections (it holds nothing but test data) and runs as the `postgres` user when
# started by root. Running it again while the cluster is up reuses it. Progress goes to stderr;
# the last line of stdout is always `export TEST_DATABASE_URL=...`.
set -euo pipefail

PG_DIR="${SHAOYANG_PG_DIR:-/tmp/shaoyang-test-pg}"
DB_NAME="${SHAOYANG_PG_DB:-shaoyang_test}"
DATA="$PG_DIR/data"

say() { echo "start_postgres: $*" >&2; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# Run a server binary as the cluster owner: `postgres` when we are root (initdb refuses root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = "--stop" ]; then
  if [ ! -d "$PG_DIR" ]; then
    say "no cluster in $PG_DIR"
    exit 0
  fi
  if BIN="$(find_bindir)" && [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
  rm -rf "$PG_DIR"
  say "stopped and removed $PG_DIR"
  exit 0
fi

if ! BIN="$(find_bindir)"; then
  say "no PostgreSQL server found; installing Debian's postgresql package"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN="$(find_bindir)"
fi

# PostGIS for data/postgis.py: Debian packages it per server version (postgresql-15-postgis-3).
PG_MAJOR="$(basename "$(dirname "$BIN")")"
if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/postgis.control" ]; then
  say "installing Debian's postgresql-$PG_MAJOR-postgis-3"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-upgrade \
    "postgresql-$PG_MAJOR-postgis-3" >&2 || say "PostGIS not installed; its tests will skip"
fi

url_for() { echo "postgresql+psycopg://postgres@127.0.0.1:$1/$DB_NAME"; }

if [ -f "$PG_DIR/port" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  PORT="$(cat "$PG_DIR/port")"
  say "reusing the cluster already running in $PG_DIR on port $PORT"
  echo "export TEST_DATABASE_URL=$(url_for "$PORT")"
  exit 0
fi

rm -rf "$PG_DIR"
mkdir -p "$PG_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DIR"; fi

# A free TCP port chosen by the kernel (bind to port 0), so parallel runs do not collide.
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "$PORT" >"$PG_DIR/port"

say "initdb in $DATA ($BIN)"
as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || {
  cat "$PG_DIR/initdb.log" >&2
  exit 1
}

say "starting on 127.0.0.1:$PORT"
# fsync off: a throwaway test cluster trades durability for speed.
as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" \
  start >&2 || {
  cat "$PG_DIR/server.log" >&2
  exit 1
}

as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"
if [ -f "/usr/share/postgresql/$PG_MAJOR/extension/postgis.control" ]; then
  as_owner "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB_NAME" \
    -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2
  say "PostGIS enabled in $DB_NAME"
fi
say "database $DB_NAME ready; stop with: bash scripts/start_postgres.sh --stop"
echo "export TEST_DATABASE_URL=$(url_for "$PORT")"
