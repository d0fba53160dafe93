"""The store's records as plans for comparison and drafting (issues 6 and 7): reviewed values win.

Each document in review or approved gives its record as reviewed now (``current_record``),
validated as a :class:`~schemas.plan.Plan`; a record that no longer validates (a reviewer
emptied a required value) is left out and named, not fatal. Reviewer alignment overrides come
along, keyed by the task's printed number as ``align(..., overrides=)`` wants them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from extractor.store import record as rec
from extractor.store import repo
from extractor.store.db import Store
from schemas.plan import Plan

USABLE = ("review", "approved")


@dataclass(frozen=True)
class StoredPlan:
    """One stored document's record as a plan, with its alignment overrides."""

    document_id: int
    status: str
    plan: Plan
    task_keys: tuple[str, ...]  # the stable key of each task, in plan order
    overrides: dict[str, str | None] = field(default_factory=dict)  # task number → ref id | None
    alignment: dict[str, Any] = field(default_factory=dict)  # task key → its override field row

    def override_of(self, task_key: str) -> tuple[str | None, int]:
        """(stored override value, version) of a task: (None, 0) when never overridden."""
        row = self.alignment.get(task_key)
        return (row.value, row.version) if row is not None else (None, 0)


@dataclass(frozen=True)
class StoredPlans:
    """The usable plans and the documents left out, with why."""

    plans: list[StoredPlan]
    skipped: list[tuple[int, str, str]]  # (document id, file name, reason)


def _overrides(plan: Plan, keys: list[str], rows: dict[str, Any]) -> dict[str, str | None]:
    """Overrides by printed number; a number printed twice cannot be told apart, so none applies."""
    counts: dict[str, int] = {}
    for task in plan.tasks:
        counts[task.number] = counts.get(task.number, 0) + 1
    out: dict[str, str | None] = {}
    for task, key in zip(plan.tasks, keys, strict=True):
        row = rows.get(key)
        if row is None or row.value is None or not task.number or counts[task.number] > 1:
            continue
        out[task.number] = None if row.value == repo.ALIGNMENT_NONE else str(row.value)
    return out


def stored_plans(store: Store, keep: Callable[[Plan], bool] | None = None) -> StoredPlans:
    """Plans of every document in review or approved (oldest first), those ``keep`` accepts."""
    alignments = repo.alignment_fields(store)
    plans, skipped = [], []
    docs = [d for d in reversed(repo.list_documents(store, limit=100_000)) if d.status in USABLE]
    names = [d.filename for d in docs]
    for doc in docs:
        record = repo.current_record(store, doc.id)
        if names.count(doc.filename) > 1:  # the report and overrides tell plans apart by source
            record["source"] = f"{doc.filename} (#{doc.id})"
        try:
            plan = Plan.model_validate(record)
        except ValidationError as exc:
            skipped.append((doc.id, doc.filename, str(exc).splitlines()[0]))
            continue
        if keep is not None and not keep(plan):
            continue
        keys = rec.item_keys("tasks", [t.model_dump(mode="json") for t in plan.tasks])
        rows = alignments.get(doc.id, {})
        plans.append(StoredPlan(doc.id, doc.status, plan, tuple(keys), _overrides(plan, keys, rows), rows))
    return StoredPlans(plans, skipped)


def implementing(programme: str) -> Callable[[Plan], bool]:
    """A filter keeping the plans that implement ``programme`` (``extractor.draft.implements``)."""
    from extractor.draft import implements
    from extractor.draft.reference import load_programme

    loaded = load_programme(programme)
    return lambda plan: implements(plan, loaded)
