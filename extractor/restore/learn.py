"""Learning from reviewers: corrected lines become overlay counts that every later run reads.

The shipped tables stay read-only; corrections go to ``<user data dir>/restore/`` as two small
TSV files in the shipped formats (``channel.tsv``: what was read → what it should be,
``ngrams.tsv``: the corrected wording), weighted by ``model.OVERLAY_WEIGHT`` at load time.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from extractor.fsutil import atomic_write_text
from extractor.restore import model
from extractor.restore.tokens import BOS, NUM, OTHER, is_compound, lm_token, sentence_tokens, split_chunk
from extractor.vietnamese import normalize


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    """Correction pairs from a TSV (``original<TAB>corrected``) or JSONL file."""
    text = Path(path).read_text(encoding="utf-8")
    pairs = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            row = json.loads(line)
            pairs.append((row["original"], row["corrected"]))
        elif "\t" in line:
            orig, corr = line.split("\t", 1)
            pairs.append((orig, corr))
    return pairs


def learn(pairs: Iterable[tuple[str, str]], model_dir: str | Path | None = None) -> int:
    """Add corrections to the overlay in ``model_dir`` (default :func:`model.user_dir`)."""
    root = Path(model_dir) if model_dir else model.user_dir()
    chan: Counter = Counter()
    grams: Counter = Counter()
    learnt = 0
    for original, corrected in pairs:
        corrected = normalize(corrected)
        for obs, true in _aligned(original, corrected):
            chan[(obs, true)] += 1
            learnt += 1
        for sent in sentence_tokens(corrected):
            seq = [BOS, BOS, *sent]
            for i in range(2, len(seq)):
                grams[("1", seq[i])] += 1
                grams[("2", f"{seq[i - 1]} {seq[i]}")] += 1
                grams[("3", f"{seq[i - 2]} {seq[i - 1]} {seq[i]}")] += 1
    if chan or grams:
        root.mkdir(parents=True, exist_ok=True)
        _merge(root / "channel.tsv", chan)
        _merge(root / "ngrams.tsv", grams)
        model.clear_cache()
    return learnt


def _aligned(original: str, corrected: str):
    a, b = original.split(), corrected.split()
    if len(a) != len(b):
        return
    for x, y in zip(a, b, strict=False):
        obs, true = split_chunk(x)[1], lm_token(split_chunk(y)[1])
        if obs and true not in (BOS, NUM, OTHER) and not is_compound(obs):
            yield obs.lower(), true


def _merge(path: Path, counts: Counter) -> None:
    old: dict[tuple[str, str], float] = dict(counts)
    if path.exists():
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line:
                a, b, c = line.split("\t")
                old[(a, b)] = old.get((a, b), 0.0) + float(c)
    rows = sorted(old.items(), key=lambda kv: kv[0])
    atomic_write_text(path, "".join(f"{a}\t{b}\t{c:g}\n" for (a, b), c in rows))
