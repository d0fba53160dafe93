"""Drafting (issue 7): national programme + provincial records → a Kế hoạch draft.

``draft()`` is what ``kehoach draft`` calls; ``render_preview_html()`` is what the web
drafts page calls. Everything renders through the sandbox (``extractor.draft.sandbox``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from extractor.draft.context import (
    apply_overrides,
    build_context,
    implements,
    load_context_file,
    load_records,
)
from extractor.draft.convert import docx_to_pdf
from extractor.draft.reference import Aligner, align_with_compare, load_programme
from extractor.draft.render import render_bytes, render_preview_html
from extractor.errors import DraftError
from extractor.fsutil import atomic_write_bytes
from extractor.options import Options
from schemas.plan import Plan

__all__ = ["draft", "draft_context", "draft_from_store", "implements", "render_preview_html", "FORMATS"]

FORMATS = {".docx": "docx", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def draft_context(
    programme: str,
    province: str,
    inputs: Sequence[Path | Plan] = (),
    context_file: Path | None = None,
    *,
    aligner: Aligner = align_with_compare,
    options: Options | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """The harmonised context, with the override file applied."""
    records = load_records(inputs, options)
    context = build_context(load_programme(programme), province, records, aligner=aligner, year=year)
    if context_file is not None:
        context = apply_overrides(context, load_context_file(Path(context_file)))
    return context


def draft(
    programme: str,
    province: str,
    inputs: Sequence[Path | Plan],
    out: Path,
    context_file: Path | None = None,
    template: str | None = None,
    *,
    aligner: Aligner = align_with_compare,
    options: Options | None = None,
    year: int | None = None,
) -> Path:
    """Write the draft to ``out`` (.docx, .md, .html, or .pdf through LibreOffice, by suffix).

    ``template`` is a built-in template name ("kehoach/plan.j2") or the path of a
    drafter-authored template file, which runs in the sandbox like every template.
    """
    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise DraftError(
            f"Không hỗ trợ định dạng {out.suffix or '(không có đuôi)'}: dùng .docx, .md, .html hoặc .pdf.",
            path=str(out),
        )
    context = draft_context(
        programme, province, inputs, context_file, aligner=aligner, options=options, year=year
    )
    source = None
    if template is not None and Path(template).is_file():
        source, template = Path(template).read_text(encoding="utf-8"), None
    if fmt == "pdf":
        atomic_write_bytes(out, _pdf(render_bytes(context, "docx", template, source), out.stem))
    else:
        atomic_write_bytes(out, render_bytes(context, fmt, template, source))
    return out


def store_records(store: Any, programme: str) -> list[Plan]:
    """The store's records that implement ``programme``, as reviewed (documents in review or approved)."""
    from extractor.store.plans import implementing, stored_plans

    return [sp.plan for sp in stored_plans(store, implementing(programme)).plans]


def draft_from_store(
    data_dir: str | Path | None,
    programme: str,
    province: str,
    out: Path,
    context_file: Path | None = None,
    template: str | None = None,
) -> Path:
    """:func:`draft` from the records in the store at ``data_dir`` (``kehoach draft --db``)."""
    from extractor.settings import load_settings
    from extractor.store import open_store

    store = open_store(load_settings(data_dir))
    try:
        records = store_records(store, programme)
    finally:
        store.dispose()
    return draft(programme, province, records, out, context_file, template)


def _pdf(docx_bytes: bytes, stem: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kehoach-draft-") as tmp:
        docx_path = Path(tmp) / f"{stem}.docx"
        docx_path.write_bytes(docx_bytes)
        return docx_to_pdf(docx_path, Path(tmp) / "pdf").read_bytes()
