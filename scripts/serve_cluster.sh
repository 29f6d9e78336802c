#!/usr/bin/env bash
# Serve the app the way a bureau would: N Streamlit replicas behind nginx, one shared
# PostgreSQL store. Runs in the foreground; Ctrl-C (or SIGTERM) stops everything it started.
#
#   bash scripts/serve_cluster.sh [--replicas N] [--listen ADDRESS:PORT]
#
# Defaults: 3 replicas, nginx on 127.0.0.1:8080 (use --listen 0.0.0.0:80 to serve a network).
# Environment (passed to every replica; see docs/deploy.md):
#   DATABASE_URL             the shared store (postgresql://...). Unset: a throwaway local
#                            PostgreSQL is started in the run directory, for trying it out.
#   SHAOYANG_READ_ONLY=1     nobody can change the planners' data through the app
#   SHAOYANG_EDIT_PASSWORD   edits need this password
#   SHAOYANG_CLUSTER_DIR     run directory: logs, pids, nginx.conf (default var/cluster)
# Each replica is warmed before nginx sends it anyone: scripts/serve.py loads the data and
# builds the home map before it serves at all, then the app runs once inside it (Streamlit's
# script health check).
# When everything answers, the run directory gets a `ready` file listing the replicas.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

REPLICAS="${SHAOYANG_REPLICAS:-3}"
LISTEN="${SHAOYANG_LISTEN:-127.0.0.1:8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICAS="$2"; shift 2 ;;
    --listen) LISTEN="$2"; shift 2 ;;
    *) echo "usage: $0 [--replicas N] [--listen ADDRESS:PORT]" >&2; exit 2 ;;
  esac
done
case "$REPLICAS" in ''|*[!0-9]*|0) echo "serve_cluster: --replicas must be a positive number" >&2; exit 2 ;; esac
case "$LISTEN" in *:*) ;; *) LISTEN="127.0.0.1:$LISTEN" ;; esac

RUN="${SHAOYANG_CLUSTER_DIR:-$ROOT/var/cluster}"
mkdir -p "$RUN/nginx-tmp"
rm -f "$RUN/ready"
say() { echo "serve_cluster: $*" >&2; }

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  say "installing Debian's nginx"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

PIDS=()
LOCAL_DB=0
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$LOCAL_DB" = 1 ]; then
    SHAOYANG_PG_DIR="$RUN/pg" bash scripts/start_postgres.sh --stop >/dev/null 2>&1 || true
  fi
  rm -f "$RUN/ready"
  say "stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  say "DATABASE_URL is not set: starting a throwaway PostgreSQL in $RUN/pg (not for real data)"
  eval "$(SHAOYANG_PG_DIR="$RUN/pg" SHAOYANG_PG_DB=shaoyang bash scripts/start_postgres.sh | tail -n 1)"
  export DATABASE_URL="$TEST_DATABASE_URL"
  unset TEST_DATABASE_URL
  LOCAL_DB=1
fi
export DATABASE_URL

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PORTS=()
for i in $(seq 1 "$REPLICAS"); do
  port="$(free_port)"
  PORTS+=("$port")
  python3 scripts/serve.py \
    --server.headless true \
    --server.address 127.0.0.1 \
    --server.port "$port" \
    --server.scriptHealthCheckEnabled true \
    --browser.gatherUsageStats false \
    >"$RUN/replica-$i.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$RUN/replica-$i.pid"
  say "replica $i: pid $! on 127.0.0.1:$port"
done

# Ready = healthy, then warmed. Polls (no fixed sleeps) and gives up after two minutes.
wait_for() {
  local url="$1" deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null --max-time 120 "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then say "no answer from $url"; return 1; fi
    sleep 0.2
  done
}
for i in $(seq 1 "$REPLICAS"); do
  port="${PORTS[$((i - 1))]}"
  wait_for "http://127.0.0.1:$port/_stcore/health" || { tail -n 40 "$RUN/replica-$i.log" >&2; exit 1; }
done
for i in $(seq 1 "$REPLICAS"); do
  port="${PORTS[$((i - 1))]}"
  start=$SECONDS
  if curl -fsS -o /dev/null --max-time 120 "http://127.0.0.1:$port/_stcore/script-health-check"; then
    say "replica $i warmed in $((SECONDS - start)) s"
  else
    say "replica $i: warm-up run failed (it still serves; see $RUN/replica-$i.log)"
  fi
done

UPSTREAMS=""
for port in "${PORTS[@]}"; do
  UPSTREAMS+="        server 127.0.0.1:$port max_fails=0;"$'\n'
done
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
python3 - "$RUN" "$LISTEN" "$USER_LINE" "$UPSTREAMS" <<'PY'
import sys
from pathlib import Path

run, listen, user_line, upstreams = sys.argv[1:]
text = Path("scripts/nginx.conf.template").read_text()
for key, value in {"@RUN_DIR@": run, "@LISTEN@": listen, "@USER_LINE@": user_line,
                   "@UPSTREAMS@": upstreams.rstrip("\n")}.items():
    text = text.replace(key, value)
Path(run, "nginx.conf").write_text(text)
PY
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf"
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -g "daemon off;" &
PIDS+=("$!")
echo "$!" >"$RUN/nginx.pid.main"
wait_for "http://$LISTEN/_stcore/health" || { cat "$RUN/nginx-error.log" >&2; exit 1; }

{
  echo "url=http://$LISTEN/"
  for i in $(seq 1 "$REPLICAS"); do
    echo "replica_$i=127.0.0.1:${PORTS[$((i - 1))]} pid=$(cat "$RUN/replica-$i.pid")"
  done
} >"$RUN/ready"
say "serving http://$LISTEN/ with $REPLICAS replica(s); Ctrl-C stops"

# Stop everything if any replica or nginx dies, or on Ctrl-C / SIGTERM.
wait -n "${PIDS[@]}" || true
say "a process exited; stopping the cluster"
