"""Plan fields from a document's text: ``extract_plan(doc) -> Plan``.

Reads like the spec: lines → layout (preamble, sections, closing) → header, targets,
budget, tasks (appendix table or numbered items), responsibilities, reporting → checks.
"""

from __future__ import annotations

from pathlib import Path

from extractor.fields.budget import extract_budget
from extractor.fields.checks import finish
from extractor.fields.header import extract_header
from extractor.fields.layout import split_layout
from extractor.fields.reporting import extract_reporting
from extractor.fields.responsibilities import extract_responsibilities
from extractor.fields.source import source_lines
from extractor.fields.table import extract_table_tasks
from extractor.fields.targets import extract_targets
from extractor.fields.tasks import extract_tasks
from schemas.document import DocumentText, Issue
from schemas.plan import Plan

__all__ = ["extract_plan"]


def extract_plan(doc: DocumentText) -> Plan:
    """The plan record of one document; never raises on odd text, reports issues instead."""
    issues: list[Issue] = list(doc.all_issues())
    lines = source_lines(doc)
    layout = split_layout(lines)
    plan = Plan(source=Path(doc.path).name, sha256=doc.sha256 or None,
                document=extract_header(layout, lines),
                targets=extract_targets(layout),
                budget=extract_budget(layout),
                tasks=extract_table_tasks(doc, lines, issues) or extract_tasks(layout, issues),
                responsibilities=extract_responsibilities(layout, issues),
                reporting=extract_reporting(layout))
    return finish(plan, doc, lines, issues)
