"""OCR benchmark (issue 2, item 5): CER, pages per minute, overhead over bare tesseract, memory.

Usage (from the repository root; keep the machine otherwise quiet):

    nice .venv/bin/python benchmarks/bench_ocr.py                 # CER + speed + overhead + memory
    nice .venv/bin/python benchmarks/bench_ocr.py --langs vie,Vietnamese --only cer
    nice .venv/bin/python benchmarks/bench_ocr.py --only memory --memory-stub 0 --memory-real 200
    nice .venv/bin/python benchmarks/bench_ocr.py --only prep --langs vie   # preprocessing steps

CER is measured against the text layer of the born-digital PDF of the same seed,
whitespace collapsed, on the same pages of every variant (clean = the born-digital
page rasterised at 300 dpi). With ``extractor.restore`` present, CER after
``restore_text`` is reported too. Results go to ``benchmarks/results/ocr.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdf  # noqa: E402

from extractor import textlayer  # noqa: E402
from extractor.ingest import OcrTask, ingest, ocr_page  # noqa: E402
from extractor.ocr.sources import PdfSource  # noqa: E402
from extractor.ocr.tesseract import OcrConfig, build_args  # noqa: E402
from extractor.options import Options  # noqa: E402
from extractor.quality import edit_distance  # noqa: E402

SAMPLES = ROOT / "samples"
RESULTS = ROOT / "benchmarks" / "results" / "ocr.json"
# (seed, page index) measured in every variant: two 004 pages and the first page of 001 and 003.
PAGES = [("004", 0), ("004", 1), ("001", 0), ("003", 0)]
VARIANTS = {"clean": "born-digital", "mild": "scan-mild", "heavy": "scan-heavy", "harsh": "photocopy-200dpi"}


def reference(sid: str, index: int) -> str:
    with pdfplumber.open(SAMPLES / f"{sid}-born-digital.pdf") as pdf:
        return "\n".join(line.text for line in textlayer.plumber_lines(pdf.pages[index]))


def _ocr(args: tuple[str, int, str, str]) -> tuple[str, int, str, str, float]:
    sid, index, variant, lang = args
    source = PdfSource.open(SAMPLES / f"{sid}-{VARIANTS[variant]}.pdf", Options())
    started = time.perf_counter()
    page = ocr_page(OcrTask(source, index, None, OcrConfig(lang=lang)))
    return sid, index, variant, page.text, time.perf_counter() - started


def bench_cer(langs: list[str], jobs: int) -> dict:
    restore_text: Callable[[str], str] | None
    try:
        from extractor.restore import restore_text
    except ImportError:
        restore_text = None
    refs = {(sid, i): " ".join(reference(sid, i).split()) for sid, i in PAGES}
    jobs_list = [(sid, i, v, lang) for lang in langs for v in VARIANTS for sid, i in PAGES]
    out: dict = {}
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(_ocr, jobs_list))
    for (sid, i, variant, text, _), (_, _, _, lang) in zip(results, jobs_list, strict=True):
        row = out.setdefault(lang, {}).setdefault(variant, {"chars": 0, "errors": 0, "errors_restored": 0})
        ref = refs[(sid, i)]
        row["chars"] += len(ref)
        row["errors"] += edit_distance(ref, " ".join(text.split()))
        if restore_text is not None:
            row["errors_restored"] += edit_distance(ref, " ".join(restore_text(text).split()))
    for lang_rows in out.values():
        for row in lang_rows.values():
            row["cer"] = round(row["errors"] / row["chars"], 5)
            row["cer_restored"] = round(row["errors_restored"] / row["chars"], 5) if restore_text else None
    return out


PREP_PAGES = [("mild", "004", 0), ("heavy", "004", 0), ("heavy", "001", 0), ("harsh", "004", 0),
              ("harsh", "001", 0)]
PREPS = {"grayscale only": dict(denoise=False, despeckle=False, deskew=False, upscale=False),
         "+ despeckle": dict(denoise=False, despeckle=True, deskew=False, upscale=False),
         "+ despeckle + median": dict(denoise=True, despeckle=True, deskew=False, upscale=False),
         "+ despeckle + median + deskew": dict(denoise=True, despeckle=True, deskew=True, upscale=False),
         "+ despeckle + median + deskew + upscale": dict(denoise=True, despeckle=True, deskew=True,
                                                         upscale=True)}
PREPS = {name: {**steps, "adaptive": False} for name, steps in PREPS.items()}
PREPS["default (adaptive: all three steps on noisy pages only)"] = {}


def _prep_one(args: tuple[str, str, str, int, str]) -> float:
    from extractor.ocr.preprocess import Prep, prepare
    from extractor.ocr.tesseract import ocr_image

    name, variant, sid, index, lang = args
    source = PdfSource.open(SAMPLES / f"{sid}-{VARIANTS[variant]}.pdf", Options())
    image, dpi = prepare(*source.render(index), Prep(**PREPS[name]))
    text = "\n".join(line.text for line in ocr_image(image, dpi, OcrConfig(lang=lang)))
    return edit_distance(" ".join(reference(sid, index).split()), " ".join(text.split()))


def bench_prep(lang: str, jobs: int) -> dict:
    """CER of each preprocessing variant on single pages (the table in extractor/ocr/preprocess.py)."""
    work = [(name, v, sid, i, lang) for name in PREPS for v, sid, i in PREP_PAGES]
    with ProcessPoolExecutor(jobs) as pool:
        errors = list(pool.map(_prep_one, work))
    chars = {(sid, i): len(" ".join(reference(sid, i).split())) for _, sid, i in PREP_PAGES}
    out: dict = {}
    for (name, v, sid, i, _), err in zip(work, errors, strict=True):
        out.setdefault(name, {})[f"{v} {sid} p{i + 1}"] = round(err / chars[(sid, i)], 5)
    return out


def bench_speed(lang: str, jobs: int) -> dict:
    path = SAMPLES / "004-scan-mild.pdf"
    started = time.perf_counter()
    doc = ingest(path, Options(jobs=jobs, lang=lang))
    seconds = time.perf_counter() - started
    assert all(p.source == "ocr" for p in doc.pages)
    return {"file": path.name, "pages": len(doc.pages), "jobs": jobs, "seconds": round(seconds, 2),
            "pages_per_minute": round(60 * len(doc.pages) / seconds, 1)}


def bench_overhead(lang: str, pages: int = 3) -> dict:
    """Pipeline (render + prepare + tesseract + parse) vs the bare binary on the same page images."""
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        pdf = _subset(SAMPLES / "004-scan-mild.pdf", tmpdir / "sub.pdf", range(pages))
        source = PdfSource.open(pdf, Options())
        images = []
        for index in range(pages):
            image, dpi = source.render(index)
            images.append(tmpdir / f"p{index}.png")
            image.save(images[-1])
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

        def bare() -> list[float]:
            with _clock() as took:
                for image in images:
                    argv = build_args(image, 300, OcrConfig(lang=lang))
                    subprocess.run(argv, check=True, capture_output=True, stdin=subprocess.DEVNULL, env=env)
            return took

        def pipeline() -> list[float]:
            with _clock() as took:
                ingest(pdf, Options(jobs=1, lang=lang))
            return took

        ingest(pdf, Options(jobs=1, lang=lang))  # warm-up: imports, the engine probe, file cache
        runs: dict[str, list[list[float]]] = {"bare": [], "pipeline": []}
        for _ in range(3):  # interleaved, so drift in machine load hits both alike
            runs["bare"].append(bare())
            runs["pipeline"].append(pipeline())
    wall_b, wall_p = (statistics.median(w for w, _ in runs[k]) for k in ("bare", "pipeline"))
    cpu_b, cpu_p = (statistics.median(c for _, c in runs[k]) for k in ("bare", "pipeline"))
    # CPU seconds (ours + tesseract's) are the headline: on a shared 2-core machine wall
    # time swings by +-20 % between runs, CPU time much less.
    return {"pages": pages, "bare_cpu_s": round(cpu_b, 2), "pipeline_cpu_s": round(cpu_p, 2),
            "ratio": round(cpu_p / cpu_b, 3), "overhead_pct": round(100 * (cpu_p / cpu_b - 1), 1),
            "bare_wall_s": round(wall_b, 2), "pipeline_wall_s": round(wall_p, 2),
            "wall_ratio": round(wall_p / wall_b, 3), "runs": runs}


class _clock:
    """Wall and CPU seconds (this process and its children) spent inside the block."""

    def __enter__(self) -> list[float]:
        self.result: list[float] = []
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self.result

    def __exit__(self, *exc: object) -> None:
        self.result.extend([time.perf_counter() - self.wall, _cpu() - self.cpu])


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _subset(source: Path, out: Path, indices) -> Path:
    reader = pypdf.PdfReader(source)
    writer = pypdf.PdfWriter()
    n = len(reader.pages)
    for i in indices:
        writer.add_page(reader.pages[i % n])
    with out.open("wb") as handle:
        writer.write(handle)
    return out


_MEMORY_CHILD = r"""
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from extractor.ingest import ingest
from extractor.options import Options
from extractor.ocr import exec as engine
if sys.argv[3] == "stub":
    # Tesseract replaced by a canned page of TSV: measures our own memory (render, prepare, parse).
    row = "5\t1\t1\t1\t{n}\t{k}\t{x}\t{y}\t40\t30\t96\tchữ\n"
    tsv = "level\n" + "".join(row.format(n=n, k=k, x=60 * k, y=40 * n) for n in range(45) for k in range(12))
    def runner(argv, timeout, env):
        if "--list-langs" in argv:
            return engine.Completed(tuple(argv), 0, b"x\nvie\n", b"")
        out = b"tesseract 5\n" if "--version" in argv else tsv.encode()
        return engine.Completed(tuple(argv), 0, out, b"")
    engine.runner = runner
