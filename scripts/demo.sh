#!/usr/bin/env bash
# The main job on the bundled samples: set up if needed, then extract every sample plan
# (born-digital PDFs, scans, garbled text layer, plain text) into JSON records and into the
# embedded store (a SQLite file under .kehoach/), printing a short summary of each plan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out/records
status=0
.venv/bin/kehoach extract samples/*.pdf samples/text/*.txt --out out/records --db --data-dir .kehoach \
  || status=$?
echo "records: out/records/   store: .kehoach/kehoach.sqlite3   review app: .venv/bin/kehoach serve --data-dir .kehoach" >&2
exit $status
