#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up (with dev tools) if needed, start a
# throwaway PostgreSQL on loopback, then pytest with the real-engine tests required
# (the Celery tests start their own Redis on a free loopback port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
eval "$(bash scripts/pg_test_server.sh start)"
trap 'bash scripts/pg_test_server.sh stop "$PGTEST_DIR"' EXIT
export KEHOACH_REQUIRE_PG=1 KEHOACH_REQUIRE_BROWSER=1 KEHOACH_REQUIRE_REDIS=1
.venv/bin/python -m pytest "$@"
