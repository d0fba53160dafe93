"""Words and lines of a PDF page's text layer (pdfplumber), boxes in PDF points."""

from __future__ import annotations

from typing import Any

from extractor.vietnamese import nfc
from schemas.document import BBox, Line, Word

# Words whose tops differ by less than this many points sit on one line.
LINE_TOLERANCE = 3.0
# A horizontal gap wider than this many points starts a new Line: the two header
# columns (issuing body | quốc hiệu) and table cells are separate lines, while the
# stretched spaces of justified text (up to ~12 pt) and blank number fields
# ("Số:      /KH-UBND", ~23 pt) are not.
COLUMN_GAP = 30.0


def page_lines(page: Any) -> list[Line]:
    """The text-layer lines of one ``pdfplumber`` page, top to bottom, left to right."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= LINE_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines: list[Line] = []
    for row in rows:
        lines.extend(_split_columns(sorted(row, key=lambda w: w["x0"])))
    return lines


def _split_columns(row: list[dict]) -> list[Line]:
    pieces: list[list[Word]] = [[]]
    previous_x1 = None
    for item in row:
        if previous_x1 is not None and item["x0"] - previous_x1 > COLUMN_GAP:
            pieces.append([])
        pieces[-1].append(Word(text=nfc(item["text"]), conf=1.0, bbox=BBox(
            x0=item["x0"], y0=item["top"], x1=item["x1"], y1=item["bottom"])))
        previous_x1 = item["x1"]
    return [Line(text=" ".join(w.text for w in ws), words=ws,
                 bbox=BBox.union([w.bbox for w in ws if w.bbox])) for ws in pieces if ws]


def has_image(page: Any) -> bool:
    """Whether the page draws any raster image (a scan, a photo, a stamp)."""
    return bool(page.images)
