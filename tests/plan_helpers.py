"""Helpers shared by the extraction tests (not fixtures: conftest.py is not ours to edit)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from schemas.document import DocumentText, Line, Page


def doc_from_text(text: str, path: str = "doc.txt") -> DocumentText:
    """A DocumentText as ingest makes one from a .txt file: a page per form feed, a Line per line."""
    pages = [Page(number=i, source="text", lines=[Line(text=t) for t in chunk.split("\n")])
             for i, chunk in enumerate(text.split("\f"), start=1)]
    return DocumentText(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), mime="text/plain",
                        pages=pages)


def load_scorer(shared: Path):
    """The project's yardstick, shared/eval/score_plan.py, as a module."""
    spec = importlib.util.spec_from_file_location("score_plan", shared / "eval" / "score_plan.py")
    module = importlib.util.module_from_spec(spec)
    assert spec and spec.loader
    spec.loader.exec_module(module)
    return module
