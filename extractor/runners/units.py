"""The units of work both runners execute: plan a document, OCR one page, assemble a record.

Each unit is a pure function of plain JSON-able arguments (a path, page index, options as a
dict) returning JSON: a redelivered unit recomputes the same answer and writes nothing, so
at-least-once delivery is effectively once. Only the batch coordinator stores records,
once per document sha256. Together they give exactly what :func:`extractor.ingest.ingest`
+ restoration + field extraction give in one process (``tests/test_runners.py`` checks it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor import ingest
from extractor.errors import EmptyFileError, UnsupportedTypeError
from extractor.ocr.sources import ImageSource, PdfSource
from extractor.ocr.tesseract import OcrConfig
from extractor.options import Options
from schemas.document import DocumentText, Issue, Page, PageQuality

Json = dict[str, Any]
OCR_KINDS = ("pdf", "png", "jpeg", "tiff")


def default_options() -> Json:
    """The options the web app's jobs use (:func:`extractor.jobs.extract_record`)."""
    return {"jobs": 1, "progress": False}


def _source(path: Path, kind: str, options: Options) -> PdfSource | ImageSource:
    if kind == "pdf":
        return PdfSource.open(path, options)
    return ImageSource.open(path, kind, options)


def plan(path: str, options: Json) -> Json:
    """Hash and sniff the file; keep good text-layer pages; list the pages left to OCR."""
    opts, file = Options.model_validate(options), Path(path)
    digest, size = ingest._sha256(file)
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes); check the upload or copy it again",
                             path=str(file))
    kind = ingest.sniff(file)
    issues = [i.model_dump(mode="json") for i in ingest._extension_issues(file, kind)]
    out: Json = {"sha256": digest, "kind": kind, "issues": issues, "layer": {}, "ocr": []}
    if kind in ("text", "docx"):
        return out
    if kind not in OCR_KINDS:
        raise UnsupportedTypeError(
            f"this is not a PDF, image or UTF-8 text file (looks like: {kind}); "
            "save it as PDF and try again", path=str(file))
    source = _source(file, kind, opts)
    out["mime"] = source.mime
    for index, page, quality in source.layer_pages(opts):
        if page is not None:
            out["layer"][str(index)] = page.model_dump(mode="json")
        else:
            out["ocr"].append([index, quality.model_dump(mode="json") if quality else None])
    if out["ocr"]:
        from extractor.ocr import probe

        probe.check(opts.lang)
    return out


def ocr_page(path: str, kind: str, index: int, quality: Json | None, options: Json) -> Json:
    """OCR one page (0-based ``index``) → the Page as JSON; a bad page is a failed Page."""
    opts = Options.model_validate(options)
    source = _source(Path(path), kind, opts)
    task = ingest.OcrTask(source, index, PageQuality.model_validate(quality) if quality else None,
                          OcrConfig(lang=opts.lang, timeout=opts.page_timeout))
    return ingest.ocr_page(task).model_dump(mode="json")


def assemble(path: str, options: Json, planned: Json, ocr_pages: list[Json]) -> Json:
    """Pages → restored text → plan record (the record ``extract_record`` returns)."""
    from extractor import fields, restore

    opts, file = Options.model_validate(options), Path(path)
    issues = [Issue.model_validate(i) for i in planned["issues"]]
    if planned["kind"] == "text":
        pages, mime = ingest.text_pages(file), "text/plain"
    elif planned["kind"] == "docx":
        pages, mime = ingest.docx_pages(file), ingest.DOCX_MIME
    else:
        found = {int(i): Page.model_validate(p) for i, p in planned["layer"].items()}
        found.update({Page.model_validate(p).number - 1: Page.model_validate(p) for p in ocr_pages})
        pages, mime = [found[i] for i in sorted(found)], planned["mime"]
    doc = DocumentText(path=str(file), sha256=planned["sha256"], mime=mime, pages=pages, issues=issues)
    if opts.restore:
        doc = restore.restore_document(doc)
    record = fields.extract_plan(doc)
    return record.model_dump(mode="json") if hasattr(record, "model_dump") else dict(record)
