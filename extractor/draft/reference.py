"""The national programme's reference set and the task aligner the draft context needs.

Both are inputs of :func:`extractor.draft.context.build_context`. The reference tasks and
targets, and the aligner, come from ``extractor.compare`` (issue 6) when it is installed;
``extractor/draft/reference/<id>.json`` adds what drafting needs beyond them (the
programme's name as plans quote it, the provincial lead, one short heading per task). The
title-similarity aligner and the tasks/targets of that file are the FALLBACK for an install
without ``extractor.compare``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from importlib import resources
from typing import Any

from extractor.errors import DraftError
from extractor.vietnamese import strip_diacritics
from schemas.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefTask:
    """One task of the national programme; ``title`` is the heading a draft prints."""

    id: str
    number: str
    title: str


@dataclass(frozen=True)
class Programme:
    """What a provincial plan implements: the decision, its tasks and targets."""

    id: str
    decision: str
    decision_date: str
    decision_issuer: str
    name: str
    ministry: str
    provincial_lead: str
    period: str
    tasks: tuple[RefTask, ...]
    targets: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    fallback: bool = False


#: For each record, the reference task id of each of its tasks (None = no counterpart).
Aligner = Callable[[Programme, Sequence[Plan]], list[list[str | None]]]


def _supplement(key: str) -> dict[str, Any]:
    res = resources.files("extractor").joinpath("draft", "reference", f"{key}.json")
    if not res.is_file():
        raise DraftError(
            f"Chưa có dữ liệu soạn thảo của Chương trình {key!r} (extractor/draft/reference/{key}.json)."
        )
    data: dict[str, Any] = json.loads(res.read_text(encoding="utf-8"))
    return data


def _compare_reference(key: str) -> Any | None:
    try:
        from extractor.compare import reference as compare_reference
    except ImportError:  # FALLBACK: an install without issue 6
        return None
    if key not in compare_reference.known_programmes():
        return None
    return compare_reference.load(key)


def load_programme(programme: str) -> Programme:
    """The reference set of programme ``programme`` ("1687" or "1687/QĐ-TTg")."""
    key = programme.split("/")[0].strip()
    extra = _supplement(key)
    headings = {str(t["id"]): t["title"] for t in extra.get("tasks", [])}
    ref = _compare_reference(key)
    if ref is not None:
        tasks = tuple(RefTask(t.id, t.id, headings.get(t.id, t.title)) for t in ref.tasks)
        targets = tuple(
            {"indicator": t.indicator, "year": t.year, "value": t.value, "unit": t.unit} for t in ref.targets
        )
    else:
        tasks = tuple(
            RefTask(str(t["id"]), str(t.get("number", t["id"])), t["title"]) for t in extra["tasks"]
        )
        targets = tuple(extra.get("targets", []))
    return Programme(
        id=key,
        decision=extra.get("decision", f"{key}/QĐ-TTg"),
        decision_date=extra.get("decision_date", ""),
        decision_issuer=extra.get("decision_issuer", "Thủ tướng Chính phủ"),
        name=extra["name"],
        ministry=extra.get("ministry", ""),
        provincial_lead=extra.get("provincial_lead", ""),
        period=extra.get("period", ""),
        tasks=tasks,
        targets=targets,
        fallback=ref is None,
    )


def _words(text: str) -> list[str]:
    text = strip_diacritics(text).lower().replace("“", " ").replace("”", " ")
    return [w for w in text.split() if w.isalnum()]


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two titles, 0..1, diacritics ignored (OCR-tolerant)."""
    return SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def align_by_title(
    programme: Programme, records: Sequence[Plan], threshold: float = 0.35
) -> list[list[str | None]]:
    """FALLBACK aligner: each task to the reference task its title (or group heading) best matches."""
    out: list[list[str | None]] = []
    for record in records:
        row: list[str | None] = []
        for task in record.tasks:
            best, score = None, threshold
            for ref in programme.tasks:
                s = max(similarity(task.title, ref.title), similarity(task.group or "", ref.title))
                if s > score:
                    best, score = ref.id, s
            row.append(best)
        out.append(row)
    return out


def align_with_compare(programme: Programme, records: Sequence[Plan]) -> list[list[str | None]]:
    """The issue-6 aligner (TF-IDF + cross-plan agency profile); title similarity without it."""
    ref = _compare_reference(programme.id)
    if ref is None:
        log.warning("extractor.compare unavailable for %s: aligning tasks by title similarity", programme.id)
        return align_by_title(programme, records)
    from extractor.compare import align as compare_align

    return [[ta.ref_id for ta in pa.tasks] for pa in compare_align.align_all(list(records), ref)]
