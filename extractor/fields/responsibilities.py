"""Tổ chức thực hiện → one row per named agency with the first sentence of each duty.

An item names its agency either as a heading line of its own ("2. Sở Tài chính"), before a
colon ("3. Sở Tài chính: Trên cơ sở ..."), or as the subject of its first sentence ("2. Sở
Văn hóa, Thể thao và Du lịch là cơ quan thường trực ..."); in the last case the sentence is
also the first duty.
"""

from __future__ import annotations

import re

from extractor import agencies
from extractor.fields.layout import Layout, Para, children, find_section, first_sentence
from extractor.fields.source import provenance
from schemas.document import Issue
from schemas.plan import Responsibility

_SEPARATOR = re.compile(r"^\s*(;|,|và|và các|cùng)?\s*$", re.IGNORECASE)
_TAIL = re.compile(r"\s+(trên địa bàn|thuộc|tại|trực thuộc tỉnh)\b.*$", re.IGNORECASE)
_HEADING_WORDS = 14


def _agency_run(text: str) -> tuple[str, int, bool]:
    """Canonical agency text at the start of ``text``, where it ends, and whether all resolved."""
    mentions = agencies.parse_agency_list(text) if len(text.split()) <= _HEADING_WORDS else []
    run = agencies.find_agencies(text)
    if not run or run[0].start > 2:
        first = mentions[0] if mentions else None
        if first and first.start <= 2 and len(text.split()) <= _HEADING_WORDS:
            return _TAIL.sub("", text).strip(" .:;"), len(text), first.resolved
        return "", 0, False
    parts = [_cap(run[0].name)]
    end = run[0].end
    for m in run[1:]:
        gap = text[end:m.start]
        if not _SEPARATOR.match(gap):
            break
        sep = "; " if ";" in gap else (" và " if "và" in gap else ", ")
        parts.append(sep + _lower_collective(m.name))
        end = m.end
    return "".join(parts), end, True


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _lower_collective(name: str) -> str:
    return "c" + name[1:] if name.startswith("Các ") else name


def _item(head: Para, body: list[Para], issues: list[Issue]) -> Responsibility | None:
    text = head.text
    before, colon, after = text.partition(":")
    duties: list[str] = []
    if colon and len(before.split()) <= _HEADING_WORDS and agencies.find_agencies(before):
        agency, _, resolved = _agency_run(before)
        agency = agency or before.strip()
        if after.strip():
            duties.append(first_sentence(after))
    else:
        agency, end, resolved = _agency_run(text)
        if not agency:
            issues.append(Issue(stage="fields", kind="unresolved_agency", page=head.lines[0].page,
                                message=f"Tổ chức thực hiện item names no known agency: {text[:80]!r}"))
            return None
        rest = _TAIL.sub("", text[end:]).strip(" .:;")
        if len(rest.split()) >= 4:
            duties.append(first_sentence(text))
    if not resolved:
        issues.append(Issue(stage="fields", kind="unresolved_agency", page=head.lines[0].page,
                            message=f"Agency not in the registry, kept as printed: {agency!r}"))
    duties.extend(first_sentence(p.text) for p in body if p.kind != "roman" and first_sentence(p.text))
    item = Responsibility(agency=_TAIL.sub("", agency).strip(" .;:"), duties=duties)
    if p := provenance(head.lines):
        item.provenance["agency"] = p
    if body and (p := provenance([ln for para in body for ln in para.lines])):
        item.provenance["duties"] = p
    return item


def responsibility_items(layout: Layout) -> list[tuple[Para, list[Para]]]:
    """(heading, body) of each numbered item of Tổ chức thực hiện."""
    section = find_section(layout, "TO CHUC THUC HIEN") or find_section(layout, "TRACH NHIEM")
    return children(section.paras, ("num",)) if section else []


def extract_responsibilities(layout: Layout, issues: list[Issue]) -> list[Responsibility]:
    """One row per agency item of Tổ chức thực hiện."""
    rows = []
    for head, body in responsibility_items(layout):
        if (item := _item(head, body, issues)) is not None:
            rows.append(item)
    return rows
