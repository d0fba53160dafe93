"""The restoration model: syllable n-grams, OCR channel and candidate tables, loaded lazily.

Read from extractor/data/restore/ (rebuilt by scripts/build_restore_model.py) plus an optional
overlay of reviewer corrections (``learn.py``) in the user data dir. Nothing is read at import
time; :func:`load` caches one model per (data dir, overlay dir).
"""

from __future__ import annotations

import gzip
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.restore.tokens import BOS, NUM, OTHER, key_of
from extractor.vietnamese import is_syllable

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "restore"
# Absolute discount per order (counts are source-weighted, so larger than the textbook 0.75).
DISCOUNT = {2: 1.0, 3: 3.0}
# An overlay correction counts like this many corpus occurrences (reviewers are right).
OVERLAY_WEIGHT = 20


def user_dir() -> Path:
    """Where reviewer corrections are kept (``KEHOACH_DATA_DIR`` or ``~/.local/share/kehoach``)."""
    base = os.environ.get("KEHOACH_DATA_DIR")
    root = Path(base) if base else Path.home() / ".local" / "share" / "kehoach"
    return root / "restore"


@dataclass
class Model:
    """Integer-id tables the decoder reads; ids 0..2 are ``<s>``, ``<n>``, ``<o>``."""

    syls: list[str]
    ids: dict[str, int]
    uni: list[float]
    bi: dict[int, float]
    bow1: list[float]
    tri: dict[int, float]
    bow2: dict[int, float]
    by_key: dict[str, tuple[int, ...]]
    chan: dict[str, dict[int, int]]
    chan_tot: dict[int, int]
    rules: dict[str, list[tuple[str, float]]]
    acronyms: dict[str, str]
    title_lp: list[float]  # log P(written Title-case | syllable, mid-sentence)
    lower_lp: list[float]
    key_prefixes: frozenset[str] = frozenset()
    cache: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of ids (syllables and classes)."""
        return len(self.syls)

    def known(self, word: str) -> bool:
        """A syllable the corpora or word lists have seen."""
        return word in self.ids


def _read_counts(data: Path, overlay: Path | None):
    grams: list[dict] = [defaultdict(float), defaultdict(float), defaultdict(float)]
    sources = [(data / "ngrams.tsv.gz", 1)]
    if overlay is not None:
        sources.append((overlay / "ngrams.tsv", OVERLAY_WEIGHT))
    for path, weight in sources:
        if not path.exists():
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                n, gram, c = line.rstrip("\n").split("\t")
                key = gram if n == "1" else tuple(gram.split(" "))
                grams[int(n) - 1][key] += float(c) * weight
    return grams


def _read_channel(data: Path, overlay: Path | None) -> dict[tuple[str, str], float]:
    chan: dict[tuple[str, str], float] = defaultdict(float)
    paths = ((data / "channel.tsv", 1), (overlay / "channel.tsv" if overlay else None, OVERLAY_WEIGHT))
    for path, weight in paths:
        if path is None or not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line:
                obs, true, c = line.split("\t")
                chan[(obs, true)] += float(c) * weight
    return chan


def _tsv_rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [ln.split("\t") for ln in path.read_text(encoding="utf-8").split("\n") if ln]


def build(data: Path, overlay: Path | None) -> Model:
    """Turn the count files into log-probability tables keyed by integer ids."""
    grams = _read_counts(data, overlay)
    chan_counts = _read_channel(data, overlay)
    syls = [BOS, NUM, OTHER]
    syls += sorted(w for w in grams[0] if w not in (BOS, NUM, OTHER))
    syls += sorted({t for _, t in chan_counts} - set(syls))
    ids = {s: i for i, s in enumerate(syls)}
    v = len(syls)
    total = sum(grams[0].values())
    uni = [math.log((grams[0].get(s, 0.0) + 0.1) / (total + 0.1 * v)) for s in syls]
    uni[BOS_ID] = 0.0
    bi, bow1 = _interpolated([((ids[a], ids[b]), c) for (a, b), c in grams[1].items()], v, 2,
                             lambda b, c: uni[c])
    bow1_list = [bow1.get(i, 0.0) for i in range(v)]

    def lower(b: int, c: int) -> float:
        p = bi.get(b * v + c)
        return p if p is not None else bow1_list[b] + uni[c]

    tri_rows = [((ids[a], ids[b], ids[c]), n) for (a, b, c), n in grams[2].items()]
    tri, bow2 = _interpolated(tri_rows, v, 3, lower)
    by_key: dict[str, list[int]] = defaultdict(list)
    for s, i in ids.items():
        if i > 2 and is_syllable(s):
            by_key[key_of(s)].append(i)
    chan: dict[str, dict[int, int]] = defaultdict(dict)
    chan_tot: dict[int, int] = defaultdict(int)
    for (obs, true), c in chan_counts.items():
        chan[obs][ids[true]] = int(round(c))
        chan_tot[ids[true]] += int(round(c))
    title_lp, lower_lp = _case(data / "case.tsv", ids)
    prefixes = frozenset(k[:n] for k in by_key for n in range(len(k) + 1))
    return Model(
        syls=syls, ids=ids, uni=uni, bi=bi, bow1=bow1_list, tri=tri, bow2=bow2,
        by_key={k: tuple(sorted(vs, key=lambda i: -uni[i])) for k, vs in by_key.items()},
        chan=dict(chan), chan_tot=dict(chan_tot), rules=_rules(data / "charmap.tsv"),
        acronyms={k: f for k, f in _tsv_rows(data / "acronyms.tsv")},
        title_lp=title_lp, lower_lp=lower_lp, key_prefixes=prefixes,
    )


BOS_ID, NUM_ID, OTHER_ID = 0, 1, 2


def _interpolated(rows, v: int, n: int, lower) -> tuple[dict[int, float], dict[int, float]]:
    """Interpolated absolute discounting: log P(w | ctx) of seen n-grams, log weight of each context.

    P(w | ctx) = max(c - D, 0) / c(ctx) + gamma(ctx) P(w | shorter ctx); an unseen n-gram
    costs log gamma(ctx) + the shorter context's log-prob, an unseen context costs nothing.
    """
    ctx_total: dict[int, float] = defaultdict(float)
    ctx_types: dict[int, int] = defaultdict(int)
    keyed = []
    for gram, c in rows:
        ctx = gram[0] if n == 2 else gram[0] * v + gram[1]
        ctx_total[ctx] += c
        ctx_types[ctx] += 1
        keyed.append((gram, ctx, c))
    d = DISCOUNT[n]
    gamma = {ctx: d * ctx_types[ctx] / tot for ctx, tot in ctx_total.items()}
    table = {}
    for gram, ctx, c in keyed:
        p = max(c - d, 0.0) / ctx_total[ctx] + gamma[ctx] * math.exp(lower(gram[-2], gram[-1]))
        table[ctx * v + gram[-1]] = math.log(p)
    return table, {ctx: math.log(min(g, 1.0)) for ctx, g in gamma.items()}


def _case(path: Path, ids: dict[str, int]) -> tuple[list[float], list[float]]:
    title = [math.log(0.1)] * len(ids)
    lower = [math.log(0.9)] * len(ids)
    for syl, t, n in _tsv_rows(path):
        i = ids.get(syl)
        if i is not None:
            t_, n_ = float(t), float(n)
            # A Beta prior (mean 0.1, weight 4) keeps a syllable seen a few times from deciding.
            title[i] = math.log((t_ + 0.4) / (n_ + 4.0))
            lower[i] = math.log((n_ - t_ + 3.6) / (n_ + 4.0))
    return title, lower


def _rules(path: Path) -> dict[str, list[tuple[str, float]]]:
    """Observed substring → (unaccented rewrite, log-prob); plain letters also map to themselves."""
    counts: dict[str, dict[str, float]] = defaultdict(dict)
    for a, b, c in _tsv_rows(path):
        counts[a][b] = float(c)
    for ch in "abcdefghijklmnopqrstuvwxyz":
        counts[ch].setdefault(ch, 1.0)
    out = {}
    for a, row in counts.items():
        # Two-character rewrites have no identity count; 50 stands in for it.
        tot = sum(row.values()) + (50.0 if len(a) > 1 else 0.0)
        best = [(b, math.log(c / tot)) for b, c in row.items()
                if (b == "" or b.isascii() and b.isalpha()) and c / tot >= 0.001 and c >= 2]
        if best:
            out[a] = sorted(best, key=lambda x: -x[1])[:5]
    return out


@lru_cache(maxsize=4)
def _load(data: str, overlay: str | None) -> Model:
    return build(Path(data), Path(overlay) if overlay else None)


def load(model_dir: str | Path | None = None, overlay_dir: str | Path | None = None) -> Model:
    """The shipped model (or one in ``model_dir``) with the reviewer overlay applied."""
    data = Path(model_dir) if model_dir else DATA_DIR
    overlay = Path(overlay_dir) if overlay_dir else user_dir()
    has_overlay = (overlay / "channel.tsv").exists() or (overlay / "ngrams.tsv").exists()
    return _load(str(data), str(overlay) if has_overlay else None)


def clear_cache() -> None:
    """Forget loaded models (after :func:`extractor.restore.learn` wrote new corrections)."""
    _load.cache_clear()
