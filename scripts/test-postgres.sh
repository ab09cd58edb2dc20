#!/usr/bin/env bash
# The same test suite again, on PostgreSQL (`make test` runs it after the SQLite run).
# Starts the machine's PostgreSQL 15 through scripts/postgres.sh (root), or uses
# CHANCERY_TEST_POSTGRES_URL when set; pytest-django creates and drops test_<name>.
# Browser tests (marker `browser`) run on SQLite only: they drive the same views the other
# tests already check on both engines, and Chromium would double CI time for no new coverage.
# Without PostgreSQL: fails under CI=true, otherwise says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${CHANCERY_TEST_POSTGRES_URL:-}"
if [ -z "$url" ] && ! url="$(scripts/postgres.sh)"; then
  if [ "${CI:-}" = true ]; then
    echo "FAILED: PostgreSQL 15 could not be started; CI must run the suite on it." >&2
    exit 1
  fi
  echo "SKIPPED: the PostgreSQL run of the suite (PostgreSQL 15 could not be started;" \
    "run as root or set CHANCERY_TEST_POSTGRES_URL=postgresql://…)." >&2
  exit 0
fi
echo "Running the suite on PostgreSQL at ${url##*@} (browser tests excluded)" >&2
CHANCERY_DATABASE_URL="$url" exec .venv/bin/pytest -m "not browser" "$@"
