"""The appendix task table (TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn), from text lines.

A table printed to text arrives cell by cell: the row number, the task cell's lines (wide
column, so long lines), the lead and coordinator cells' lines (narrow columns, short lines),
the deadline cell; a row cut by a page break resumes with the rest of each unfinished cell.
Roman-numbered rows are group headings. Cells are told apart by line length, by where a
registry agency starts, and by time expressions; the lead/coordinator boundary is the first
line that starts a new body after a complete lead list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor import agencies
from extractor.fields.assign import agency_list
from extractor.fields.source import SrcLine, join, provenance
from extractor.fields.table_boxes import BoxRow, header_only, read_box_rows, row_provenance
from extractor.fields.tasks import deadline_of
from extractor.vietnamese import strip_diacritics
from schemas.document import DocumentText, Issue
from schemas.plan import Task

_GROUP = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))(?:\.|\s+|$)(.*)$")
_ROW = re.compile(r"^(\d{1,3})\s*[.)]?\s*(.*)$")
_DEADLINE_START = re.compile(r"^(Từ năm|Từ|Năm|Giai đoạn|Quý|Tháng|Thường xuyên|Hằng năm|Hàng năm|Trước|"
                             r"Trong năm|Trong tháng|Đến|Hoàn thành|Định kỳ)\b|^\d{4}\s*-\s*\d{4}$")
_DEADLINE_MORE = re.compile(r"^(\d{4}|năm|-|đến|và|hằng|hàng|hoàn thành|tiếp theo|\(|/)")
_OPEN_END = (",", ";", "-", "và", "các", "với")


_MAX_CELL_LINE = 90


def _is_recipients(line: SrcLine) -> bool:
    return strip_diacritics(line.text).upper().startswith(("NOI NHAN", "TM.", "KT."))


@dataclass
class _Row:
    number: str
    group: str | None
    lines: list[SrcLine] = field(default_factory=list)


def _is_header(lines: list[SrcLine], i: int) -> bool:
    """A task table's header row: short lines of header words only, naming the columns.

    A header row printed to text is one line of cells ("TT Nhiệm vụ Cơ quan chủ trì ...") or
    its cells one per line; either way every line holds header words and nothing else, and
    the row names a TT column or at least three columns. Prose ("Xác định rõ nhiệm vụ, cơ quan
    chủ trì, cơ quan phối hợp ..."), a section heading ("I. NHIỆM VỤ") and labelled lines
    ("Cơ quan chủ trì: ...") are not headers.
    """
    first = strip_diacritics(lines[i].text).upper()
    if "NHIEM VU" not in first and "NOI DUNG" not in first:
        return False
    window: list[str] = []
    for line in lines[i:i + 6]:
        if len(line.text) > 140 or not header_only(line.text, slack=2):
            break
        window.append(strip_diacritics(line.text).upper())
    if not window:
        return False
    text = " ".join(window)
    before = strip_diacritics(lines[i - 1].text).upper().strip(" .") if i else ""
    columns = sum(bool(re.search(p, text)) for p in (r"NHIEM VU|NOI DUNG", r"CHU TRI", r"PHOI HOP",
                                                     r"THOI (GIAN|HAN)|TIEN DO|HOAN THANH"))
    has_tt = bool(re.search(r"\bS?TT\b", text)) or before in ("TT", "STT")
    return "CHU TRI" in text and (columns >= 3 or (has_tt and columns >= 2))


def _rows(lines: list[SrcLine]) -> list[_Row]:
    start = next((i for i in range(len(lines)) if _is_header(lines, i)), None)
    if start is None:
        return []
    rows: list[_Row] = []
    group_lines: list[SrcLine] | None = None
    group: str | None = None
    for line in lines[start + 1:]:
        g = _GROUP.match(line.text)
        if (len(line.text) > _MAX_CELL_LINE and not g) or _is_recipients(line):
            break  # prose wider than any column (group rows span them all), or the recipients
        r = _ROW.match(line.text)
        if g and g.group(1) and (not g.group(2) or g.group(2)[:1].isupper()):
            group_lines = [line]
            group = None
            continue
        if r and (not r.group(2) or line.text[len(r.group(1)):].lstrip()[:1] in ".)"):
            if group_lines is not None:
                group = _group_text(group_lines)
                group_lines = None
            rows.append(_Row(r.group(1), group))
            if r.group(2).strip(" .)"):
                rows[-1].lines.append(line)
            continue
        if group_lines is not None:
            group_lines.append(line)
        elif rows:
            rows[-1].lines.append(line)
    return rows


def _group_text(lines: list[SrcLine]) -> str:
    text = join(lines)
    return _GROUP.match(text).group(2).strip() if _GROUP.match(text) else text  # type: ignore[union-attr]


def _starts_agency(lines: list[SrcLine], i: int) -> bool:
    text = lines[i].text.lstrip("-–+ ")
    if not text[:1].isupper():
        return False
    mentions = agencies.parse_agency_list(join(lines[i:i + 3]).lstrip("-–+ "))
    return bool(mentions) and mentions[0].resolved and mentions[0].start == 0


def _split_title(lines: list[SrcLine], long: int, first_is_title: bool = True) -> int:
    """How many leading lines belong to the task cell."""
    n = 0
    for i, line in enumerate(lines):
        if i == 0 and first_is_title and not _starts_agency(lines, 0):
            n = 1
            continue
        prev_long = i > 0 and len(lines[i - 1].text) >= long and n == i
        if prev_long and not _starts_agency(lines, i) and not _DEADLINE_START.match(line.text):
            n = i + 1
            continue
        break
    return n


def _split_deadline(lines: list[SrcLine]) -> tuple[list[SrcLine], list[SrcLine], list[SrcLine]]:
    """(agency lines before the deadline, deadline lines, lines after it)."""
    for i, line in enumerate(lines):
        if _DEADLINE_START.match(line.text):
            j = i + 1
            while j < len(lines) and _DEADLINE_MORE.match(lines[j].text) and not _starts_agency(lines, j):
                j += 1
            return lines[:i], lines[i:j], lines[j:]
    return lines, [], []


def _complete(text: str) -> bool:
    text = text.strip()
    if not text or text.endswith(_OPEN_END):
        return False
    return all(m.resolved for m in agencies.parse_agency_list(text))


def _lead_boundary(lines: list[SrcLine], more_after: bool) -> int:
    """Index of the first coordinator line (len(lines) when the cells cannot be told apart)."""
    candidates = [k for k in range(1, len(lines)) if _starts_agency(lines, k)]
    for k in candidates:  # strict: a lead ending in ";" still lists more bodies
        lead = join(lines[:k])
        if not lead.endswith(";") and (_complete(lead) or (more_after and lead.endswith(","))):
            return k
    for k in candidates:
        if _complete(join(lines[:k]).rstrip(";")):
            return k
    return len(lines)


def _long_threshold(rows: list[_Row]) -> int:
    lengths = sorted(len(ln.text) for row in rows for ln in row.lines)
    if not lengths:
        return 35
    return max(30, int(0.6 * lengths[int(0.9 * (len(lengths) - 1))]))


def _task(row: _Row, long: int, issues: list[Issue]) -> Task | None:
    n_title = _split_title(row.lines, long)
    title_lines = row.lines[:n_title]
    before, deadline_lines, after = _split_deadline(row.lines[n_title:])
    n_more = _split_title(after, long, first_is_title=len(after[0].text) >= long) if after else 0
    title_lines += after[:n_more]
    rest = after[n_more:]
    k = _lead_boundary(before, bool(rest))
    lead_lines, coord_lines = before[:k], before[k:]
    while rest and not (_complete(join(lead_lines)) and coord_lines):
        lead_lines = lead_lines + rest[:1]  # an unfinished lead cell resumes first after the break
        rest = rest[1:]
    coord_lines = coord_lines + rest
    if not title_lines:
        return None
    page = title_lines[0].page
    task = Task(number=row.number, group=row.group, title=join(title_lines),
                lead=agency_list(join(lead_lines), issues, page),
                coordinators=agency_list(join(coord_lines), issues, page))
    if deadline_lines:
        task.deadline = deadline_of(join(deadline_lines), None)
    for name, used in (("title", title_lines), ("lead", lead_lines), ("coordinators", coord_lines),
                       ("deadline", deadline_lines)):
        if used and (p := provenance(used)):
            task.provenance[name] = p
    if task.deadline is not None and "deadline" in task.provenance:
        task.deadline.provenance["text"] = task.provenance["deadline"]
    return task


def _box_task(row: BoxRow, issues: list[Issue]) -> Task | None:
    title = row.text("title")
    if not title:
        return None
    page = row.lines[0].page if row.lines else None
    task = Task(number=row.number, group=row.group, title=title,
                lead=agency_list(row.text("lead"), issues, page),
                coordinators=agency_list(row.text("coord"), issues, page))
    if row.text("deadline"):
        task.deadline = deadline_of(row.text("deadline"), None)
    for name, column in (("title", "title"), ("lead", "lead"), ("coordinators", "coord"),
                         ("deadline", "deadline")):
        if row.cells.get(column) and (p := row_provenance(row, column)):
            task.provenance[name] = p
    if task.deadline is not None and "deadline" in task.provenance:
        task.deadline.provenance["text"] = task.provenance["deadline"]
    return task


def extract_table_tasks(doc: DocumentText, lines: list[SrcLine], issues: list[Issue]) -> list[Task]:
    """Tasks of an appendix task table, or [] when the document has none.

    Word boxes (PDF text layer, OCR) give the columns directly; plain text falls back to
    telling cells apart by line length and content.
    """
    by_line = {(ln.page, ln.index): ln for ln in lines}
    box_rows = read_box_rows(doc, by_line)
    if box_rows:
        return [t for row in box_rows if (t := _box_task(row, issues)) is not None]
    rows = _rows(lines)
    long = _long_threshold(rows)
    tasks = [t for row in rows if (t := _task(row, long, issues)) is not None]
    return tasks
