"""Legal references: "Quyết định số 1687/QĐ-TTg ngày 30/12/2024" → number, type, date.

Where a number is printed comes from the pipeline's LEGAL_REF matcher (``extractor.nlp``); this
module turns each span into the normal form (spaces closed up, lost Đ restored) and reads the
document type before it and the date after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import dates, nlp
from extractor.vietnamese import normalize, strip_diacritics

# Số ký hiệu: number, optional year, then the type/issuer code (1687/QĐ-TTg, 14/2019/QĐ-TTg).
_NUMBER = re.compile(r"(?<![\w/])(\d{1,5})\s*(?:/\s*((?:19|20)\d{2}))?\s*/\s*"
                     r"([A-ZĐ][A-ZĐa-z0-9]*(?:\s*[-–]\s*[A-ZĐ][A-ZĐa-z0-9&]*)*)")
_TYPES = ("Quyết định", "Công văn", "Kế hoạch", "Nghị quyết", "Nghị định", "Thông tư", "Chỉ thị",
          "Kết luận", "Tờ trình", "Hướng dẫn", "Thông báo", "Chương trình", "Đề án", "Luật", "Văn bản")
_TYPE_KEYS = tuple((strip_diacritics(t).lower(), t) for t in _TYPES)
# OCR and unmarked typing lose the Đ of codes; these codes are always printed with it.
_CODE_FIXES = {"QD": "QĐ", "ND": "NĐ", "HDND": "HĐND", "NQ-HDND": "NQ-HĐND", "QDP": "QĐ", "QB": "QĐ"}


@dataclass(frozen=True)
class Reference:
    """One cited document."""

    number: str
    doc_type: str | None
    date: str | None
    start: int
    end: int


def canonical_code(code: str) -> str:
    """A type/issuer code with spaces closed up and a lost Đ put back ("QD-TTg" → "QĐ-TTg")."""
    parts = [p.strip() for p in re.split(r"[-–]", code)]
    return "-".join(_CODE_FIXES.get(p, p) for p in parts)


def _canonical_number(num: str, year: str | None, code: str) -> str:
    return "/".join([num] + ([year] if year else []) + [canonical_code(code)])


def _type_before(text: str, pos: int) -> str | None:
    window = strip_diacritics(text[max(0, pos - 30):pos]).lower()
    best = None
    for key, name in _TYPE_KEYS:
        at = window.rfind(key)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, name)
    return best[1] if best else None


def reference_at(text: str, start: int, end: int) -> Reference | None:
    """The reference whose number is printed at ``text[start:end]`` (a LEGAL_REF span)."""
    m = _NUMBER.fullmatch(text[start:end].strip())
    if m is None:
        return None
    number = _canonical_number(m.group(1), m.group(2), m.group(3))
    after = text[end:end + 40]
    date = None
    if re.match(r"\s*,?\s*ng[aà]y", after, re.IGNORECASE):
        date = dates.issued_date(after)
    return Reference(number, _type_before(text, start), date, start, end)


def find_references(text: str) -> list[Reference]:
    """Every document number cited in ``text``, in order, with type and date when printed."""
    text = normalize(text)
    found = (reference_at(text, span.start, span.end) for span in nlp.legal_ref_spans(text))
    return [ref for ref in found if ref is not None]
