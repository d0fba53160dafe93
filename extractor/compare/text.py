"""Text features for comparing task titles: unmarked syllables, lexicon words, bigrams, TF-IDF.

Matching runs on the unmarked lower-case form so that a title whose marks the restorer got
wrong ("thím quyền", "Bảy mạnh") still meets the reference. Words are found by greedy longest
match against the programme's lexicon, which underthesea segmented once when the programme
file was built: segmenting 1,000 titles with underthesea's CRF takes seconds, a dictionary
lookup milliseconds, and only words the reference knows can add to a match anyway.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from extractor.vietnamese import strip_diacritics

# Unmarked function words and boilerplate every task repeats ("mô hình thư viện cơ sở" stays:
# IDF already weighs it down, and it separates library tasks from others in mixed plans).
STOPWORDS = frozenset("""
va voi cua cac cho trong tren tai theo de la co nhung mot nay do nhu ve tu den khi viec hoac
nham gan duoc bang ra vao sau truoc giua cung hay thi ma da se dang con nua o lai
""".split())

# OCR confusions in unmarked syllables (S6 → so, c0 → co): digits read for letters.
_OCR_FOLD = str.maketrans({"0": "o", "6": "o", "1": "l", "5": "s", "4": "a", "8": "a"})
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 4


@lru_cache(maxsize=200_000)
def _fold(token: str) -> str:
    t = strip_diacritics(token).lower()
    if not t.isdigit():
        t = t.translate(_OCR_FOLD)
    return t


def syllables(text: str) -> list[str]:
    """Unmarked lower-case syllables of ``text`` (years and numbers kept as printed).

    No ``normalize`` first: tone placement and NFC do not survive mark stripping anyway, and
    its regex was the costliest step of aligning 1,000 titles.
    """
    return [_fold(t) for t in _WORD.findall(text)]


@lru_cache(maxsize=8)
def _prefixes(lexicon: frozenset[str]) -> dict[str, bool]:
    """Every multi-syllable prefix of a lexicon word → whether it is itself a word."""
    out: dict[str, bool] = {}
    for word in lexicon:
        parts = word.split()[:MAX_WORD]
        for n in range(2, len(parts) + 1):
            key = " ".join(parts[:n])
            out[key] = out.get(key, False) or n == len(parts)
    return out


def segment(sylls: Sequence[str], lexicon: frozenset[str]) -> list[str]:
    """Greedy longest match of lexicon words (joined by "_"); other syllables stay single."""
    prefixes = _prefixes(lexicon)
    out = []
    i, size = 0, len(sylls)
    while i < size:
        best, cand = 1, sylls[i]
        for n in range(2, min(MAX_WORD, size - i) + 1):
            cand = f"{cand} {sylls[i + n - 1]}"
            is_word = prefixes.get(cand)
            if is_word is None:
                break
            if is_word:
                best = n
        out.append("_".join(sylls[i:i + best]) if best > 1 else sylls[i])
        i += best
    return out


@lru_cache(maxsize=16384)
def features(text: str, lexicon: frozenset[str]) -> Counter[str]:
    """Bag of words (content words only) and word bigrams ("a|b") of ``text`` (shared: do not mutate)."""
    words = [w for w in segment(syllables(text), lexicon) if w not in STOPWORDS]
    bag: Counter[str] = Counter(words)
    bag.update(f"{a}|{b}" for a, b in zip(words, words[1:], strict=False))
    return bag


def idf(docs: Iterable[Counter[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over ``docs``; unseen features get the maximum."""
    docs = list(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    return {f: math.log((1 + n) / (1 + c)) + 1.0 for f, c in df.items()}


class Vector:
    """A sparse TF-IDF vector with its norm."""

    __slots__ = ("weights", "norm")

    def __init__(self, bag: Counter[str], idf_map: dict[str, float], unseen: float):
        self.weights = {f: (1.0 + math.log(c)) * idf_map.get(f, unseen) for f, c in bag.items()}
        self.norm = math.sqrt(sum(w * w for w in self.weights.values())) or 1.0

    def cosine(self, other: Vector) -> float:
        """Cosine similarity 0..1."""
        a, b = (self.weights, other.weights) if len(self.weights) < len(other.weights) else \
            (other.weights, self.weights)
        dot = sum(w * b[f] for f, w in a.items() if f in b)
        return dot / (self.norm * other.norm)
