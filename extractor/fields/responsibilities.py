"""Tổ chức thực hiện → one row per named agency with the first sentence of each duty.

An item names its agency either as a heading line of its own ("2. Sở Tài chính"), before a
colon ("3. Sở Tài chính: Trên cơ sở ..."), or as the subject of its first sentence ("2. Sở
Văn hóa, Thể thao và Du lịch là cơ quan thường trực ..."); in the last case the sentence is
also the first duty.
"""

from __future__ import annotations

import re

from extractor import agencies
from extractor.fields import messages
from extractor.fields.layout import Layout, Para, children, find_section, first_sentence
from extractor.fields.source import provenance
from schemas.document import Issue
from schemas.plan import Responsibility

_SEPARATOR = re.compile(r"^\s*(;|,|và|và các|cùng)?\s*$", re.IGNORECASE)
_TAIL = re.compile(r"\s+(trên địa bàn|tại địa phương|trong tỉnh)\b.*$", re.IGNORECASE)
_HEADING_WORDS = 22


def _joined(text: str, mentions: list[agencies.AgencyMention]) -> str:
    """Canonical names joined with the separators printed between them."""
    parts = [_cap(mentions[0].name)]
    for prev, m in zip(mentions, mentions[1:], strict=False):
        gap = text[prev.end:m.start]
        sep = "; " if ";" in gap else (" và " if re.search(r"\bvà\b", gap) else ", ")
        parts.append(sep + _lower_collective(m.name))
    return "".join(parts)


def _heading_agency(line: str) -> tuple[str, bool] | None:
    """The agency a heading line names in full ("Sở Tài chính", "Công an tỉnh Sơn La")."""
    line = _TAIL.sub("", line).strip(" .:;")
    if not line or len(line.split()) > _HEADING_WORDS:
        return None
    mentions = agencies.parse_agency_list(line)
    if not mentions or mentions[0].start > 2:
        return None
    covered = re.sub(r"\b(và|các|cùng)\b|[\s;,.:\-–]", "", "".join(
        ch for i, ch in enumerate(line) if not any(m.start <= i < m.end for m in mentions)))
    if covered:
        return None
    return _joined(line, mentions), all(m.resolved for m in mentions)


def _inline_agency(text: str) -> tuple[str, int] | None:
    """The agencies that open a sentence ("Sở X là cơ quan thường trực ...") and where they end."""
    run: list[agencies.AgencyMention] = []
    for m in agencies.parse_agency_list(text[:200]):
        if not m.resolved:
            break
        if run and not _SEPARATOR.match(text[run[-1].end:m.start]):
            break
        if not run and m.start > 2:
            return None
        run.append(m)
    return (_joined(text, run), run[-1].end) if run else None


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _lower_collective(name: str) -> str:
    return "c" + name[1:] if name.startswith("Các ") else name


def _item(head: Para, body: list[Para], issues: list[Issue]) -> Responsibility | None:
    first, rest = head.first, head.lines[1:]
    # a heading wrapped onto a second line ("... Truyền thông" / "các huyện, thành phố")
    while rest and rest[0].text[:1].islower() and _heading_agency(f"{first} {rest[0].text}"):
        first, rest = f"{first} {rest[0].text}", rest[1:]
    duties: list[str] = []
    before, colon, after = head.text.partition(":")
    heading = _heading_agency(first)
    if heading is not None:
        agency, resolved = heading
        if rest:  # a heading line run straight into its first duty (no blank line between)
            duties.append(first_sentence(" ".join(ln.text for ln in rest)))
    elif colon and (found := _heading_agency(before)):
        agency, resolved = found
        if after.strip():
            duties.append(first_sentence(after))
    elif inline := _inline_agency(head.text):
        agency, resolved = inline[0], True
        duties.append(first_sentence(head.text))
    else:
        issues.append(Issue(stage="fields", kind="unresolved_agency", page=head.lines[0].page,
                            message=messages.item_without_agency(head.text[:80])))
        return None
    if not resolved:
        issues.append(Issue(stage="fields", kind="unresolved_agency", page=head.lines[0].page,
                            message=messages.unknown_agency(agency)))
    duties.extend(d for p in body if p.kind != "roman" and (d := first_sentence(p.text)))
    item = Responsibility(agency=agency, duties=[d for d in duties if d])
    if p := provenance(head.lines[:1]):
        item.provenance["agency"] = p
    if (body or rest) and (p := provenance(rest + [ln for para in body for ln in para.lines])):
        item.provenance["duties"] = p
    return item


def item_agency(head: Para) -> str | None:
    """The agency a Tổ chức thực hiện item is about (None when it names none)."""
    found = (_heading_agency(head.first) or _heading_agency(head.text.partition(":")[0])
             or _inline_agency(head.text))
    return found[0] if found else None


def responsibility_items(layout: Layout) -> list[tuple[Para, list[Para]]]:
    """(heading, body) of each agency item of Tổ chức thực hiện.

    Items are numbered (1., 2. ...); a section without numbers lists agencies as bullets or
    lettered items ("- Sở Y tế: ..."), and only those that open with an agency count.
    """
    section = find_section(layout, "TO CHUC THUC HIEN") or find_section(layout, "TRACH NHIEM")
    if section is None:
        return []
    items = children(section.paras, ("num",))
    if items:
        return items
    return [(head, body) for head, body in children(section.paras, ("letter", "bullet"))
            if item_agency(head) is not None]


def extract_responsibilities(layout: Layout, issues: list[Issue]) -> list[Responsibility]:
    """One row per agency item of Tổ chức thực hiện."""
    rows = []
    for head, body in responsibility_items(layout):
        if (item := _item(head, body, issues)) is not None:
            rows.append(item)
    return rows
