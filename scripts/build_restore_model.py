#!/usr/bin/env python3
"""Rebuild extractor/data/restore/ (the diacritic-restoration / OCR-correction model).

Everything comes from sources on this machine (extractor/restore/corpus.py, SOURCES.md):

    ngrams.tsv.gz   syllable 1-, 2- and 3-gram counts (weighted; government seeds count most)
    channel.tsv     what ``tesseract -l eng`` printed for each syllable (garbled → clean counts)
    charmap.tsv     spelling rules behind those readings, ``6``→``o``, ``ir``→``u`` (unseen garbles)
    case.tsv        per syllable: Title-case uses inside sentences / all uses there (names)
    acronyms.tsv    upper-case codes by their unaccented spelling (QD → QĐ, HDND → HĐND)
    meta.json       what went in

Usage: build_restore_model.py [--out DIR] [--exclude 004 ...] [--cache DIR] [--jobs 2]
``--exclude`` leaves a seed out of every table (leave-one-out evaluation models).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import io
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.restore import corpus, synth  # noqa: E402
from extractor.restore.tokens import (  # noqa: E402
    BOS,
    OTHER,
    is_compound,
    key_of,
    lm_token,
    mid_sentence,
    sentence_tokens,
    split_chunk,
)
from extractor.vietnamese import is_syllable, normalize  # noqa: E402

# How much each source counts: the government seeds are the domain we serve.
WEIGHTS = {"seed": 6, "vlsp": 2, "admin": 2, "help": 0, "maint": 0, "man": 0, "mo": 0}
# wordfreq counts as a corpus of this many tokens (unigrams only: it has no context).
WORDFREQ_TOKENS = 2e5
# A real scan's garble pair counts like this many rendered ones (real scans are what we serve).
REAL_OCR_WEIGHT = 1
# A dictionary word's inner syllable pair counts like this many corpus occurrences.
DICT_BIGRAM = 1
_ACRONYM_RE = re.compile(r"\b[A-ZĐ]{2,}\b")


def clean_texts(shared: Path, exclude: set[str]) -> list[tuple[str, int, str]]:
    """(name, weight, text) for every clean running text."""
    out = [(name, WEIGHTS["seed"], text) for name, text in corpus.seed_texts(shared, exclude)]
    out += [("vlsp2013-test", WEIGHTS["vlsp"], corpus.vlsp_text()),
            ("admin-names", WEIGHTS["admin"], corpus.admin_names()),
            ("libreoffice-help-vi", WEIGHTS["help"], corpus.libreoffice_help()),
            ("maint-guide-vi", WEIGHTS["maint"], corpus.maint_guide()),
            ("manpages-vi", WEIGHTS["man"], corpus.manpages()),
            ("locale-vi-mo", WEIGHTS["mo"], corpus.mo_catalogues())]
    return [(n, w, normalize(t)) for n, w, t in out if t and w > 0]


def count_ngrams(texts: list[tuple[str, int, str]], words: list[str]) -> list[Counter]:
    grams: list[Counter] = [Counter(), Counter(), Counter()]
    for _, weight, text in texts:
        for sent in sentence_tokens(text):
            if sent.count(OTHER) * 3 > len(sent):  # English or code, not Vietnamese prose
                continue
            seq = [BOS, BOS, *sent]
            for i in range(2, len(seq)):
                grams[0][seq[i]] += weight
                grams[1][(seq[i - 1], seq[i])] += weight
                grams[2][(seq[i - 2], seq[i - 1], seq[i])] += weight
    for word in words:  # dictionary words: every syllable is known, in-word pairs are bigrams
        sylls = [s.lower() for s in normalize(word).split()]
        if not all(is_syllable(s) for s in sylls):
            continue
        for i, s in enumerate(sylls):
            grams[0][s] += 1
            if i:
                grams[1][(sylls[i - 1], s)] += DICT_BIGRAM
    for syl, freq in corpus.wordfreq_syllables().items():
        syl = normalize(syl)
        if is_syllable(syl):
            grams[0][syl] += max(1, round(freq * WORDFREQ_TOKENS))
    return grams


def write_ngrams(grams: list[Counter], path: Path, min_tri: int) -> None:
    # mtime=0: the same counts always give the same bytes (diffable, reproducible builds).
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8") as f:
        for n, counter in enumerate(grams, 1):
            for gram, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
                if n == 3 and c < min_tri:
                    continue
                key = gram if n == 1 else " ".join(gram)
                f.write(f"{n}\t{key}\t{c}\n")


def count_case(texts: list[tuple[str, int, str]]) -> dict[str, list[int]]:
    """Per syllable: how often it is written Title-case inside a sentence, out of all mid-sentence uses.

    Capitals mid-sentence mark names and agencies (``Sở``, ``Cục``, ``Sơn La``), so the
    decoder can tell ``La`` (a place) from ``là`` (a verb).
    """
    out: dict[str, list[int]] = {}
    for _, weight, text in texts:
        for line in text.split("\n"):
            parts = [split_chunk(chunk) for chunk in line.split()]
            for (_, core, _), mid in zip(parts, mid_sentence(parts), strict=False):
                tok = lm_token(core)
                if mid and tok not in (OTHER, "<n>") and not core.isupper():
                    row = out.setdefault(tok, [0, 0])
                    row[0] += weight * core[0].isupper()
                    row[1] += weight
    return out


def aligned_tokens(garbled: str, clean: str):
    """(garbled core, clean syllable) for lines split into the same number of chunks."""
    g, c = garbled.split(), normalize(clean).split()
    if len(g) != len(c):
        return
    for gc, cc in zip(g, c, strict=False):
        core_c = split_chunk(cc)[1]
        core_g = split_chunk(gc)[1]
        tok = lm_token(core_c)
        if core_g and tok not in (OTHER, "<n>", BOS) and not is_compound(core_g):
            yield core_g.lower(), tok


def count_channel(pairs) -> tuple[Counter, Counter]:
    """Token confusions, and the spelling rules behind them (``6`` → ``o``, ``ir`` → ``u``)."""
    chan: Counter = Counter()
    rules: Counter = Counter()
    for garbled, clean in pairs:
        for obs, true in aligned_tokens(garbled, clean):
            chan[(obs, true)] += 1
            rules.update(spelling_rules(obs, key_of(true)))
    return chan, rules


def spelling_rules(obs: str, key: str) -> list[tuple[str, str]]:
    """Substring rewrites turning ``obs`` into the unaccented ``key`` (identities included)."""
    if abs(len(obs) - len(key)) > 2:
        return []
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, obs, key, autojunk=False).get_opcodes():
        if op == "equal":
            out += [(c, c) for c in obs[i1:i2]]
        elif i2 - i1 <= 2 and j2 - j1 <= 2 and i2 > i1:
            out.append((obs[i1:i2], key[j1:j2]))
    return out


def acronyms(texts: list[tuple[str, int, str]]) -> dict[str, str]:
    seen: Counter = Counter(m.group(0) for n, _, t in texts if n.startswith(("seed", "vlsp"))
                            for m in _ACRONYM_RE.finditer(t))
    best: dict[str, tuple[int, str]] = {}
    for form, c in seen.items():
        if "Đ" in form and c >= 1:
            k = key_of(form).upper()
            if c > best.get(k, (0, ""))[0]:
                best[k] = (c, form)
    return {k: f for k, (_, f) in sorted(best.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "extractor/data/restore")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--exclude", nargs="*", default=[], help="seed ids to leave out (e.g. 004)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/kehoach/restore-ocr")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--min-trigram", type=int, default=2)
    ap.add_argument("--lm-only", action="store_true", help="rebuild n-grams, keep the channel files")
    args = ap.parse_args(argv)
    exclude, t0 = set(args.exclude), time.time()
    args.out.mkdir(parents=True, exist_ok=True)

    texts = clean_texts(args.shared, exclude)
    grams = count_ngrams(texts, corpus.word_lists())
    write_ngrams(grams, args.out / "ngrams.tsv.gz", args.min_trigram)
    print(f"n-grams: {[len(g) for g in grams]} ({time.time() - t0:.0f}s)", file=sys.stderr)
    case = count_case([t for t in texts if t[0].startswith(("seed", "vlsp", "admin"))])
    (args.out / "case.tsv").write_text("".join(f"{s}\t{a}\t{b}\n" for s, (a, b) in sorted(case.items())),
                                       encoding="utf-8")
    if args.lm_only:
        return 0

    # OCR pairs: the government seeds, the news corpus and a slice of UI messages, rendered and
    # read back with tesseract's English model; plus the real pairs of seed 004 when allowed.
    ocr_src = [t for n, _, t in texts if n.startswith("seed")]
    ocr_src += [corpus.vlsp_text(), normalize(corpus.mo_catalogues(corpus.BASE_CATALOGUES)[:150000])]
    pairs = list(synth.ocr_pairs(ocr_src, args.cache, jobs=args.jobs))
    real = [(g, c) for gt, ct in corpus.garbled_pairs(args.shared, exclude)
            for g, c in zip(gt.split("\n"), ct.split("\n"), strict=True)]
    pairs += real * REAL_OCR_WEIGHT
    chan, rules = count_channel(pairs)
    with (args.out / "channel.tsv").open("w", encoding="utf-8") as f:
        for (obs, true), c in sorted(chan.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{obs}\t{true}\t{c}\n")
    with (args.out / "charmap.tsv").open("w", encoding="utf-8") as f:
        for (a, b), c in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{a}\t{b}\t{c}\n")
    acr = acronyms(texts)
    (args.out / "acronyms.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in acr.items()), encoding="utf-8")
    meta = {"exclude": sorted(exclude), "weights": WEIGHTS, "min_trigram": args.min_trigram,
            "sources": {n: len(t.split()) for n, _, t in texts}, "ocr_line_pairs": len(pairs),
            "channel_pairs": sum(chan.values()), "ngrams": [len(g) for g in grams]}
    meta_text = json.dumps(meta, indent=1, ensure_ascii=False) + "\n"
    (args.out / "meta.json").write_text(meta_text, encoding="utf-8")
    print(f"channel: {len(chan)} pairs from {len(pairs)} lines ({time.time() - t0:.0f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
