"""How restoration cuts text into tokens: shared by the decoder and the model builder.

A whitespace-separated chunk is split into leading punctuation, a core and trailing
punctuation. Only the core is ever rewritten, so quotes, brackets, commas and the
whitespace around them survive byte for byte. Cores holding ``/`` or an inner ``-``
(document numbers such as ``1687/QĐ-TTg``, date ranges) are never re-spelt as
syllables; only their upper-case acronym parts may be repaired (``QD`` → ``QĐ``).
"""

from __future__ import annotations

import re

from extractor.vietnamese import is_syllable, strip_diacritics

# Characters that wrap words and are never part of a reading. The apostrophe is not here:
# tesseract's English model spells the horn of ``ơ`` as ``o'`` (``co'`` → ``cơ``). Item dashes
# lead (``-Về`` in seed 002 lost its dash when it was read as part of the word).
_LEAD = "\"'“”‘’«»([{<*_#•·…+–-"
_TRAIL = "\"“”‘’«»)]}>.,;:!?…*_#"
CHUNK_RE = re.compile(r"\S+")
_SPLIT_RE = re.compile(rf"^([{re.escape(_LEAD)}]*)(.*?)([{re.escape(_TRAIL)}]*)$", re.S)
# Sentence-final punctuation ends the language-model context.
BREAK_CHARS = frozenset(".;:!?…")
_LETTER_RE = re.compile(r"[^\W\d_]")
_COMPOUND_RE = re.compile(r"[/\\]|\w-\w|\w–\w")
_NUMBER_RE = re.compile(r"^[\d.,/%–-]+$")

NUM = "<n>"
OTHER = "<o>"
BOS = "<s>"


def split_chunk(chunk: str) -> tuple[str, str, str]:
    """``("“Xay", ...)`` → lead punctuation, core, trail punctuation."""
    m = _SPLIT_RE.match(chunk)
    assert m is not None  # the pattern matches every string
    lead, core, trail = m.groups()
    if not core and trail:  # a chunk of punctuation only
        return lead, trail, ""
    return lead, core, trail


def is_compound(core: str) -> bool:
    """Document numbers, dates and hyphenated codes: never read as one syllable."""
    return bool(_COMPOUND_RE.search(core))


def has_letter(core: str) -> bool:
    """Whether the core holds any letter at all (pure numbers are never restored)."""
    return bool(_LETTER_RE.search(core))


def lm_token(core: str) -> str:
    """The language-model symbol of a clean core: its lower-case syllable or a class."""
    low = core.lower()
    if is_syllable(low):
        return low
    if _NUMBER_RE.match(core):
        return NUM
    return OTHER


def sentence_tokens(text: str) -> list[list[str]]:
    """Clean running text → language-model sentences (blank lines and ``.;:!?`` end one)."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if cur:
                out.append(cur)
                cur = []
            continue
        for chunk in line.split():
            lead, core, trail = split_chunk(chunk)
            if core and core not in _TRAIL:
                cur.append(lm_token(core))
            if (trail and BREAK_CHARS.intersection(trail)) or (not trail and core in BREAK_CHARS):
                if cur:
                    out.append(cur)
                cur = []
    if cur:
        out.append(cur)
    return out


def case_of(core: str) -> str:
    """``upper``, ``title`` or ``lower``: the shape a restored syllable is given back."""
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return "lower"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    if core[:1].isupper() or (not core[:1].isalpha() and letters[0].isupper()):
        return "title"
    return "lower"


def apply_case(word: str, shape: str) -> str:
    """Give a lower-case reading the case shape of the token it replaces."""
    if shape == "upper":
        return word.upper()
    if shape == "title":
        return word[:1].upper() + word[1:]
    return word


def key_of(word: str) -> str:
    """The candidate-table key: lower case with every mark removed (``Đẩy`` → ``day``)."""
    return strip_diacritics(word.lower())


def mid_sentence(parts: list[tuple[str, str, str]]) -> list[bool]:
    """For each (lead, core, trail) of a line: whether it follows a word of the same sentence.

    Only there does a capital say "name" (``Sơn La``), not "start of sentence or item".
    """
    out, prev_ok = [], False
    for lead, core, trail in parts:
        out.append(prev_ok and not lead and core[:1].isalpha())
        prev_ok = core[:1].isalpha() and not BREAK_CHARS.intersection(trail)
    return out
