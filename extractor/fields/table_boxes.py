"""The appendix task table read by word positions (PDF text layers and OCR keep word boxes).

A text layer or OCR joins the cells of one visual row into one line ("- Sở Văn hóa, Thể thao và
Các cơ quan, đơn vị liên quan"), so cells are recovered from where words start: text in each
column is left-aligned, so column left edges are the x positions many words start at; the
header cells (TT / Nhiệm vụ / chủ trì / phối hợp / thời hạn) say which edge is which column.
Rows start at a number in the TT column; roman numerals there are group headings; a row cut
by a page break simply continues in each column on the next page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extractor.fields.source import SrcLine, provenance
from extractor.vietnamese import strip_diacritics
from schemas.document import BBox, DocumentText, Line, Page, Word

_COLUMNS = (("no", re.compile(r"^(S?TT|STT)$")), ("title", re.compile(r"NHIEM VU|NOI DUNG")),
            ("lead", re.compile(r"CHU TRI")), ("coord", re.compile(r"PHOI HOP")),
            ("deadline", re.compile(r"THOI HAN|THOI GIAN|TIEN DO")),
            # columns read but not in the record; kept apart so their words do not leak into others
            ("product", re.compile(r"SAN PHAM|KET QUA")), ("funding", re.compile(r"KINH PHI|NGUON")),
            ("note", re.compile(r"GHI CHU")))
# Words a task table's header row is made of; a header cell is these and nothing else, which
# tells it from prose ("Xác định rõ nhiệm vụ, cơ quan chủ trì, cơ quan phối hợp ...") and from
# labelled lines ("Cơ quan chủ trì: Sở Y tế").
_HEADER_VOCABULARY = re.compile(
    r"\b(S?TT|SO TT|TEN|NHIEM VU|NOI DUNG|CONG VIEC|CONG VU|CU THE|HOAT DONG|CO QUAN|DON VI|CHU TRI|"
    r"PHOI HOP|THUC HIEN|THOI GIAN|THOI HAN|HOAN THANH|TIEN DO|SAN PHAM|KET QUA|DU KIEN|KINH PHI|"
    r"NGUON|NGUON VON|GHI CHU|VA|DAU RA|CHINH|TRIEU DONG|DONG|LO TRINH|LANH DAO|PHU TRACH|CAP TRINH|"
    r"HINH THUC|VAN BAN|MUC TIEU|CHI TIEU|SO LUONG|DON VI TINH|DVT|GIAI PHAP|NAM|\d+|"
    # halves of header words a wrapped cell cuts ("Thời hạn hoàn" over "thành")
    r"HOAN|THANH|PHOI|HOP)\b")


def header_only(text: str, slack: int = 0) -> bool:
    """Whether ``text`` is made of table-header words only (a header cell or row).

    ``slack`` other words are let through on a line that reads like a row of cells (capital
    start, no sentence punctuation at its end), for headers naming an unusual column.
    """
    key = _key(text)
    if ":" in key or not _HEADER_VOCABULARY.search(key):
        return False
    rest = _HEADER_VOCABULARY.sub(" ", key).split()
    words = [w for w in (re.sub(r"[\W_]+", "", w) for w in rest) if w]
    if slack and (not text[:1].isupper() or text.rstrip().endswith((".", ",", ";"))):
        slack = 0
    return len(words) <= slack


# roman group numbers as OCR reads them: "II" often comes out "IL" or "Il"
# In the TT column OCR reads "II" as "IL"/"H", "III" as "HI", "V." as "V_", "3." as "3...".
_ROMAN = re.compile(r"^[IVXLlH|]{1,5}[._,…]*$")
_NUMBER = re.compile(r"^(\d{1,3})[._,…]*$")


@dataclass
class BoxRow:
    """One table row: its number, group and the words of each column."""

    number: str
    group: str | None
    cells: dict[str, list[Word]] = field(default_factory=dict)
    lines: list[SrcLine] = field(default_factory=list)

    def text(self, column: str) -> str:
        """A cell's text, words in reading order."""
        return " ".join(w.text for w in self.cells.get(column, [])).strip()

    def box(self, column: str) -> BBox | None:
        """Union of a cell's word boxes."""
        return BBox.union([w.bbox for w in self.cells.get(column, []) if w.bbox is not None])


def _key(text: str) -> str:
    return strip_diacritics(text).upper()


def _scale(page: Page) -> float:
    """Page units per point: 1 for PDF text layers, ~4 for 300 dpi OCR pixels."""
    if page.width and page.height:
        return max(page.width, page.height) / 842.0
    return 1.0


def _segments(words: list[Word], scale: float) -> list[list[Word]]:
    """Words of a line split where the gap is wider than between words of one cell."""
    out: list[list[Word]] = []
    for w in words:
        if w.bbox is None:
            continue
        prev = out[-1][-1] if out else None
        if prev is None or prev.bbox is None or w.bbox.x0 - prev.bbox.x1 > 12 * scale:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _stacked_cells(band: list[Line], scale: float) -> list[tuple[float, str]]:
    """Header cells as (x0, key text): segments stacked in one column are one wrapped cell.

    Header cells wrap ("Đơn vị phối" over "hợp", "Thời hạn" over "hoàn thành"), so segments
    of the header band whose x ranges overlap are read top to bottom as one cell.
    """
    ordered = sorted(band, key=lambda ln: ln.bbox.y0 if ln.bbox else 0.0)
    segments = [seg for ln in ordered for seg in _segments(ln.words, scale)]
    cells: list[list[Word]] = []
    for seg in segments:
        x0, x1 = seg[0].bbox.x0, seg[-1].bbox.x1  # type: ignore[union-attr]
        for cell in cells:
            cx0, cx1 = cell[0].bbox.x0, max(w.bbox.x1 for w in cell)  # type: ignore[union-attr]
            if x0 < cx1 and cx0 < x1:
                cell.extend(seg)
                break
        else:
            cells.append(list(seg))
    return [(min(w.bbox.x0 for w in cell), _key(" ".join(w.text for w in cell)).strip())  # type: ignore[union-attr]
            for cell in cells]


