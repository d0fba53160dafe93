"""Text in, restored text out, line for line: classify each line, decode runs of tokens.

Each line is judged on its own (issue 3: partly accented documents): a line whose words
mostly carry valid marks passes through untouched; the rest are decoded, as *plain*
(typed without marks) or *ocr* (an engine's garble) input. Consecutive restorable lines
are decoded as one stream, since a sentence wraps across lines, and only the cores of
chunks are rewritten, so whitespace, punctuation and line breaks never move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.restore import candidates as cand_mod
from extractor.restore import decode
from extractor.restore.model import NUM_ID, OTHER_ID, Model
from extractor.restore.tokens import (
    BREAK_CHARS,
    CHUNK_RE,
    apply_case,
    case_of,
    has_letter,
    is_compound,
    key_of,
    lm_token,
    mid_sentence,
    split_chunk,
)
from extractor.vietnamese import has_marks, is_syllable, normalize

_GARBLE_RE = re.compile(r"[^\W_]*(?:\d[^\W\d_]|[^\W\d_]\d|[&@$¢£¥§¼½¾|])")
_HYPHEN_WORD_RE = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+$")
# Agency codes joined by "&" (VH&TT, QLVH&GD); one capital and "&" is OCR garble (S& → Sở).
_CODE_RE = re.compile(r"^[A-ZĐ]{2,}(?:&[A-ZĐ]+)+$|^[A-ZĐ]+(?:&[A-ZĐ]{2,})+$")
_ROMAN_RE = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV)$")
_ACRONYM_RE = re.compile(r"(?<![A-ZĐ])[A-Z]{2,}(?![A-ZĐ])")
PASS_MARKED = 0.4  # share of words with valid marks above which a line is already Vietnamese
PASS_GARBLED = 0.2  # ... unless this share of its words looks like OCR garble
CASE_WEIGHT = 1.0
FOREIGN_BELOW = 0.5  # share of Vietnamese-looking words under which a line is left alone
OCR_DOC = 0.03  # share of garbled words above which every restored line is read as OCR


@dataclass(slots=True)
class Tok:
    """One whitespace chunk and, once decoded, its reading."""

    line: int
    start: int
    lead: str
    core: str
    trail: str
    restorable: bool
    mid: bool = False
    out: str = ""
    conf: float = 1.0
    alts: tuple[str, ...] = ()

    @property
    def original(self) -> str:
        """The chunk as it was read."""
        return self.lead + self.core + self.trail

    @property
    def restored(self) -> str:
        """The chunk with its core restored."""
        return self.lead + (self.out or self.core) + self.trail


def protect_codes(model: Model, row: list[Tok]) -> None:
    """In running text, upper-case codes (VT, KGVX, UBND) are names, not syllables to re-spell."""
    for n, t in enumerate(row):
        if len(t.core) == 1 and (t.trail.startswith(")") or (n == 0 and t.trail.startswith("."))):
            t.restorable = False  # an item letter: a) b) c. (seed 002: "b) Thuc hién")
        elif not t.restorable and t.core in model.chan and not any(c.isdigit() for c in t.core):
            t.restorable = True  # a bare symbol the OCR runs print for a word (``&`` for ``ở``)
        elif t.restorable and _ROMAN_RE.match(t.core):
            t.restorable = False  # heading numbers: II., IV.
    if not any(t.restorable and any(c.islower() for c in t.core) for t in row):
        return  # a heading in capitals: every word is read
    for t in row:
        if t.restorable and (_CODE_RE.match(t.core) or len(t.core) > 1 and t.core.isalpha()
                             and t.core.isupper() and key_of(t.core) not in model.by_key):
            t.restorable = False


def tokenize(lines: list[str]) -> list[list[Tok]]:
    """Chunks of every line, with the cores that may be re-spelt marked restorable."""
    out = []
    for n, line in enumerate(lines):
        spans = [span for m in CHUNK_RE.finditer(line) for span in _spans(m.start(), m.group(0))]
        mids = mid_sentence([parts for _, parts in spans])
        row = [Tok(n, start, lead, core, trail, has_letter(core) and not is_compound(core), mid)
               for (start, (lead, core, trail)), mid in zip(spans, mids, strict=True)]
        out.append(row)
    return out


def _spans(start: int, chunk: str) -> list[tuple[int, tuple[str, str, str]]]:
    """A chunk, or the syllables of a hyphenated word (``kinh-te``) as separate tokens."""
    lead, core, trail = split_chunk(chunk)
    if not _HYPHEN_WORD_RE.match(core) or core.isupper():
        return [(start, (lead, core, trail))]
    parts = core.split("-")
    out, pos = [], start + len(lead)
    for i, part in enumerate(parts):
        first, last = i == 0, i == len(parts) - 1
        out.append((pos - (len(lead) if first else 0), (lead if first else "", part, trail if last else "")))
        pos += len(part) + 1
    return out


def is_garbled(core: str) -> bool:
    """Digits or symbols inside a word: how tesseract's English model spells marks."""
    if not _GARBLE_RE.match(core) or not has_letter(core) or _CODE_RE.match(core):
        return False
    # Upper-case codes with digits (A4, F0, T6) are as often real as garbled; lower case is not.
    return any(c.islower() for c in core) or not core.isalnum()


def _broken(core: str) -> bool:
    """Not a word at all: garble, or marks no Vietnamese syllable has (``trién``)."""
    return is_garbled(core) or (has_marks(core) and not is_syllable(normalize(core).lower()))


