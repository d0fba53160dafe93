"""Rebuild extractor/data/programmes/1687.json, the reference task set of Decision 1687/QĐ-TTg.

We hold no copy of the Decision itself; its eight task groups (section III "Nhiệm vụ, giải
pháp") and its four quantified targets are restated by the provincial plans in ../shared/:

* seed 001 (Lạng Sơn plan, a clean text layer) restates section III as items 1-8. Its items
  give each task's title (first sentence) and description (the whole item). A bullet under an
  item is kept only when seed 004 (Sơn La, an independent restatement) carries it too: Lạng Sơn
  added local bullets (tác phẩm về Lạng Sơn, chính sách khuyến khích ...) that are no part of
  the national text.
* gold/004.json (hand-checked reading of Sơn La's plan) gives the Sơn La wording of each item as
  a variant ("Xây dựng các tiêu chí hướng dẫn ...", "... những nội dung chủ yếu ..."), since
  the two provinces copy the Decision with different small edits.
* the targets are parsed from seed 001 section II.2 and must equal gold/001.json and
  gold/004.json (both restate the national figures unchanged); indicator names are the gold's.
* keywords and the segmentation lexicon come from underthesea's word segmentation of the
  reference texts, stored unmarked so that alignment needs no segmenter at run time.

Run: .venv/bin/python scripts/build_programme_1687.py [--shared ../shared] [--check]
The output is committed after a hand check; --check fails when a rebuild would change it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.compare.text import STOPWORDS, syllables  # noqa: E402
from extractor.vietnamese import normalize, strip_diacritics  # noqa: E402

OUT = ROOT / "extractor" / "data" / "programmes" / "1687.json"
_ITEM = re.compile(r"^(\d)\.\s+(.*)")


def _section(text: str, start: str, end: str) -> str:
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0]


def _paragraphs(section: str) -> list[str]:
    """Paragraphs, with a page break inside a sentence mended (a paragraph starting lower-case)."""
    out: list[str] = []
    for para in (" ".join(p.split()) for p in section.split("\n\n")):
        if not para:
            continue
        if out and para[:1].islower():
            out[-1] += " " + para
        else:
            out.append(para)
    return out


def _items(section: str) -> list[dict]:
    items: list[dict] = []
    for para in _paragraphs(section):
        m = _ITEM.match(para)
        if m:
            items.append({"id": m.group(1), "text": m.group(2), "bullets": []})
        elif para.startswith("- ") and items:
            items[-1]["bullets"].append(para[2:])
    return items


def _title(text: str) -> str:
    first = re.split(r"(?<=[^A-ZĐ])\.\s|:\s|:$", text, maxsplit=1)[0]
    return re.sub(r",?\s*trong đó$", "", first).strip(" .;:")


def _trigrams(text: str) -> set[tuple[str, ...]]:
    sy = [s for s in syllables(text)]
    return set(zip(sy, sy[1:], sy[2:], strict=False))


def _in_other(bullet: str, other: set[tuple[str, ...]]) -> bool:
    grams = _trigrams(bullet)
    return bool(grams) and len(grams & other) / len(grams) >= 0.5


def _target_bullets(section: str) -> list[str]:
    return [p[2:] for p in _paragraphs(section) if p.startswith("- Đến năm")]


def _targets(section: str, names: list[str]) -> list[dict]:
    rows = []
    for name, bullet in zip(names, _target_bullets(section), strict=True):
        values = re.findall(r"(\d+)%", bullet)
        years = [2026, 2030, 2045]
        for year, value in zip(years, values, strict=True):
            rows.append({"indicator": name, "year": year, "value": float(value), "unit": "%"})
    return rows


def _keywords(docs: list[str]) -> tuple[list[list[str]], list[str]]:
    """Distinctive multi-syllable words per document and the lexicon of all such words."""
    from underthesea import word_tokenize

    words = [[strip_diacritics(w).lower() for w in word_tokenize(d)] for d in docs]
    words = [[w for w in ws if " " in w and not set(w.split()) <= STOPWORDS and w.replace(" ", "").isalpha()]
             for ws in words]
    df = Counter(w for ws in words for w in set(ws))
    keywords = []
    for ws in words:
        counts = Counter(w for w in ws if df[w] <= 2)
        keywords.append([w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:12])
    return keywords, sorted(df)


def build(shared: Path) -> dict:
    seed = next((shared / "seeds").glob("001_*.txt"))
    other = next((shared / "seeds").glob("004_*.txt"))
    text = normalize(seed.read_text(encoding="utf-8"))
    other_grams = _trigrams(strip_diacritics(other.read_text(encoding="utf-8")))
    gold001 = json.loads((shared / "gold" / "001.json").read_text(encoding="utf-8"))
    gold004 = json.loads((shared / "gold" / "004.json").read_text(encoding="utf-8"))
    variants = {t["number"]: t["title"] for t in gold004["tasks"]}

    tasks = []
    for item in _items(_section(text, "III. NHIỆM VỤ, GIẢI PHÁP", "IV. KINH PHÍ")):
        kept = [b for b in item["bullets"] if _in_other(b, other_grams)]
        description = " ".join([item["text"], *(f"- {b}" for b in kept)])
        tasks.append({"id": item["id"], "title": _title(item["text"]), "description": description,
                      "variants": [variants[item["id"]]] if item["id"] in variants else [],
                      "dropped_local_bullets": len(item["bullets"]) - len(kept)})
    if [t["id"] for t in tasks] != [str(i) for i in range(1, 9)]:
        raise SystemExit(f"expected items 1-8 in seed 001 section III, got {[t['id'] for t in tasks]}")

    keywords, lexicon = _keywords([" ".join([t["title"], t["description"], *t["variants"]]) for t in tasks])
    for task, kws in zip(tasks, keywords, strict=True):
        task["keywords"] = kws

    names = list(dict.fromkeys(t["indicator"] for t in gold001["targets"]))
    target_section = _section(text, "2. Mục tiêu cụ thể", "III. NHIỆM VỤ")
    targets = _targets(target_section, names)
    indicators = [{"name": n, "text": re.sub(r"\s*\(\*[^)]*\*\)", "", b)}
                  for n, b in zip(names, _target_bullets(target_section), strict=True)]
    for gold in (gold001, gold004):
        got = [(t["indicator"], t["year"], t["value"]) for t in gold["targets"]]
        if got != [(t["indicator"], t["year"], t["value"]) for t in targets]:
            raise SystemExit(f"targets of {gold['source']} differ from the ones parsed from {seed.name}")

    return {
        "programme": "1687",
        "decision": "1687/QĐ-TTg",
        "issued_date": "2024-12-30",
        "issuer": "Thủ tướng Chính phủ",
        "title": ("Chương trình “Xây dựng mô hình thư viện cơ sở phục vụ nhân dân miền núi, biên giới, "
                  "vùng trung du và miền núi phía Bắc giai đoạn 2025-2030, tầm nhìn đến năm 2045”"),
        "source": {
            "note": ("Section III (tasks) and II.2 (targets) of the Decision as restated by the Lạng Sơn "
                     "plan (seed 001); bullets kept only where the Sơn La plan (seed 004) restates them "
                     "too; Sơn La's wording kept as variants; targets checked equal in gold 001 and 004."),
            "files": {seed.name: hashlib.sha256(seed.read_bytes()).hexdigest(),
                      other.name: hashlib.sha256(other.read_bytes()).hexdigest()},
            "script": "scripts/build_programme_1687.py",
            "hand_checked": True,
        },
        "tasks": tasks,
        "indicators": indicators,
        "targets": targets,
        "lexicon": lexicon,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--check", action="store_true", help="Fail if the committed file is stale.")
    args = parser.parse_args()
    if not (args.shared / "seeds").is_dir():
        print(f"{args.shared}/seeds not found; the committed {OUT.name} stays as it is", file=sys.stderr)
        return 0
    text = json.dumps(build(args.shared), ensure_ascii=False, indent=1) + "\n"
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} is stale; rerun without --check", file=sys.stderr)
        return 0 if same else 1
    from extractor.fsutil import atomic_write_text

    atomic_write_text(OUT, text)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(json.loads(text)['tasks'])} tasks", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
