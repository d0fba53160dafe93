"""Lines of a document as the field extractors see them, and provenance built from them.

A line opens a paragraph after a blank line or, where the source has no blank lines (PDF text
layers, OCR), where its position on the page says so (``_layout_breaks``).

Every extractor works on ``SrcLine`` objects (the cleaned reading of one source line plus
where it sits), so any value can cite page, line span, page-text offsets, bbox and the
original unrestored text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _centred(box: BBox, left: float, right: float, height: float) -> bool:
    return box.x0 > left + height and abs((box.x0 - left) - (right - box.x1)) < 1.5 * height


def _layout_breaks(lines: list[Line], texts: list[str]) -> set[int]:
    """Indices of lines that open a paragraph by where they sit on the page.

    Text layers and OCR have no blank lines, so a paragraph shows only as a wider gap above a
    line, a first-line indent after a line at the left margin, or a previous line that stops
    short of the right margin after a sentence end (not a centred line). Measured against the
    page's own line height, pitch and margins, so points and OCR pixels read alike.
    """
    boxes = [(i, ln.bbox) for i, ln in enumerate(lines) if ln.bbox is not None and texts[i]]
    if len(boxes) < 4 or any(not ln.text.strip() for ln in lines):
        return set()  # a page that prints blank lines says where its paragraphs are
    height = _median([b.y1 - b.y0 for _, b in boxes])
    pairs = zip(boxes, boxes[1:], strict=False)
    steps = [b.y0 - a.y0 for (_, a), (_, b) in pairs if b.y0 - a.y0 > height / 2]
    if height <= 0 or not steps:
        return set()
    pitch = sorted(steps)[len(steps) // 4]  # wrapped lines are the commonest step; paragraph gaps are wider
    left = Counter(round(b.x0 / height * 4) for _, b in boxes).most_common(1)[0][0] * height / 4
    right = sorted(b.x1 for _, b in boxes)[int(0.9 * (len(boxes) - 1))]
    breaks = set()
    for (h, a), (i, b) in zip(boxes, boxes[1:], strict=False):
        step = b.y0 - a.y0
        if step <= height / 2:
            continue  # the next column of the same row (header block, table cells)
        gap = step > pitch + 0.35 * height
        indent = (b.x0 > left + 0.8 * height and a.x0 < left + 0.4 * height
                  and not _centred(b, left, right, height))  # a centred title line is not indented
        # ragged-right text also stops short; only a sentence end there closes the paragraph
        short = (a.x1 < right - 2 * height and not _centred(a, left, right, height)
                 and lines[h].text.rstrip().endswith((".", ";", ":", "!", "?")))
        if gap or indent or short:
            breaks.add(i)
    return breaks


def _runs_on(prev: SrcLine | None, lines: list[Line], texts: list[str]) -> bool:
    """Whether a page's first line continues the sentence the previous page stopped in.

    Known only from positions: the previous page ends without a sentence end and this page
    starts at the left margin, below where paragraphs of indented text begin.
    """
    boxes = [ln.bbox for ln, t in zip(lines, texts, strict=True) if ln.bbox is not None and t]
    first = next((ln for ln, t in zip(lines, texts, strict=True) if t), None)
    if (prev is None or prev.bbox is None or first is None or first.bbox is None or len(boxes) < 4
            or prev.text.rstrip().endswith((".", ";", ":", "!", "?", "/."))):
        return False
    height = _median([b.y1 - b.y0 for b in boxes])
    left = Counter(round(b.x0 / height * 4) for b in boxes).most_common(1)[0][0] * height / 4
    starts = sorted(b.x0 for b in boxes)
    indented = any(left + 0.8 * height < x < left + 4 * height for x in starts)
    return indented and first.bbox.x0 < left + 0.4 * height


_PAGE_LABEL = re.compile(r"^(Trang|Page)\s+\d{1,3}(\s*(/|trên|of)\s*\d{1,3})?$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^[-–(]?\s*(\d{1,3})\s*[-–)]?$")


def _edge_texts(pages: list[list[str]]) -> set[str]:
    """Running headers/footers: the same text (digits aside) first or last on several pages."""
    seen: Counter[str] = Counter()
    for texts in pages:
        filled = [t for t in texts if t]
        for text in {*filled[:1], *filled[-1:]}:
            seen[re.sub(r"\d+", "#", text)] += 1
    return {t for t, n in seen.items() if n >= max(2, len(pages) // 2) and len(pages) >= 2}


def _furniture(doc: DocumentText, pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page, line index) of page numbers and running headers/footers: never content.

    "Trang 2" anywhere; a bare number only as a page's first or last line and equal to the page
    number (or one less, for an unnumbered cover page), so a table row number stays.
    """
    repeated = _edge_texts(pages)
    out = set()
    for page, texts in zip(doc.pages, pages, strict=True):
        filled = [i for i, t in enumerate(texts) if t]
        for i in filled:
            text = texts[i]
            edge = i in (filled[0], filled[-1])
            m = _BARE_NUMBER.match(text)
            if (_PAGE_LABEL.match(text) or (edge and m and int(m.group(1)) in (page.number, page.number - 1)
                                            and page.number > 1)
                    or (edge and page.number > 1 and re.sub(r"\d+", "#", text) in repeated)):
                out.add((page.number, i))
    return out


def source_lines(doc: DocumentText) -> list[SrcLine]:
    """All non-blank lines of ``doc`` in reading order (page furniture left out)."""
    out: list[SrcLine] = []
    pages = [[clean(line.text) for line in page.lines] for page in doc.pages]
    furniture = _furniture(doc, pages)
    for page, texts in zip(doc.pages, pages, strict=True):
        offset = 0
        blank = not _runs_on(out[-1] if out else None, page.lines, texts)
        breaks = _layout_breaks(page.lines, texts)
        for i, line in enumerate(page.lines, start=1):
            blank = blank or (i - 1) in breaks
            text = texts[i - 1]
            start = offset
            offset += len(line.text) + 1
            if (page.number, i - 1) in furniture:
                continue
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
