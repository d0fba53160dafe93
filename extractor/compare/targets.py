"""Which national indicator a plan's target restates, read through OCR damage and rewording.

Plans print the indicator inside a sentence ("Đến năm 2026, phấn đấu 15% số xã ... xây dựng
“mô hình thư viện cơ sở”"); the record may keep the sentence or a short name. The same unmarked
TF-IDF cosine as task alignment picks the closest national indicator name.
"""

from __future__ import annotations

from functools import lru_cache

from extractor.compare.reference import Reference
from extractor.compare.text import Vector, features, idf

MIN_SCORE = 0.20


@lru_cache(maxsize=8)
def _indicators(reference: Reference) -> tuple[dict[str, float], float, tuple[tuple[str, Vector], ...]]:
    names = reference.indicators
    texts = dict(reference.indicator_texts)
    bags = [features(f"{n} {texts.get(n, '')}", reference.lexicon) for n in names]
    weights = idf(bags)
    unseen = max(weights.values(), default=1.0)
    return weights, unseen, tuple((n, Vector(b, weights, unseen)) for n, b in zip(names, bags, strict=True))


@lru_cache(maxsize=4096)
def _match(indicator: str, reference: Reference) -> str | None:
    weights, unseen, vectors = _indicators(reference)
    if not vectors:
        return None
    vec = Vector(features(indicator, reference.lexicon), weights, unseen)
    score, name = max((vec.cosine(v), n) for n, v in vectors)
    return name if score >= MIN_SCORE else None


def match_indicator(indicator: str, reference: Reference) -> str | None:
    """The national indicator name ``indicator`` restates, or None for a province's own one."""
    return _match(indicator, reference)
