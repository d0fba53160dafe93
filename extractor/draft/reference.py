"""The national programme's reference set and the task aligner the draft context needs.

Both are inputs of :func:`extractor.draft.context.build_context`. The real ones come from
``extractor/compare`` and ``extractor/data/programmes/<id>.json`` (another engineer's work,
issue 6); until they land this module reads a hand-made fallback and aligns by title
similarity. FALLBACK: replace :func:`align_by_title` with the compare aligner when it exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from importlib import resources
from typing import Any

from extractor.draft.errors import DraftError
from extractor.vietnamese import strip_diacritics
from schemas.plan import Task


@dataclass(frozen=True)
class RefTask:
    """One task of the national programme."""

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


#: Maps a record's tasks to reference task ids (None = no counterpart), one per task.
Aligner = Callable[[Sequence[RefTask], Sequence[Task]], list[str | None]]


def _programme_from(data: dict[str, Any], fallback: bool) -> Programme:
    tasks = tuple(
        RefTask(
            id=str(t.get("id") or t.get("number") or i + 1),
            number=str(t.get("number") or i + 1),
            title=str(t["title"]),
        )
        for i, t in enumerate(data.get("tasks", []))
    )
    return Programme(
        id=str(data["id"]),
        decision=data.get("decision", f"{data['id']}/QĐ-TTg"),
        decision_date=data.get("decision_date", ""),
        decision_issuer=data.get("decision_issuer", "Thủ tướng Chính phủ"),
        name=data["name"],
        ministry=data.get("ministry", ""),
        provincial_lead=data.get("provincial_lead", ""),
        period=data.get("period", ""),
        tasks=tasks,
        targets=tuple(data.get("targets", [])),
        fallback=fallback,
    )


def load_programme(programme: str) -> Programme:
    """The reference set of programme ``programme`` ("1687" or "1687/QĐ-TTg")."""
    key = programme.split("/")[0].strip()
    for parts, fallback in (
        (("data", "programmes", f"{key}.json"), False),
        (("draft", "reference", f"{key}.json"), True),
    ):
        res = resources.files("extractor").joinpath(*parts)
        if res.is_file():
            data = json.loads(res.read_text(encoding="utf-8"))
            if "name" in data and "tasks" in data:  # FALLBACK: tolerant until issue 6 fixes the format
                return _programme_from(data, fallback)
    raise DraftError(
        f"Chưa có dữ liệu tham chiếu của Chương trình {programme!r} (extractor/data/programmes/<số>.json)."
    )


def _words(text: str) -> list[str]:
    return [
        w for w in strip_diacritics(text).lower().replace("“", " ").replace("”", " ").split() if w.isalnum()
    ]


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two task titles, 0..1, diacritics ignored (OCR-tolerant)."""
    return SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def align_by_title(
    ref: Sequence[RefTask], tasks: Sequence[Task], threshold: float = 0.35
) -> list[str | None]:
    """FALLBACK aligner: each task to the reference task its title (or group heading) best matches."""
    out: list[str | None] = []
    for task in tasks:
        best, score = None, threshold
        for r in ref:
            s = max(similarity(task.title, r.title), similarity(task.group or "", r.title))
            if s > score:
                best, score = r.id, s
        out.append(best)
    return out
