"""Lines of a document as the field extractors see them, and provenance built from them.

Every extractor works on ``SrcLine`` objects (the cleaned reading of one source line plus
where it sits), so any value can cite page, line span, page-text offsets, bbox and the
original unrestored text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractor.vietnamese import normalize
from schemas.document import BBox, DocumentText, Line
from schemas.plan import Provenance

# Markdown that converters wrap around headings (### **1. ...**) carries no meaning here.
_MARKUP = re.compile(r"^\s*#{1,6}\s+|\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SrcLine:
    """One non-blank source line: cleaned text and its place in the document."""

    text: str
    page: int
    index: int  # 1-based line number on the page
    char_start: int
    char_end: int
    blank_before: bool
    bbox: BBox | None
    original: str
    conf: float


def clean(text: str) -> str:
    """Normalised reading of a raw line: NFC, modern tone placement, no markup, single spaces.

    Stray spacing accents OCR leaves before a word ("ˆSố:") are dropped: after NFC no
    Vietnamese letter is spelt with one.
    """
    text = "".join(c for c in normalize(text) if unicodedata.category(c) not in ("Lm", "Sk"))
    text = _MARKUP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _line_box(line: Line) -> BBox | None:
    return line.bbox or BBox.union([w.bbox for w in line.words if w.bbox is not None])


def _line_conf(line: Line) -> float:
    confs = [c for c in [line.conf, *(w.conf for w in line.words)] if c is not None]
    return min(confs) if confs else 1.0


def source_lines(doc: DocumentText) -> list[SrcLine]:
    """All non-blank lines of ``doc`` in reading order."""
    out: list[SrcLine] = []
    for page in doc.pages:
        offset = 0
        blank = True
        for i, line in enumerate(page.lines, start=1):
            text = clean(line.text)
            start = offset
            offset += len(line.text) + 1
            if not text or set(text) <= set(".,;:-_~>•*·'’‘"):
                blank = True
                continue
            out.append(SrcLine(text, page.number, i, start, start + len(line.text), blank,
                               _line_box(line), line.original if line.original is not None else line.text,
                               _line_conf(line)))
            blank = False
    return out


def provenance(lines: list[SrcLine], confidence: float = 1.0) -> Provenance | None:
    """Provenance of a value read from ``lines`` (kept to the first page the span touches)."""
    if not lines:
        return None
    first = lines[0]
    same = [ln for ln in lines if ln.page == first.page]
    last = same[-1]
    conf = min([confidence, *(ln.conf for ln in lines)])
    return Provenance(page=first.page, line_start=first.index, line_end=last.index,
                      char_start=first.char_start, char_end=last.char_end,
                      bbox=BBox.union([ln.bbox for ln in same if ln.bbox is not None]),
                      original="\n".join(ln.original for ln in lines),
                      confidence=round(max(0.0, min(1.0, conf)), 3))


def join(lines: list[SrcLine]) -> str:
    """Text of several lines as one: wrapped words re-joined, single spaces."""
    text = " ".join(ln.text for ln in lines)
    # a word hyphen-wrapped at a line end in tables ("2027-\n2030") closes up again
    text = re.sub(r"(\d)- (\d)", r"\1-\2", text)
    return _SPACES.sub(" ", text).strip()
