"""Extraction benchmark: dev-set F1 and the time to extract a 20-page document.

    .venv/bin/python benchmarks/bench_extract.py [--shared ../shared] [--pages 20]

1. Dev-set F1: ``kehoach extract`` on the .txt seeds that have gold (000, 001, 004 — 004's
   garbled text goes through ingest and restoration), scored by shared/eval/score_plan.py.
2. Timing: a 20-page text document (seed texts repeated, one page per form feed) is
   ingested and extracted in-process, once cold (first call: spaCy and the registry load) and
   as the best of 3 warm runs (the entity layer's per-text memo cleared before each).
   The reference, measured in the same run, is one pass of
   ``vietnamese.normalize`` + syllable checks over the same text, so the ratio says how
   extraction compares with reading the text once on this machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def dev_set_f1(shared: Path, out: Path) -> str:
    kehoach = ROOT / ".venv" / "bin" / "kehoach"
    for gold in sorted((shared / "gold").glob("*.json")):
        seed = next((shared / "seeds").glob(f"{gold.stem}_*.txt"))
        subprocess.run([str(kehoach), "extract", str(seed), "--json", str(out / gold.name)],
                       check=True, stderr=subprocess.DEVNULL)
    result = subprocess.run([sys.executable, str(shared / "eval" / "score_plan.py"), "--dir",
                             str(shared / "gold"), str(out)], check=True, capture_output=True, text=True)
    return result.stdout


def twenty_pages(shared: Path, pages: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("00[013]_*.txt"))]
    body = "\n".join(texts).split("\n")
    per_page = max(1, len(body) * 1 // pages + 1)
    chunks = ["\n".join(body[i:i + per_page]) for i in range(0, len(body), per_page)]
    while len(chunks) < pages:
        chunks += chunks
    return "\f".join(chunks[:pages])


def reference_seconds(text: str) -> float:
    from extractor.vietnamese import is_syllable, letter_tokens, normalize

    start = time.perf_counter()
    for line in text.split("\n"):
        for token in letter_tokens(normalize(line)):
            is_syllable(token)
    return time.perf_counter() - start


def extraction_seconds(path: Path) -> tuple[float, float]:
    from extractor.options import Options
    from extractor.pipeline import extract

    options = Options(restore=False, no_ocr=True, jobs=1)
    start = time.perf_counter()
    extract(path, options)
    cold = time.perf_counter() - start
    from extractor import nlp

    warm = []
    for _ in range(3):
        nlp.clear_cache()  # the same text again: time the spaCy pipeline, not its memo
        start = time.perf_counter()
        extract(path, options)
        warm.append(time.perf_counter() - start)
    return cold, min(warm)


def twenty_page_pdf(out: Path, pages: int) -> Path | None:
    """The born-digital sample PDFs (samples/, text layers) joined and cut to ``pages`` pages."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for name in ("001-born-digital.pdf", "004-born-digital.pdf", "003-born-digital.pdf"):
        path = ROOT / "samples" / name
        if not path.exists():
            return None
        for page in PdfReader(str(path)).pages:
            if len(writer.pages) < pages:
                writer.add_page(page)
    target = out / "twenty_pages.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def pdf_split_seconds(path: Path) -> tuple[float, float]:
    """(ingest, field extraction) seconds for a text-layer PDF, warm."""
    from extractor.fields import extract_plan
    from extractor.ingest import ingest
    from extractor.options import Options

    options = Options(restore=False, no_ocr=True, jobs=1)
    start = time.perf_counter()
    doc = ingest(path, options)
    middle = time.perf_counter()
    extract_plan(doc)
    return middle - start, time.perf_counter() - middle


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--skip-f1", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_f1:
            print(dev_set_f1(args.shared, Path(tmp)))
        doc = Path(tmp) / "twenty_pages.txt"
        text = twenty_pages(args.shared, args.pages)
        doc.write_text(text, encoding="utf-8")
        cold, warm = extraction_seconds(doc)
        ref = reference_seconds(text)
        pdf = twenty_page_pdf(Path(tmp), args.pages)
        pdf_times = pdf_split_seconds(pdf) if pdf else None
    print(f"{args.pages}-page text document ({len(text)} chars): extraction cold {cold:.3f} s, "
          f"warm {warm:.3f} s; reference (normalise + syllable check) {ref:.3f} s; "
          f"ratio warm/reference {warm / ref:.1f}")
    if pdf_times:
        print(f"{args.pages}-page text-layer PDF (samples/*-born-digital.pdf): ingest {pdf_times[0]:.3f} s, "
              f"fields {pdf_times[1]:.3f} s, total {sum(pdf_times):.3f} s (warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
