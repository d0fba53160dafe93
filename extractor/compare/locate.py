"""Give hand-made records (gold files, which carry no provenance) links back to their source text.

When a record JSON sits beside its plain-text source, each task title, deadline, agency
section of Tổ chức thực hiện, target, budget figure and reporting date is found in that text
by its unmarked syllables, so the report can still cite page and line. Pages are split at form
feeds, as the text layer writes them. Values that cannot be found keep no link; records that
already carry provenance are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extractor.compare.text import syllables
from schemas.plan import Plan, Provenance

_WORD = re.compile(r"[^\W_]+")
_PROBE = 6  # syllables of a value searched for; enough to be unique in a plan


@dataclass(frozen=True)
class _Text:
    sylls: list[str]
    where: list[tuple[int, int, int, int]]  # per syllable: page, line, page char start, end
    lines: dict[tuple[int, int], str]


def _index(text: str) -> _Text:
    sylls, where, lines = [], [], {}
    for page_no, page in enumerate(text.split("\f"), start=1):
        offset = 0
        for line_no, line in enumerate(page.split("\n"), start=1):
            lines[(page_no, line_no)] = line
            for m in _WORD.finditer(line):
                for s in syllables(m.group(0)):
                    sylls.append(s)
                    where.append((page_no, line_no, offset + m.start(), offset + m.end()))
            offset += len(line) + 1
    return _Text(sylls, where, lines)


def _at(index: _Text, head: list[str], start: int) -> int | None:
    """First position from ``start`` where ``head`` is printed, give or take OCR damage.

    A third of the syllables may be damaged ("Pay manh" for "Đẩy mạnh", "B6i méi phuong thirc").
    """
    n = len(head)
    slack = n / 3
    sylls = index.sylls
    for i in range(start, len(sylls) - n + 1):
        if _cost(sylls[i], head[0]) + _cost(sylls[i + 1], head[1]) > 1:
            continue
        if sum(_cost(a, b) for a, b in zip(sylls[i : i + n], head, strict=True)) <= slack:
            return i
    return None


def _cost(a: str, b: str) -> float:
    """0 for the same syllable, 0.5 for one OCR edit away ("mei"/"moi", "bdi"/"boi"), else 1."""
    if a == b:
        return 0.0
    if abs(len(a) - len(b)) > 1:
        return 1.0
    if len(a) == len(b):
        return 0.5 if sum(x != y for x, y in zip(a, b, strict=True)) == 1 else 1.0
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return 0.5 if any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_))) else 1.0


def _find(index: _Text, value: str, start: int = 0) -> tuple[Provenance, int] | None:
    """Provenance of ``value`` printed at or after syllable ``start``, and where it ends."""
    probe = syllables(value)
    if not probe:
        return None
    head = probe[:_PROBE] if len(probe) > 1 else probe
    found = (
        _at(index, head, start)
        if len(head) > 1
        else next((i for i in range(start, len(index.sylls)) if index.sylls[i] == head[0]), None)
    )
    if found is None:
        return None
    end = min(found + len(probe), len(index.sylls)) - 1
    page, first, char, _ = index.where[found]
    end_page, last, _, stop = index.where[end]
    if end_page != page:
        last = max(ln for (p, ln) in index.lines if p == page)
    original = "\n".join(index.lines[(page, ln)] for ln in range(first, last + 1))
    return Provenance(
        page=page,
        line_start=first,
        line_end=last,
        char_start=char,
        char_end=max(stop, char),
        bbox=None,
        original=original,
        confidence=0.5,
    ), end + 1


def _has_provenance(plan: Plan) -> bool:
    return any(t.provenance for t in plan.tasks) or any(t.provenance for t in plan.targets)


def with_located_provenance(plan: Plan, source: Path | None) -> Plan:
    """``plan`` with provenance located in a .txt ``source`` where the record has none."""
    if source is None or source.suffix.lower() != ".txt" or _has_provenance(plan):
        return plan
    index = _index(source.read_text(encoding="utf-8", errors="replace"))
    plan = plan.model_copy(deep=True)
    cursor = 0
    for task in plan.tasks:  # in document order: each value is searched after the previous one
        cursor = _put(task.provenance, "title", _find(index, task.title, cursor), cursor)
        if task.deadline:
            _put(task.deadline.provenance, "text", _find(index, task.deadline.text, cursor), cursor)
    for duty_section in plan.responsibilities:  # Tổ chức thực hiện follows the tasks
        cursor = _put(duty_section.provenance, "agency", _find(index, duty_section.agency, cursor), cursor)
    anchor = _find(index, "Mục tiêu cụ thể")
    cursor = anchor[1] if anchor else 0
    for target in plan.targets:
        cursor = _put(target.provenance, "value", _find(index, _amount(target.value), cursor), cursor)
    for duty in plan.reporting:
        _put(duty.provenance, "when", _find(index, duty.when), 0)
    if plan.budget:
        if plan.budget.total_million_vnd is not None:
            found = _find(index, f"{_amount(plan.budget.total_million_vnd)} triệu đồng")
            _put(plan.budget.provenance, "total_million_vnd", found, 0)
        for part in plan.budget.by_period:
            _put(part.provenance, "million_vnd", _find(index, f"{_amount(part.million_vnd)} triệu đồng"), 0)
    return plan


def _amount(value: float) -> str:
    """A number as Vietnamese documents print it: 10.580 (thousands), 15."""
    return f"{value:,.0f}".replace(",", ".") if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _put(prov: dict[str, Provenance], key: str, found: tuple[Provenance, int] | None, cursor: int) -> int:
    if found is None:
        return cursor
    prov[key] = found[0]
    return found[1]
