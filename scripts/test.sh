#!/usr/bin/env bash
# The test command: set up a fresh machine, start a throwaway PostgreSQL, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [ -z "${TEST_DATABASE_URL:-}" ] && [ -f scripts/start_postgres.sh ]; then
  # start_postgres.sh prints `export TEST_DATABASE_URL=...` as its last line.
  eval "$(bash scripts/start_postgres.sh | tail -n 1)"
  trap 'bash scripts/start_postgres.sh --stop >/dev/null 2>&1 || true' EXIT
fi
ruff check --quiet .
ruff format --check --quiet .
lint-imports --no-cache
python3 -m pytest "$@"
