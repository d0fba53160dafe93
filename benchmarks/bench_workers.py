"""Issue 8: pages per minute of a batch with 1, 2, 4 worker processes, and the 100,000-page projection.

    .venv/bin/python benchmarks/bench_workers.py [--glob 'samples/*-scan-mild.pdf'] [--workers 1 2 4]

Runs :func:`extractor.runners.batch.run_batch` on the local runner (Celery workers run the same
units, so per-page cost is the same; only the transport differs). Writes
``benchmarks/results/workers.json``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from extractor.options import Options
from extractor.runners.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent
TARGET_PAGES = 100_000


def measure(files: list[Path], workers: int) -> dict[str, float]:
    """One batch of ``files`` on ``workers`` processes: pages, seconds, pages per minute."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for path in files:
            shutil.copy(path, folder / path.name)
        start = time.monotonic()
        result = run_batch(folder, Path(tmp) / "out", None, Options(jobs=workers, force_ocr=True))
        seconds = time.monotonic() - start
    assert not result.failed, result.failed
    return {"workers": workers, "pages": result.pages, "ocr_pages": result.ocr_pages,
            "seconds": round(seconds, 1), "pages_per_minute": round(60 * result.pages / seconds, 2)}


def project(rows: list[dict[str, float]], cores: int) -> dict[str, float]:
    """Per-page CPU cost from the 1-worker run → hours for 100,000 pages by worker count."""
    one = rows[0]
    page_s = one["seconds"] / one["pages"]
    best = max(rows, key=lambda r: r["pages_per_minute"])
    return {"cpu_seconds_per_page": round(page_s, 2),
            "hours_100k_pages_here": round(TARGET_PAGES / best["pages_per_minute"] / 60, 1),
            "workers_for_100k_in_8h": int(-(-TARGET_PAGES * page_s // (8 * 3600))),
            "workers_for_100k_in_24h": int(-(-TARGET_PAGES * page_s // (24 * 3600))),
            "cores_here": cores}


def main() -> None:
    """Run the batch at each worker count and print/write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glob", default="samples/*-scan-mild.pdf")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    files = sorted(Path(p) for p in glob.glob(str(ROOT / args.glob)))
    rows = []
    for workers in args.workers:
        rows.append(measure(files, workers))
        row = rows[-1]
        row["efficiency"] = round(row["pages_per_minute"] / (rows[0]["pages_per_minute"] * workers), 2)
        print(json.dumps(row), flush=True)
    out = {"files": [p.name for p in files], "runs": rows, "projection": project(rows, os.cpu_count() or 1)}
    print(json.dumps(out["projection"]))
    (ROOT / "benchmarks" / "results" / "workers.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
