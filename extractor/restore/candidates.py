"""Which readings a token may have, with the channel's log P(observed | reading).

Three channels, one table set: *plain* lines were typed without marks, so every syllable
spelt the same once unaccented is equally likely; *ocr* lines came from an engine that
drops and mangles marks (``ctia`` → ``của``, ``t6`` → ``tổ``), scored from the learned
channel table, with character folding (``6`` → ``o``) for garbles never seen in training.
Results are cached per model, so a repeated token costs one dict lookup.
"""

from __future__ import annotations

import math
import re

from extractor.restore.model import NUM_ID, OTHER_ID, Model

MAX_CANDIDATES = 10
PRUNE = 5.0
_ASCII_WORD = re.compile(r"^[a-z]+$")
# Log-probabilities of channel events the tables cannot count.
KEEP_UNKNOWN = math.log(1e-5)  # an unknown token really was that token (a name, a code)
UNSEEN = math.log(0.02)  # a reading reached by spelling rules, never seen whole in training

Cands = tuple[tuple[int, ...], tuple[float, ...]]


def candidates(model: Model, word: str, mode: str) -> Cands:
    """(ids, channel log-probs) for the lower-cased core ``word``; ``mode`` is plain or ocr."""
    hit = model.cache.get((word, mode))
    if hit is None:
        hit = _plain(model, word) if mode == "plain" else _ocr(model, word)
        model.cache[(word, mode)] = hit
    return hit


def _fixed(model: Model, word: str) -> Cands:
    if word.isdigit():
        return (NUM_ID,), (0.0,)
    i = model.ids.get(word)
    return ((i if i is not None and i > 2 else OTHER_ID),), (0.0,)


def _plain(model: Model, word: str) -> Cands:
    if not _ASCII_WORD.match(word):
        return _fixed(model, word)  # already marked, or not a word: kept as it is
    ids = model.by_key.get(word, ())[:MAX_CANDIDATES]
    if not ids:
        return _fixed(model, word)
    return ids, (0.0,) * len(ids)


def _ocr(model: Model, word: str) -> Cands:
    scores: dict[int, float] = {}
    for i, c in model.chan.get(word, {}).items():
        scores[i] = math.log((c + 0.1) / (model.chan_tot.get(i, 0) + 1.0))
    for key, lp in spellings(model, word):
        for i in model.by_key.get(key, ())[:MAX_CANDIDATES]:
            if i not in scores:
                scores[i] = lp + UNSEEN
    if not scores:
        return _fixed(model, word)
    if word not in model.ids:
        scores[OTHER_ID] = KEEP_UNKNOWN
    ranked = sorted(((s + 0.5 * model.uni[i], i, s) for i, s in scores.items()), reverse=True)
    # Readings far behind the best on channel and frequency alone never win in context.
    best = [(i, s) for r, i, s in ranked[:MAX_CANDIDATES] if r >= ranked[0][0] - PRUNE]
    return tuple(i for i, _ in best), tuple(s for _, s in best)


def spellings(model: Model, word: str, beam: int = 24, max_edits: int = 3) -> list[tuple[str, float]]:
    """Unaccented spellings ``word`` may stand for, rewritten by the learned OCR rules."""
    # hyps: (chars consumed, spelling so far, log-prob, edits)
    hyps = [(0, "", 0.0, 0)]
    done: dict[str, float] = {}
    rules = model.rules
    prefixes = model.key_prefixes  # only spellings that can still become a syllable survive
    while hyps:
        nxt = []
        for pos, out, lp, edits in hyps:
            if pos == len(word):
                if out in model.by_key and lp > done.get(out, -1e9):
                    done[out] = lp
                continue
            for size in (1, 2):
                sub = word[pos:pos + size]
                if len(sub) < size:
                    continue
                for rep, rlp in rules.get(sub, ()):
                    e = edits + (rep != sub)
                    if e <= max_edits and out + rep in prefixes:
                        nxt.append((pos + size, out + rep, lp + rlp, e))
        hyps = sorted(nxt, key=lambda h: -h[2])[:beam]
    return sorted(done.items(), key=lambda kv: -kv[1])[:beam]
