"""Apply restoration to the pages of a document that need it (pipeline stage)."""

from __future__ import annotations

from pathlib import Path

from schemas.document import DocumentText, Line, Page

# Text-layer pages judged good are already correct Vietnamese; everything else is read again.
_RESTORE_VERDICTS = frozenset({"garbage", "unaccented"})


def needs_restoring(page: Page) -> bool:
    """Garbled or unaccented layers, and OCR output (to repair lost diacritics)."""
    if page.source == "ocr":
        return True
    return page.quality is not None and page.quality.verdict in _RESTORE_VERDICTS


def restore_document(doc: DocumentText, model_dir: str | Path | None = None) -> DocumentText:
    """A new document whose restorable pages carry restored lines (``Line.original`` kept)."""
    from extractor.restore import engine, model

    todo = [i for i, p in enumerate(doc.pages) if needs_restoring(p) and p.lines]
    if not todo:
        return doc.model_copy(deep=True)
    m = model.load(model_dir)
    # All restorable pages are decoded together so document-level evidence (is this OCR
    # garble?) is shared, and a sentence broken across a page still has its context.
    texts = [line.text for i in todo for line in doc.pages[i].lines]
    repair = any(doc.pages[i].source == "ocr" for i in todo)
    out, rows, kinds = engine.restore_lines(m, texts, with_conf=True, repair=repair)
    pages, k = [p.model_copy(deep=True) for p in doc.pages], 0
    for i in todo:
        page, lines = doc.pages[i], []
        for line in page.lines:
            restored, row, kind = out[k], rows[k], kinds[k]
            k += 1
            lines.append(_line(line, restored, row, kind))
        pages[i] = page.model_copy(update={"lines": lines}, deep=True)
    return doc.model_copy(update={"pages": pages}, deep=True)


def _line(line: Line, restored: str, row: list, kind: str) -> Line:
    """The restored line: ``original`` only when the text changed, ``conf`` whenever it was read.

    ``conf`` is the least confident token's, so a reviewer sorting by it meets the doubtful
    words first, also on lines the model left as they were.
    """
    confs = [t.conf for t in row if t.restorable and (kind != "pass" or t.out)]
    update: dict = {}
    if confs:
        update["conf"] = round(min(confs), 4)
    if restored != line.text:
        update.update(text=restored, original=line.original or line.text)
        update.setdefault("conf", 1.0)
    return line.model_copy(update=update, deep=True)
