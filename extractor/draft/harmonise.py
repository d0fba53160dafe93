"""Majority choices across provincial records, each with the provinces that support it.

A province votes once per choice (seed 000 splits one programme task over several table
rows; its rows must not outvote two other provinces). Ties go to the value seen first, in
the order the records were given, so the result is deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.draft.reference import Aligner, Programme, similarity
from schemas.plan import Plan

GENERIC_COORDINATORS = ("Các cơ quan, đơn vị liên quan",)


@dataclass(frozen=True)
class Choice:
    """The chosen value, who supports it, and how many provinces voted at all."""

    value: Any
    supporters: tuple[str, ...]
    voters: int


def province_of(record: Plan) -> str:
    """The record's province, or its source file name when the header names none."""
    return record.document.province or record.source


def vote(pairs: Iterable[tuple[str, Hashable]]) -> Choice | None:
    """Most common value over provinces; each province first settles on its own majority."""
    per_province: dict[str, Counter[Hashable]] = {}
    first_seen: dict[Hashable, int] = {}
    for province, value in pairs:
        per_province.setdefault(province, Counter())[value] += 1
        first_seen.setdefault(value, len(first_seen))
    if not per_province:
        return None
    own = {p: max(c, key=lambda v: (c[v], -first_seen[v])) for p, c in per_province.items()}
    tally = Counter(own.values())
    best = max(tally, key=lambda v: (tally[v], -first_seen[v]))
    return Choice(best, tuple(p for p, v in own.items() if v == best), len(own))


def localise(text: str, province: str, others: Iterable[str]) -> str:
    """Replace other provinces' names with ``province`` ("Công an tỉnh Sơn La" → "... Cao Bằng")."""
    for other in sorted(set(others) - {province}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(other)}(?!\w)", province, text)
    return text


def qualify(name: str, province: str) -> str:
    """Name a provincial body in full: "Công an tỉnh" → "Công an tỉnh Cao Bằng"."""
    if re.search(r"\btỉnh$", name):
        return f"{name} {province}"
    return name


def task_choices(
    programme: Programme, records: Sequence[Plan], aligner: Aligner, province: str
) -> list[dict[str, Any]]:
    """One harmonised row per reference task: lead, coordinators, deadline and their supporters."""
    others = {province_of(r) for r in records}
    votes: dict[str, dict[str, list[tuple[str, Hashable]]]] = {
        t.id: {"lead": [], "coordinators": [], "deadline": []} for t in programme.tasks
    }
    for record, ref_ids in zip(records, aligner(programme, records), strict=True):
        who = province_of(record)
        for task, ref_id in zip(record.tasks, ref_ids, strict=True):
            if ref_id not in votes:
                continue
            if task.lead:
                votes[ref_id]["lead"].append((who, tuple(localise(a, province, others) for a in task.lead)))
            if task.coordinators:
                votes[ref_id]["coordinators"].append(
                    (who, tuple(localise(a, province, others) for a in task.coordinators))
                )
            if task.deadline:
                votes[ref_id]["deadline"].append((who, task.deadline.text))
    default_deadline = f"Giai đoạn {programme.period}" if programme.period else ""
    defaults = {
        "lead": (programme.provincial_lead,),
        "coordinators": GENERIC_COORDINATORS,
        "deadline": default_deadline,
    }
    rows = []
    for ref in programme.tasks:
        row: dict[str, Any] = {"ref_id": ref.id, "number": ref.number, "title": ref.title, "details": []}
        support: dict[str, list[str]] = {}
        for field, fallback in defaults.items():
            choice = vote(votes[ref.id][field])
            value = choice.value if choice else fallback
            row[field] = list(value) if isinstance(value, tuple) else value
            support[field] = list(choice.supporters) if choice else []
            row.setdefault("voters", {})[field] = choice.voters if choice else 0
        row["support"] = support
        rows.append(row)
    return rows


def target_choices(programme: Programme, records: Sequence[Plan]) -> list[dict[str, Any]]:
    """Reference targets with the value most provinces adopted for each (indicator, year)."""
    rows = []
    for ref in programme.targets:
        pairs = [
            (province_of(r), t.value)
            for r in records
            for t in r.targets
            if t.year == ref["year"] and similarity(t.indicator, ref["indicator"]) >= 0.6
        ]
        choice = vote(pairs)
        rows.append(
            {
                "indicator": ref["indicator"],
                "year": ref["year"],
                "unit": ref.get("unit"),
                "value": choice.value if choice else ref["value"],
                "supporters": list(choice.supporters) if choice else [],
            }
        )
    return rows


def responsibility_choices(records: Sequence[Plan], province: str, lead: str) -> list[dict[str, Any]]:
    """Agency sections of Tổ chức thực hiện that provinces wrote, lead agency first."""
    others = {province_of(r) for r in records}
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        for resp in record.responsibilities:
            agency = localise(resp.agency, province, others)
            row = seen.setdefault(
                agency,
                {
                    "agency": agency,
                    "supporters": [],
                    "duties": [localise(d, province, others) for d in resp.duties],
                },
            )
            if province_of(record) not in row["supporters"]:
                row["supporters"].append(province_of(record))
    order = list(seen)
    return sorted(
        seen.values(), key=lambda r: (r["agency"] != lead, -len(r["supporters"]), order.index(r["agency"]))
    )


def reporting_choice(records: Sequence[Plan], province: str) -> dict[str, Any] | None:
    """The reporting obligation most provinces share (who, to whom, when)."""
    others = {province_of(r) for r in records}
    pairs = [
        (
            province_of(r),
            (localise(x.who or "", province, others), localise(x.to or "", province, others), x.when),
        )
        for r in records
        for x in r.reporting
    ]
    choice = vote(pairs)
    if choice is None:
        return None
    who, to, when = choice.value
    return {"who": who, "to": to, "when": when, "supporters": list(choice.supporters)}
