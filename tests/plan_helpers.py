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


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_from_rows(path: Path, pages: list[list[tuple[float, float, str]]], size: float = 12) -> Path:
    """A born-digital PDF with a text layer and no blank lines: rows of (x, y from top, text).

    A negative x centres the text on the page.

    Several texts on one y are side-by-side columns (the header block); paragraph breaks are
    only the vertical spacing, as in LibreOffice/Word exports.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for rows in pages:
        pdf.setFont("DejaVu", size)
        for x, y, text in rows:
            if x < 0:  # centred (headings, the trích yếu)
                pdf.drawCentredString(A4[0] / 2, A4[1] - y, text)
            else:
                pdf.drawString(x, A4[1] - y, text)
        pdf.showPage()
    pdf.save()
    return path


def flow(paragraphs: list[tuple[str, float, int]], top: float = 60, leading: float = 15,
         gap: float = 6, width: int = 80) -> list[tuple[float, float, str]]:
    """Rows of paragraphs wrapped at ``width`` characters: (text, x, first-line indent in points)."""
    import textwrap

    rows: list[tuple[float, float, str]] = []
    y = top
    for text, x, indent in paragraphs:
        for i, piece in enumerate(textwrap.wrap(text, width)):
            rows.append((x + (indent if i == 0 else 0), y, piece))
            y += leading
        y += gap
    return rows
