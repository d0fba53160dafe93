"""Checks on a finished record: is this a plan at all, low-confidence values, status."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from extractor.fields import messages
from extractor.fields.source import SrcLine
from schemas.document import DocumentText, Issue, Status
from schemas.plan import Plan, Provenance

LOW_CONFIDENCE = 0.6


def _provenances(model: BaseModel, path: str) -> Iterator[tuple[str, Provenance]]:
    for name, value in model:
        if name == "provenance" and isinstance(value, dict):
            for key, prov in value.items():
                yield f"{path}.{key}", prov
        elif isinstance(value, BaseModel):
            yield from _provenances(value, f"{path}.{name}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _provenances(item, f"{path}.{name}[{i}]")


def _plan_issues(plan: Plan, lines: list[SrcLine]) -> list[Issue]:
    issues = []
    if not lines:
        return [Issue(stage="fields", kind="empty_document", severity="error",
                      message=messages.empty_document())]
    if plan.document.doc_type is None and not plan.tasks:
        issues.append(Issue(stage="fields", kind="not_a_plan", severity="error",
                            message=messages.not_a_plan()))
    elif not plan.tasks:
        issues.append(Issue(stage="fields", kind="no_tasks", message=messages.no_tasks()))
    number = plan.document.number or ""
    if number.split("/")[0] and not number.split("/")[0].isdigit():
        issues.append(Issue(stage="fields", kind="unclear_value",
                            message=messages.number_not_digits(number)))
    for field in ("number", "issuer", "issued_date", "title"):
        if getattr(plan.document, field) is None and plan.document.doc_type is not None:
            issues.append(Issue(stage="fields", kind="missing_field", severity="info",
                                message=messages.missing_field(f"document.{field}")))
    return issues


def finish(plan: Plan, doc: DocumentText, lines: list[SrcLine], issues: list[Issue]) -> Plan:
    """Add record-level issues and set the status (never success while issues exist)."""
    issues = issues + _plan_issues(plan, lines)
    for path, prov in _provenances(plan, "plan"):
        if prov.confidence < LOW_CONFIDENCE:
            issues.append(Issue(stage="fields", kind="low_confidence", page=prov.page,
                                message=messages.low_confidence(path[5:], prov.confidence)))
    plan.issues = issues
    if not lines or doc.status == Status.FAILURE or any(i.kind in ("not_a_plan", "empty_document")
                                                        for i in issues):
        plan.status = Status.FAILURE
    elif issues:
        plan.status = Status.PARTIAL
    else:
        plan.status = Status.SUCCESS
    return plan
