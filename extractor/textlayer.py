"""Words and lines of a PDF page's text layer, boxes in PDF points (top-left origin).

Characters are read from pdfium's text page (pypdfium2, C) and grouped into words
the way ``pdfplumber``'s ``extract_words(x_tolerance=1.5)`` does. pdfplumber via
pdfminer parsed a 20-page born-digital PDF in ~2.2 s on one core (0.11 s/page,
nearly all in pdfminer's content-stream interpreter and per-char objects); pdfium
reads the same characters in a small fraction of that (issue 4). pdfplumber stays
where its geometry is the reference: pages whose boxes the fast path does not
reproduce exactly (rotated or offset pages, rotated text) go through
:func:`plumber_lines`, and the tests check both paths give the same lines on
the samples.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable
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
# pdfplumber's word splitting: a gap wider than this between glyphs ends a word;
# glyphs whose tops differ by more than Y_TOLERANCE are on different text lines.
X_TOLERANCE = 1.5
Y_TOLERANCE = 3.0

# (text, x0, top, x1, bottom), as pdfplumber's char and word dicts hold them.
Box = tuple[str, float, float, float, float]


class NotUpright(Exception):
    """The fast path cannot place this page's glyphs as pdfplumber would."""


def page_lines(page: Any) -> list[Line]:
    """The text-layer lines of one ``pypdfium2`` page, top to bottom, left to right."""
    return _lines(_words(_pdfium_chars(page)))


def plumber_lines(page: Any) -> list[Line]:
    """The same lines from a ``pdfplumber`` page (the reference, and the fallback)."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=X_TOLERANCE)
    return _lines((w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in words)


def fast_path_fits(page: Any) -> bool:
    """Whether pdfium's coordinates are pdfplumber's: unrotated page, media box at the origin."""
    if page.get_rotation() % 360:
        return False
    media = page.get_mediabox()
    return media[:2] == (0, 0) and page.get_cropbox() == media


def has_image(page: Any) -> bool:
    """Whether the ``pypdfium2`` page draws any raster image (a scan, a photo, a stamp)."""
    import pypdfium2.raw as raw

    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]))


def plumber_has_image(page: Any) -> bool:
    """Whether the ``pdfplumber`` page draws any raster image."""
    return bool(page.images)


def _pdfium_chars(page: Any) -> list[Box]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = raw.FPDFText_CountChars(handle)
        height = page.get_height()
        rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        chars: list[Box] = []
        for index in range(count):
            # pdfium adds spaces and line breaks of its own; pdfplumber splits on gaps only.
            if raw.FPDFText_IsGenerated(handle, index) == 1:
                continue
            code = raw.FPDFText_GetUnicode(handle, index)
            if 0xDC00 <= code < 0xE000 and chars and "\ud800" <= chars[-1][0] < "\udc00":
                chars[-1] = (_utf16(chars[-1][0], code), *chars[-1][1:])  # second half of a pair
                continue
            text = chr(code) if code else "\ufffd"  # 0: a glyph without a Unicode mapping
            raw.FPDFText_GetLooseCharBox(handle, index, rect)
            raw.FPDFText_GetMatrix(handle, index, ctypes.byref(matrix))
            if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
                raise NotUpright
            raw.FPDFText_GetCharOrigin(handle, index, origin_x, origin_y)
            # Top = baseline less the font size: the same for every glyph of a line whatever
            # its font's descent. (A glyph's own box does not do: Word's Vietnamese
            # fallback fonts put "ố" 4 pt off the "n" beside it and words broke apart.)
            size = raw.FPDFText_GetFontSize(handle, index) * matrix.d
            baseline = height - origin_y.value
            chars.append((text, rect.left, baseline - size, rect.right, max(baseline, height - rect.bottom)))
        # Halves of a pair left alone cannot be encoded (JSON, the database): replaced.
        return [(_utf16(c[0]), *c[1:]) if "\ud800" <= c[0] < "\ue000" else c for c in chars]
    finally:
        textpage.close()


def _utf16(high: str, low: int | None = None) -> str:
    """Join a UTF-16 surrogate pair (pdfium gives code units); a lone half becomes U+FFFD."""
    if low is None:
        return "\ufffd"
    return (high + chr(low)).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _words(chars: list[Box]) -> list[Box]:
    """Chars into words exactly as pdfplumber's WordExtractor does for upright text."""
    words: list[Box] = []
    for line in _text_lines(chars):
        current: list[Box] = []
        for char in line:
            if char[0].isspace():
                _flush(current, words)
                current = []
            elif current and _begins_word(current[-1], char):
                _flush(current, words)
                current = [char]
            else:
                current.append(char)
        _flush(current, words)
    return words


def _text_lines(chars: list[Box]) -> list[list[Box]]:
    # pdfplumber's cluster_objects on "top": distinct tops, sorted, chained within the tolerance.
    cluster: dict[float, int] = {}
    index, last = -1, None
    for top in sorted({c[2] for c in chars}):
        if last is None or top > last + Y_TOLERANCE:
            index += 1
        cluster[top], last = index, top
    groups: dict[int, list[Box]] = {}
    for char in chars:
        groups.setdefault(cluster[char[2]], []).append(char)
    return [sorted(groups[key], key=lambda c: (c[1], c[2])) for key in sorted(groups)]


def _begins_word(prev: Box, char: Box) -> bool:
    return char[1] < prev[1] or char[1] > prev[3] + X_TOLERANCE or abs(char[2] - prev[2]) > Y_TOLERANCE


def _flush(current: list[Box], words: list[Box]) -> None:
    if current:
        words.append(("".join(c[0] for c in current), min(c[1] for c in current),
                      min(c[2] for c in current), max(c[3] for c in current), max(c[4] for c in current)))


def _lines(words: Iterable[Box]) -> list[Line]:
    rows: list[list[Box]] = []
    for word in sorted(words, key=lambda w: (round(w[2], 1), w[1])):
        if rows and abs(rows[-1][0][2] - word[2]) <= LINE_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines: list[Line] = []
    for row in rows:
        lines.extend(_split_columns(sorted(row, key=lambda w: w[1])))
    return lines


def _split_columns(row: list[Box]) -> list[Line]:
    pieces: list[list[Word]] = [[]]
    previous_x1 = None
    for text, x0, top, x1, bottom in row:
        if previous_x1 is not None and x0 - previous_x1 > COLUMN_GAP:
            pieces.append([])
        # Rounded to a thousandth of a point: pdfium's float32 boxes print 16 digits of noise.
        pieces[-1].append(Word(text=nfc(text), conf=1.0, bbox=BBox(
            x0=round(x0, 3), y0=round(top, 3), x1=round(x1, 3), y1=round(bottom, 3))))
        previous_x1 = x1
    return [Line(text=" ".join(w.text for w in ws), words=ws,
                 bbox=BBox.union([w.bbox for w in ws if w.bbox])) for ws in pieces if ws]
