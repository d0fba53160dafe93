"""Align each task of a plan to a task of the programme's reference set, or to none.

Score = TF-IDF cosine between the task's words and the reference task's wording (title,
description, the variants other provinces print, keywords), over unmarked lexicon words and
word bigrams (``extractor.compare.text``). Appendix rows carry the group heading they sit under
(``Task.group``); the heading usually restates a reference title, so it gets most weight.
Normalised agency names are a weak second-pass signal: a task's lead/coordinators are compared
with those of the tasks that aligned confidently to each reference task across the same plan
set, which breaks near-ties only. A task that splits a reference task aligns each part to it;
a task that merges several lists the others under ``also``. Reviewer overrides win over scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from extractor.agencies import parse_agency_list
from extractor.compare.reference import Reference
from extractor.compare.text import Vector, features, idf
from schemas.plan import Plan, Task

Overrides = Mapping[str, str | None]


@dataclass(frozen=True)
class Params:
    """Tunable weights; defaults were set on seeds 000/001/002/004 (see tests/test_compare_align.py)."""

    group_weight: float = 0.6  # share of the score from the appendix group heading
    min_score: float = 0.10  # below this the task implements no reference task ("none")
    also_min: float = 0.10  # a merged-in reference task scores at least this ...
    also_keywords: int = 2  # ... and the title names this many words of its title only it has
    agency_weight: float = 0.05  # weak: breaks near-ties only
    confident_margin: float = 0.10  # first-pass margin that makes a task shape the agency profile


@dataclass(frozen=True)
class Candidate:
    """A reference task and the task's score against it."""

    ref_id: str
    score: float


@dataclass(frozen=True)
class TaskAlignment:
    """Where one plan task landed."""

    task_number: str
    ref_id: str | None
    score: float
    also: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    method: Literal["auto", "override"] = "auto"

    @property
    def ref_ids(self) -> tuple[str, ...]:
        """Every reference task the plan task covers, primary first."""
        return ((self.ref_id,) if self.ref_id else ()) + self.also


@dataclass(frozen=True)
class PlanAlignment:
    """The alignment of one plan's tasks."""

    programme: str
    tasks: tuple[TaskAlignment, ...] = field(default_factory=tuple)

    def by_ref(self) -> dict[str, list[TaskAlignment]]:
        """Plan tasks per reference id (a merged task under each id it covers)."""
        out: dict[str, list[TaskAlignment]] = {}
        for ta in self.tasks:
            for rid in ta.ref_ids:
                out.setdefault(rid, []).append(ta)
        return out

    def to_dict(self) -> dict:
        """JSON-ready form (for the store and the review app)."""
        return {"programme": self.programme, "tasks": [
            {"task_number": t.task_number, "ref_id": t.ref_id, "score": t.score, "also": list(t.also),
             "method": t.method, "candidates": [{"ref_id": c.ref_id, "score": round(c.score, 4)}
                                                for c in t.candidates]}
            for t in self.tasks]}

    def get(self, task_number: str) -> TaskAlignment | None:
        """The alignment of the task printed as ``task_number``."""
        return next((t for t in self.tasks if t.task_number == task_number), None)


@dataclass(frozen=True)
class _Index:
    idf: dict[str, float]
    unseen: float
    refs: tuple[tuple[str, Vector], ...]
    own_keywords: dict[str, frozenset[str]]


@lru_cache(maxsize=8)
def _index(reference: Reference) -> _Index:
    bags = [features(t.text, reference.lexicon) for t in reference.tasks]
    weights = idf(bags)
    unseen = max(weights.values(), default=1.0)
    kw = Counter(k for t in reference.tasks for k in set(t.keywords))
    own = {t.id: frozenset(k.replace(" ", "_") for k in t.keywords if kw[k] == 1)
           & set(features(t.title, reference.lexicon)) for t in reference.tasks}
    return _Index(weights, unseen, tuple((t.id, Vector(b, weights, unseen))
                                         for t, b in zip(reference.tasks, bags, strict=True)), own)


def _vector(text: str, reference: Reference, index: _Index) -> Vector:
    return Vector(features(text, reference.lexicon), index.idf, index.unseen)


def text_scores(task: Task, reference: Reference, params: Params = Params(),
                index: _Index | None = None) -> list[Candidate]:
    """Scores of ``task`` against every reference task, best first (text only)."""
    index = index or _index(reference)
    title = _vector(task.title, reference, index)
    group = _vector(task.group, reference, index) if task.group else None
    out = []
    for rid, ref in index.refs:
        score = title.cosine(ref)
        if group is not None:
            score = params.group_weight * group.cosine(ref) + (1 - params.group_weight) * score
        out.append(Candidate(rid, score))
    return sorted(out, key=lambda c: (-c.score, c.ref_id))