def _header(doc: DocumentText) -> tuple[int, dict[str, float], float] | None:
    """(page index, header cell x0 per column, header y) of the first table header."""
    for pi, page in enumerate(doc.pages):
        scale = _scale(page)
        for line in page.lines:
            if line.bbox is None or not re.search(r"NHIEM VU|NOI DUNG", _key(line.text)):
                continue
            band = [ln for ln in page.lines
                    if ln.bbox is not None and abs(ln.bbox.y0 - line.bbox.y0) < 25 * scale]
            cells: dict[str, float] = {}
            for x0, text in _stacked_cells(band, scale):
                if not header_only(text):
                    continue  # a heading or labelled line near the header words is not a cell
                name = next((n for n, pattern in _COLUMNS if pattern.search(text) and n not in cells), None)
                if name:
                    cells[name] = x0
            # side by side: a header row has its cells at distinct x positions
            if {"title", "lead"} <= set(cells) and len({round(x) for x in cells.values()}) >= 3:
                return pi, cells, line.bbox.y0
    return None


def _edges(doc: DocumentText, start: int, cells: dict[str, float]) -> dict[str, float]:
    """Left edge of each column: the leftmost frequent word start up to its header cell.

    Cells are left-aligned and headers centred, so a column's text starts left of its header.
    """
    scale = _scale(doc.pages[start])
    starts: Counter[float] = Counter()
    for page in doc.pages[start:]:
        for line in page.lines:
            for segment in _segments(line.words, scale):
                starts[round(segment[0].bbox.x0 / (3 * scale)) * 3 * scale] += 1  # type: ignore[union-attr]
    edges: dict[str, float] = {}
    ordered = sorted(cells.items(), key=lambda kv: kv[1])
    for i, (name, x) in enumerate(ordered):
        low = ordered[i - 1][1] if i else 0.0
        peaks = [s for s, n in starts.items() if low + 8 * scale < s <= x + 6 * scale and n >= 3]
        edges[name] = (min(peaks) if peaks else x) - 4 * scale
    prev_edge = -1.0
    for name, _ in ordered:  # keep edges increasing
        edges[name] = max(edges[name], prev_edge + 1)
        prev_edge = edges[name]
    return edges


def _column(x0: float, edges: list[tuple[float, str]]) -> str:
    name = edges[0][1]
    for edge, col in edges:
        if x0 >= edge:
            name = col
    return name


def read_box_rows(doc: DocumentText, by_line: dict[tuple[int, int], SrcLine]) -> list[BoxRow]:
    """Rows of the first task table of ``doc``, or [] without one (or without word boxes)."""
    found = _header(doc)
    if found is None:
        return []
    start, cells, header_y = found
    edges = sorted(((x, name) for name, x in _edges(doc, start, cells).items()))
    header_texts = {_key(t) for t in ("TT", "STT", "Nhiệm vụ", "Thời hạn", "hoàn thành")}
    rows: list[BoxRow] = []
    pending: list[str] | None = None  # words of a group heading being read
    current: str | None = None
    for pi, page in enumerate(doc.pages[start:], start=start):
        for li, line in enumerate(page.lines, start=1):
            if not line.words or line.bbox is None:
                continue
            if pi == start and line.bbox.y0 < header_y + 5 * _scale(page):
                continue
            if _is_header_line(line.text, header_texts):
                continue
            if strip_diacritics(line.text).upper().startswith(("NOI NHAN", "TM.", "KT.")):
                return rows
            by_col: dict[str, list[Word]] = {}
            for w in line.words:
                if w.bbox is not None:
                    by_col.setdefault(_column(w.bbox.x0, edges), []).append(w)
            first = by_col.get("no", [])
            mark = first[0].text if first else ""
            if _ROMAN.match(mark) and mark.strip("."):
                pending = [w.text for col in ("no", "title", "lead", "coord", "deadline")
                           for w in by_col.get(col, [])][1:]
                continue
            if _NUMBER.match(mark):
                if pending is not None:
                    current, pending = " ".join(pending), None
                rows.append(BoxRow(_NUMBER.match(mark).group(1), current))  # type: ignore[union-attr]
                by_col["no"] = first[1:]
            elif pending is not None:
                pending.extend(w.text for ws in by_col.values() for w in ws)
                continue
            if not rows:
                continue
            for col, words in by_col.items():
                rows[-1].cells.setdefault("title" if col == "no" else col, []).extend(words)
            if (src := by_line.get((page.number, li))) is not None:
                rows[-1].lines.append(src)
    return rows


def _is_header_line(text: str, header_texts: set[str]) -> bool:
    key = _key(text).strip()
    return key in header_texts or bool(re.fullmatch(r"(DON VI|CO QUAN) (CHU TRI|PHOI HOP)", key)) or (
        "NHIEM VU" in key and (len(key) < 25 or ("CHU TRI" in key and "PHOI HOP" in key)))


def row_provenance(row: BoxRow, column: str):
    """Provenance of one cell: the row's lines, the cell's own word box."""
    prov = provenance(row.lines)
    if prov is not None:
        prov.bbox = row.box(column) or prov.bbox
    return prov
