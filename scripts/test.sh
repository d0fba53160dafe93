#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up (with dev tools) if needed, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/python -m pytest "$@"
