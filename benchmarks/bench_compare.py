"""Issue 6 scale check: compare 34 provinces × 30 tasks in at most 1 s.

Records are synthesised from the real ones (gold 000/001/004 in ../shared, tests/records/002)
by perturbing them the way provinces and OCR do: tasks sampled across plans, a word dropped,
two words swapped, some words left without marks, a target value moved. Timed stages:

* ``align+tables``: ``build_report`` (alignment of every task, every table), per-text caches
  cleared before each repetition (the reference index and agency registry stay loaded);
* ``render``: report.html + report.xlsx + six CSVs written to a temporary folder;
* budget: align+tables+render ≤ 1 s;
* ``reference``: validating the 34 records' JSON with pydantic, the least any comparison of
  records must do, measured in the same run so the ratio is comparable across machines.

Run: .venv/bin/python benchmarks/bench_compare.py [--repeat 5] [--json benchmarks/results/compare.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.compare import render  # noqa: E402
from extractor.compare.model import PlanInput  # noqa: E402
from extractor.compare.run import build_report  # noqa: E402
from extractor.vietnamese import strip_diacritics  # noqa: E402
from schemas.plan import Plan  # noqa: E402

PROVINCES, TASKS, BUDGET_S = 34, 30, 1.0


def _real_records(shared: Path) -> list[dict]:
    paths = [shared / "gold" / f"{s}.json" for s in ("000", "001", "004")]
    paths.append(ROOT / "tests" / "records" / "002.json")
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths if p.is_file()]


def _perturb_text(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 4 and rng.random() < 0.3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    words = [strip_diacritics(w) if rng.random() < 0.15 else w for w in words]
    return " ".join(words)


def synthesise(real: list[dict], seed: int = 6) -> list[str]:
    """JSON of PROVINCES records with TASKS tasks each."""
    rng = random.Random(seed)
    pool = [t for r in real for t in r["tasks"]]
    names = [n.strip() for n in (ROOT / "extractor" / "data" / "provinces.txt").read_text(encoding="utf-8")
             .splitlines() if n.strip() and not n.startswith("#")]
    out = []
    for k in range(PROVINCES):
        base = json.loads(json.dumps(real[k % len(real)]))
        base["source"] = f"synthetic_{k:02d}.json"
        base["document"]["province"] = names[k % len(names)] if k < len(names) else f"Tỉnh {k}"
        tasks = []
        for n in range(TASKS):
            task = json.loads(json.dumps(rng.choice(pool)))
            task["number"] = str(n + 1)
            task["title"] = _perturb_text(task["title"], rng)
            if task.get("group"):
                task["group"] = _perturb_text(task["group"], rng)
            tasks.append(task)
        base["tasks"] = tasks
        for t in base.get("targets", []):
            if rng.random() < 0.2:
                t["value"] = float(t["value"] + rng.choice((-5, 5, 10)))
        out.append(json.dumps(base, ensure_ascii=False))
    return out


def _cold() -> None:
    """Forget every per-text cache so each repetition sees the titles for the first time."""
    from extractor.compare import align, targets, text

    for cached in (text.features, text._fold, align.canonical_agency, targets._match):
        cached.cache_clear()


def _time(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        _cold()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args()
    real = _real_records(args.shared)
    if len(real) < 2:
        print(f"need the gold records in {args.shared}/gold", file=sys.stderr)
        return 2
    docs = synthesise(real)
    ref_s, plans = _time(lambda: [Plan.model_validate_json(d) for d in docs], args.repeat)
    inputs = [PlanInput(p, Path(p.source)) for p in plans]  # type: ignore[attr-defined]
    build_report(inputs[:2])  # warm the lazy loads (reference file, lexicon, agency registry)
    core_s, report = _time(lambda: build_report(inputs), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        render_s, _ = _time(lambda: render.write(report, Path(tmp)), args.repeat)  # type: ignore[arg-type]
    tasks = sum(len(p.tasks) for p in plans)  # type: ignore[attr-defined]
    figures = {
        "provinces": PROVINCES, "tasks": tasks,
        "align_tables_s": round(core_s, 4), "render_s": round(render_s, 4),
        "total_s": round(core_s + render_s, 4), "reference_validate_s": round(ref_s, 4),
        "ratio_align_tables_to_reference": round(core_s / ref_s, 2),
        "ratio_total_to_reference": round((core_s + render_s) / ref_s, 2),
        "budget_s": BUDGET_S, "repeat": args.repeat, "python": sys.version.split()[0],
        "within_budget": core_s + render_s <= BUDGET_S,
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        from extractor.fsutil import atomic_write_text

        atomic_write_text(args.json, json.dumps(figures, indent=1) + "\n")
    return 0 if figures["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