def _looks_ocr(model: Model, core: str) -> bool:
    return is_garbled(core) or (has_marks(core) and not model.known(normalize(core).lower()))


def line_kind(model: Model, toks: list[Tok]) -> str:
    """``pass`` (already Vietnamese), ``garbled`` or ``plain``."""
    words = [t.core for t in toks if t.restorable]
    if not words:
        return "pass"
    marked = sum(1 for w in words if has_marks(w) and model.known(normalize(w).lower()))
    garbled = sum(1 for w in words if _looks_ocr(model, w))
    if marked >= PASS_MARKED * len(words) and garbled <= PASS_GARBLED * len(words):
        return "pass"
    # A line of English or code: few of its words spell a Vietnamese syllable or known garble.
    viet = sum(1 for w in words if key_of(w) in model.by_key or w.lower() in model.chan)
    if viet < FOREIGN_BELOW * len(words):
        return "pass"
    return "garbled" if garbled else "plain"


def restore_lines(model: Model, lines: list[str], with_conf: bool = False,
                  lm_weight: float | None = None,
                  repair: bool = False) -> tuple[list[str], list[list[Tok]], list[str]]:
    """Restored lines, their tokens and each line's kind.

    ``repair`` (OCR output): on lines that otherwise pass through, words that are not valid
    Vietnamese (``trién``, ``t6``) are still corrected, in the context of their neighbours.
    """
    lm_weight = decode.LM_WEIGHT if lm_weight is None else lm_weight
    rows = tokenize(lines)
    for row in rows:
        protect_codes(model, row)
    kinds = [line_kind(model, row) for row in rows]
    n_words = sum(1 for row in rows for t in row if t.restorable)
    n_garbled = sum(1 for row in rows for t in row if t.restorable and _looks_ocr(model, t.core))
    doc_ocr = n_words and n_garbled / n_words >= OCR_DOC
    segment: list[tuple[Tok, str]] = []
    for row, kind in zip(rows, kinds, strict=False):
        if not row:
            _decode(model, segment, with_conf, lm_weight)
            segment = []
            continue
        # A line that passes through still gives its neighbours context (and keeps a second
        # run over the output deciding exactly as the first did).
        mode = "fixed" if kind == "pass" else "ocr" if (doc_ocr or kind == "garbled") else "plain"
        for tok in row:
            if not tok.core:
                continue  # punctuation only: "-", "“"
            if repair and mode == "fixed" and tok.restorable and _broken(tok.core):
                segment.append((tok, "ocr"))
                continue
            segment.append((tok, mode))
            if BREAK_CHARS.intersection(tok.trail):
                _decode(model, segment, with_conf, lm_weight)
                segment = []
    _decode(model, segment, with_conf, lm_weight)
    out = []
    for line, row, kind in zip(lines, rows, kinds, strict=False):
        for tok in row:
            # Document numbers are repaired everywhere (1687/QD-TTg → 1687/QĐ-TTg); a bare
            # code only on lines being restored.
            if is_compound(tok.core) or (kind != "pass" and tok.out in ("", tok.core)):
                tok.out = _fix_acronyms(model, tok.core)
        changed = any(tok.out and tok.out != tok.core for tok in row)
        out.append(_rebuild(line, row) if changed else line)
    return out, rows, kinds


def _fix_acronyms(model: Model, core: str) -> str:
    # QD-TTg → QĐ-TTg: unaccented codes map back to the spelling the corpora print.
    return _ACRONYM_RE.sub(lambda m: model.acronyms.get(m.group(0), m.group(0)), core)


def _decode(model: Model, segment: list[tuple[Tok, str]], with_conf: bool, lm_weight: float) -> None:
    if not segment:
        return
    cands, chans = [], []
    for tok, mode in segment:
        if tok.restorable and mode != "fixed":
            ids, chs = cand_mod.candidates(model, tok.core.lower(), mode)
            if tok.mid and len(ids) > 1 and not tok.core.isupper():
                # A capital inside a sentence marks a name or an agency (Sơn La, Sở, Cục).
                case = model.title_lp if tok.core[:1].isupper() else model.lower_lp
                chs = tuple(c + CASE_WEIGHT * case[i] for c, i in zip(chs, ids, strict=False))
        else:
            ids, chs = (_context_id(model, tok.core),), (0.0,)
        cands.append(ids)
        chans.append(chs)
    best = decode.viterbi(model, cands, chans, lm_weight)
    confs = decode.confidences(model, cands, chans, best, lm_weight) if with_conf else None
    for k, ((tok, mode), ids, j) in enumerate(zip(segment, cands, best, strict=False)):
        if not tok.restorable or mode == "fixed":
            continue
        tok.out = _spell(model, tok.core, ids[j])
        if confs is not None:
            tok.conf = confs[k][0]
            tok.alts = tuple(_spell(model, tok.core, i) for i in confs[k][1])


def _context_id(model: Model, core: str) -> int:
    # The same symbol the language model was trained with (tokens.lm_token).
    return model.ids.get(lm_token(normalize(core)), OTHER_ID)


def _spell(model: Model, core: str, i: int) -> str:
    if i in (NUM_ID, OTHER_ID):
        return core
    return apply_case(model.syls[i], case_of(core))


def _rebuild(line: str, row: list[Tok]) -> str:
    parts, pos = [], 0
    for tok in row:
        start = tok.start + len(tok.lead)
        parts.append(line[pos:start])
        parts.append(tok.out or tok.core)
        pos = start + len(tok.core)
    parts.append(line[pos:])
    return "".join(parts)
