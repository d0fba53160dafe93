"""Quantified targets (Mục tiêu cụ thể) → one row per (indicator, year).

A target sentence names a year and a share: "Đến năm 2026, phấn đấu 15% số xã ...; đến năm
2030 ... đạt 50% ... và đạt 90% vào năm 2045". Each percentage takes the year of a following
"vào năm YYYY", else of the nearest "năm YYYY" before it in the same sentence.
"""

from __future__ import annotations

import re

from extractor.fields.layout import Layout, Para
from extractor.fields.source import provenance
from schemas.plan import Target

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
# Years are found by their digits, not by the word "năm" before them, which OCR often garbles.
_YEAR_BEFORE = re.compile(r"(?<![\d/-])((?:19|20)\d{2})(?![\d/-])")
_YEAR_AFTER = re.compile(r"^[^;%]{0,30}?(?:vào|trong|đến|v\w{1,2})\s+\w{2,4}\s+((?:19|20)\d{2})\b",
                         re.IGNORECASE)
_LEAD_IN = re.compile(r"^[^,;]{0,20}\b(?:19|20)\d{2},?\s*|^(phấn đấu|phấn|có|đạt|ít nhất|trên|khoảng)\s+",
                      re.IGNORECASE)


def target_paras(layout: Layout) -> list[Para]:
    """The paragraphs under "Mục tiêu cụ thể" (or under the Mục tiêu section when not split)."""
    for section in layout.sections:
        if "MUC TIEU" not in section.key and "CHI TIEU" not in section.key:
            continue
        for i, para in enumerate(section.paras):
            if para.kind in ("num", "sub", "letter") and re.search(r"(MUC|CHI) TIEU CU THE", para.key):
                stop = ("num", "sub", "roman") + (("letter",) if para.kind == "letter" else ())
                out = []
                for nxt in section.paras[i + 1:]:
                    if nxt.kind in stop:
                        break
                    out.append(nxt)
                return out
    whole = next((s for s in layout.sections if "MUC TIEU" in s.key), None)
    return whole.paras if whole else []


def _indicator(sentence: str) -> str:
    clause = re.split(r";|\(", sentence)[0]
    for _ in range(3):
        clause = _LEAD_IN.sub("", clause.strip())
    clause = _PERCENT.sub("", clause)
    return " ".join(clause.split()).strip(" ,.:")


def _year_for(text: str, match: re.Match[str]) -> int | None:
    after = _YEAR_AFTER.match(text[match.end():])
    if after:
        return int(after.group(1))
    before = _YEAR_BEFORE.findall(text[:match.start()])
    return int(before[-1]) if before else None


def _parse_float(value: str) -> float:
    return float(value.replace(",", "."))


def extract_targets(layout: Layout) -> list[Target]:
    """Target rows in document order, each (indicator, year) once."""
    targets: list[Target] = []
    seen: set[tuple[str, int]] = set()
    for para in target_paras(layout):
        text = para.text
        indicator = _indicator(text)
        for m in _PERCENT.finditer(text):
            year = _year_for(text, m)
            if year is None or (indicator, year) in seen:
                continue
            seen.add((indicator, year))
            target = Target(indicator=indicator, year=year, value=_parse_float(m.group(1)), unit="%")
            if p := provenance(para.lines):
                target.provenance["value"] = p
            targets.append(target)
    return targets
