"""Best reading of a token sequence: trigram Viterbi with a small beam over integer ids."""

from __future__ import annotations

import heapq
import math
from operator import itemgetter

from extractor.restore.model import BOS_ID, Model

BEAM = 24
MARGIN = 10.0
LM_WEIGHT = 1.0
_NEG = -1e30
_score = itemgetter(1)


def lm(model: Model, a: int, b: int, c: int) -> float:
    """Log P(c | a b) with absolute-discount back-off."""
    v = model.size
    ab = a * v + b
    p = model.tri.get(ab * v + c)
    if p is not None:
        return p
    p = model.bi.get(b * v + c)
    if p is None:
        p = model.bow1[b] + model.uni[c]
    return model.bow2.get(ab, 0.0) + p


def viterbi(model: Model, cands: list[tuple[int, ...]], chans: list[tuple[float, ...]],
            lm_weight: float = LM_WEIGHT) -> list[int]:
    """Index into each position's candidates of the best joint reading."""
    v = model.size
    tri, bi, bow1, bow2, uni = model.tri, model.bi, model.bow1, model.bow2, model.uni
    # state: (prev id, cur id) -> score; back[i][(p1, c)] = (p2 id, index of c)
    states: dict[tuple[int, int], float] = {(BOS_ID, BOS_ID): 0.0}
    backs: list[dict[tuple[int, int], tuple[int, int]]] = []
    for ids, chs in zip(cands, chans, strict=False):
        new: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], tuple[int, int]] = {}
        for (p2, p1), s in states.items():
            ab = p2 * v + p1
            bo2 = bow2.get(ab)  # None: this context starts no kept trigram, skip that lookup
            b1 = p1 * v
            bo1 = bow1[p1]
            abv = ab * v
            for j, c in enumerate(ids):
                p = tri.get(abv + c) if bo2 is not None else None
                if p is None:
                    p = bi.get(b1 + c)
                    p = (bo2 or 0.0) + (p if p is not None else bo1 + uni[c])
                sc = s + lm_weight * p + chs[j]
                k = (p1, c)
                if sc > new.get(k, _NEG):
                    new[k] = sc
                    back[k] = (p2, j)
        if len(new) > BEAM:
            new = dict(heapq.nlargest(BEAM, new.items(), key=_score))
        floor = max(new.values()) - MARGIN
        if min(new.values()) < floor:  # states this far behind never come back
            new = {k: sc for k, sc in new.items() if sc >= floor}
        states = new
        backs.append(back)
    if not backs:
        return []
    (p1, c), _ = max(states.items(), key=lambda kv: kv[1])
    out = []
    for back in reversed(backs):
        p2, j = back[(p1, c)]
        out.append(j)
        p1, c = p2, p1
    return out[::-1]


def confidences(model: Model, cands: list[tuple[int, ...]], chans: list[tuple[float, ...]],
                best: list[int], lm_weight: float = LM_WEIGHT) -> list[tuple[float, list[int]]]:
    """Per position: posterior of the chosen reading given its neighbours, and the runners-up."""
    path = [BOS_ID, BOS_ID] + [ids[j] for ids, j in zip(cands, best, strict=False)]
    out: list[tuple[float, list[int]]] = []
    for i, (ids, chs) in enumerate(zip(cands, chans, strict=False)):
        if len(ids) == 1:
            out.append((1.0, []))
            continue
        scores = []
        for j, c in enumerate(ids):
            a, b = path[i], path[i + 1]
            s = lm(model, a, b, c)
            if i + 1 < len(cands):
                s += lm(model, b, c, path[i + 3])
            if i + 2 < len(cands):
                s += lm(model, c, path[i + 3], path[i + 4])
            scores.append(lm_weight * s + chs[j])
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        conf = weights[best[i]] / sum(weights)
        alts = [ids[j] for j in sorted(range(len(ids)), key=lambda j: -scores[j]) if j != best[i]][:3]
        out.append((conf, alts))
    return out