@lru_cache(maxsize=4096)
def canonical_agency(name: str) -> str | None:
    """The registry's canonical name of one listed body, case-folded; None for collectives."""
    found = parse_agency_list(name)
    key = (found[0].name if found else name).casefold()
    return None if key.startswith("các ") else key


def agencies_of(task: Task) -> frozenset[str]:
    """Normalised names of the task's lead and coordinating bodies (collectives left out)."""
    names = (canonical_agency(n) for n in [*task.lead, *task.coordinators])
    return frozenset(n for n in names if n)


_task_agencies = agencies_of


def _decide(task: Task, cands: Sequence[Candidate], reference: Reference, params: Params,
            index: _Index) -> TaskAlignment:
    best = cands[0]
    top = tuple(cands[:3])
    if best.score < params.min_score:
        return TaskAlignment(task.number, None, round(best.score, 4), (), top)
    # A merged task ("Tổng kết, biểu dương khen thưởng") names another task's own keywords;
    # a score ratio cannot tell it from the overlap every library task shares.
    own = index.own_keywords
    words = set(features(task.title, reference.lexicon))
    also = tuple(c.ref_id for c in cands[1:] if c.score >= params.also_min
                 and len(words & own.get(c.ref_id, frozenset())) >= params.also_keywords)
    return TaskAlignment(task.number, best.ref_id, round(best.score, 4), also, top)


def _override(number: str, ref_id: str | None, cands: Sequence[Candidate],
              reference: Reference) -> TaskAlignment:
    if ref_id is not None and ref_id not in {t.id for t in reference.tasks}:
        raise ValueError(f"override for task {number}: no reference task {ref_id!r} in {reference.programme}")
    score = next((c.score for c in cands if c.ref_id == ref_id), 0.0)
    return TaskAlignment(number, ref_id, round(score, 4), (), tuple(cands[:3]), "override")


def agency_profile(plans: Iterable[tuple[Plan, list[list[Candidate]]]],
                   params: Params = Params()) -> dict[str, Counter[str]]:
    """Per reference id, how often each body leads/coordinates a confidently aligned task."""
    profile: dict[str, Counter[str]] = {}
    for plan, scored in plans:
        for task, cands in zip(plan.tasks, scored, strict=True):
            if len(cands) > 1 and cands[0].score - cands[1].score >= params.confident_margin:
                profile.setdefault(cands[0].ref_id, Counter()).update(_task_agencies(task))
    return profile


def _with_agencies(task: Task, cands: list[Candidate], profile: Mapping[str, Counter[str]],
                   params: Params) -> list[Candidate]:
    names = _task_agencies(task)
    if not names or not profile:
        return cands
    out = []
    for c in cands:
        counts = profile.get(c.ref_id)
        share = 0.0
        if counts:
            total = max(counts.values())
            share = sum(counts[n] for n in names) / (total * len(names))
        out.append(Candidate(c.ref_id, c.score + params.agency_weight * share))
    return sorted(out, key=lambda c: (-c.score, c.ref_id))


def align(plan: Plan, reference: Reference, overrides: Overrides | None = None, *,
          profile: Mapping[str, Counter[str]] | None = None, params: Params = Params(),
          scored: Sequence[list[Candidate]] | None = None) -> PlanAlignment:
    """Align every task of ``plan`` to ``reference``.

    ``overrides`` maps a task number as printed ("3.1") to a reference id, or to None for
    "implements no reference task"; the web app stores them as revisions and passes them back.
    ``profile`` is the cross-plan agency profile (:func:`agency_profile`); without one, the
    alignment is text only.
    """
    overrides = overrides or {}
    index = _index(reference)
    out = []
    for k, task in enumerate(plan.tasks):
        cands = scored[k] if scored is not None else text_scores(task, reference, params, index)
        if profile:
            cands = _with_agencies(task, cands, profile, params)
        if task.number in overrides:
            out.append(_override(task.number, overrides[task.number], cands, reference))
        else:
            out.append(_decide(task, cands, reference, params, index))
    return PlanAlignment(reference.programme, tuple(out))


def align_all(plans: Sequence[Plan], reference: Reference,
              overrides: Mapping[int, Overrides] | None = None,
              params: Params = Params()) -> list[PlanAlignment]:
    """Align several plans, the agency profile learnt from their confident text alignments."""
    overrides = overrides or {}
    index = _index(reference)
    scored = [[text_scores(t, reference, params, index) for t in p.tasks] for p in plans]
    profile = agency_profile(zip(plans, scored, strict=True), params) if params.agency_weight else {}
    return [align(p, reference, overrides.get(i), profile=profile, params=params, scored=s)
            for i, (p, s) in enumerate(zip(plans, scored, strict=True))]
