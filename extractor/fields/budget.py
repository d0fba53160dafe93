"""Kinh phí → total and per-period amounts in million VND (null when no amount is named)."""

from __future__ import annotations

import re

from extractor.fields.layout import Layout, find_section
from extractor.fields.source import provenance
from schemas.plan import Budget, BudgetPeriod

_AMOUNT = re.compile(r"(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,(\d+))?\s*(tỷ|triệu|nghìn|ngàn)?\s*đồng",
                     re.IGNORECASE)
_PERIOD = re.compile(r"^(?:Năm|Giai đoạn|Từ năm)\s+((?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?)\s*:",
                     re.IGNORECASE)
_SCALE = {"tỷ": 1000.0, "triệu": 1.0, "nghìn": 0.001, "ngàn": 0.001, None: 1e-6}


def parse_amount(text: str) -> float | None:
    """First amount of money in ``text`` in million VND."""
    m = _AMOUNT.search(text)
    if not m:
        return None
    whole = float(re.sub(r"[.\s]", "", m.group(1)))
    if m.group(2):
        whole += float("0." + m.group(2))
    unit = m.group(3).lower() if m.group(3) else None
    value = whole * _SCALE[unit]
    return int(value) if value == int(value) else round(value, 3)


def extract_budget(layout: Layout) -> Budget | None:
    """The budget the Kinh phí section states, or None."""
    section = find_section(layout, "KINH PHI")
    if section is None:
        return None
    budget = Budget()
    # a stated total ("Tổng kinh phí ...") wins over the first amount of a split by source
    paras = sorted(section.paras, key=lambda p: "TONG" not in p.key)
    for para in paras:
        amount = parse_amount(para.text)
        if amount is None:
            continue
        period = _PERIOD.match(para.text)
        if period:
            label = re.sub(r"\s+", "", period.group(1)).replace("–", "-")
            item = BudgetPeriod(period=label, million_vnd=amount)
            if p := provenance(para.lines):
                item.provenance["million_vnd"] = p
            budget.by_period.append(item)
        elif budget.total_million_vnd is None:
            budget.total_million_vnd = amount
            if p := provenance(para.lines):
                budget.provenance["total_million_vnd"] = p
    budget.by_period.sort(key=lambda item: item.period)
    if budget.total_million_vnd is None and not budget.by_period:
        return None
    return budget
