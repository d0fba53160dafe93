#!/usr/bin/env bash
# The main job on the bundled samples: set up if needed, then extract every sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out/records
.venv/bin/kehoach extract samples/*.pdf samples/*.txt --out out/records
echo "records written to out/records/" >&2
