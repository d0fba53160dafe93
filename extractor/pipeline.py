"""The one path data takes, top to bottom (see ARCHITECTURE.md)."""

from __future__ import annotations

from pathlib import Path

from extractor.options import Options
from schemas.document import DocumentText


def read_document(path: str | Path, options: Options) -> DocumentText:
    """File → pages of text in correct Vietnamese (ingest, text layer/OCR, restoration)."""
    from extractor import ingest, restore

    doc = ingest.ingest(Path(path), options)
    if options.restore:
        doc = restore.restore_document(doc)
    return doc


def extract(path: str | Path, options: Options):
    """File → plan record (``schemas.plan.Plan``)."""
    from extractor import fields

    return fields.extract_plan(read_document(path, options))