doc = ingest(Path(sys.argv[1]), Options(jobs=int(sys.argv[2])))
assert len(doc.pages) > 0 and all(p.source == "ocr" for p in doc.pages)
print(json.dumps({"pages": len(doc.pages),
                  "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def bench_memory(pages: int, mode: str, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = _subset(SAMPLES / "004-scan-mild.pdf", Path(tmp) / f"scan-{pages}.pdf", range(pages))
        proc = subprocess.Popen([sys.executable, "-c", _MEMORY_CHILD, str(pdf), str(jobs), mode, str(ROOT)],
                                stdout=subprocess.PIPE, text=True)
        samples: list[tuple[float, float]] = []
        started = time.perf_counter()

        def sample() -> None:
            while proc.poll() is None:
                samples.append((time.perf_counter() - started, _tree_rss_mb(proc.pid)))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        sampler.join()
    result = json.loads(out.strip().splitlines()[-1])
    tree = [mb for _, mb in samples]
    third = max(1, len(tree) // 3)
    result.update(mode=mode, jobs=jobs, seconds=round(time.perf_counter() - started, 1),
                  tree_peak_mb=round(max(tree), 1) if tree else None,
                  tree_peak_first_third_mb=round(max(tree[:third]), 1) if tree else None,
                  tree_peak_last_third_mb=round(max(tree[-third:]), 1) if tree else None)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="vie,Vietnamese")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", choices=["cer", "speed", "overhead", "memory", "prep"], action="append")
    parser.add_argument("--memory-pages", type=int, default=200)
    parser.add_argument("--memory-real", type=int, default=20,
                        help="pages OCR'd by real tesseract in the memory run (0: skip)")
    parser.add_argument("--memory-stub", type=int, default=1, help="0: skip the stubbed-engine runs")
    args = parser.parse_args()
    langs = args.langs.split(",")
    todo = set(args.only or ["cer", "speed", "overhead", "memory"])
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "tesseract": subprocess.run(["tesseract", "--version"], capture_output=True,
                                                      text=True).stdout.splitlines()[0],
                          "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    if "cer" in todo:
        results["cer"] = bench_cer(langs, args.jobs)
        results["cer_pages"] = [f"{sid} p{i + 1}" for sid, i in PAGES]
        _print_cer(results["cer"])
    if "prep" in todo:
        results["prep"] = bench_prep(langs[0], args.jobs)
        for name, row in results["prep"].items():
            print(f"{name:32} " + "  ".join(f"{k}: {100 * v:.2f} %" for k, v in row.items()))
    if "speed" in todo:
        results["speed"] = {lang: bench_speed(lang, args.jobs) for lang in langs}
        for lang, row in results["speed"].items():
            print(f"speed {lang}: {row['pages']} pages, {row['jobs']} jobs, {row['seconds']} s "
                  f"= {row['pages_per_minute']} pages/min")
    if "overhead" in todo:
        results["overhead"] = bench_overhead(langs[0])
        row = results["overhead"]
        print(f"overhead ({langs[0]}, {row['pages']} pages, 1 job): CPU bare {row['bare_cpu_s']} s, "
              f"pipeline {row['pipeline_cpu_s']} s, ratio {row['ratio']} ({row['overhead_pct']:+} %); "
              f"wall {row['bare_wall_s']} s vs {row['pipeline_wall_s']} s (ratio {row['wall_ratio']})")
    if "memory" in todo:
        runs = []
        if args.memory_stub:
            runs += [bench_memory(args.memory_pages, "stub", args.jobs), bench_memory(10, "stub", args.jobs)]
        if args.memory_real:
            runs.append(bench_memory(args.memory_real, "real", args.jobs))
        kept = [r for r in results.get("memory", []) if (r["mode"], r["pages"]) not in
                {(n["mode"], n["pages"]) for n in runs}]
        results["memory"] = kept + runs
        for row in runs:
            print(f"memory {row['mode']:4} {row['pages']:3} pages, {row['jobs']} jobs: process tree peak "
                  f"{row['tree_peak_mb']} MB (first third {row['tree_peak_first_third_mb']}, last third "
                  f"{row['tree_peak_last_third_mb']}); main maxrss {row['self_maxrss_mb']:.0f} MB, "
                  f"largest child {row['children_maxrss_mb']:.0f} MB, {row['seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def _print_cer(table: dict) -> None:
    print(f"CER on {', '.join(f'{s} p{i + 1}' for s, i in PAGES)} (whitespace collapsed)")
    print(f"{'lang':12} {'variant':8} {'chars':>6} {'CER':>8} {'restored':>9}")
    for lang, rows in table.items():
        for variant, row in rows.items():
            restored = f"{100 * row['cer_restored']:.2f} %" if row["cer_restored"] is not None else "-"
            print(f"{lang:12} {variant:8} {row['chars']:6} {100 * row['cer']:6.2f} % {restored:>9}")


if __name__ == "__main__":
    main()
