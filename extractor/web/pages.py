"""Page images for the review screen, rendered once from the original and cached.

Box percentages: provenance boxes are in PDF points for text layers and in pixels of the
OCR rasterisation (``Options.dpi``, 300 by default) for scans; a box wider than the page in
points is taken to be in OCR pixels.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from extractor.fsutil import atomic_write_bytes
from extractor.ocr import sources
from extractor.store.originals import original_path

RENDER_SCALE = 1.5  # 108 dpi: legible on a laptop screen, ~150 KB a page
OCR_DPI = 300


@lru_cache(maxsize=256)
def page_sizes(path: str, mime: str) -> tuple[tuple[float, float], ...]:
    """(width, height) of every page: points for PDFs, pixels for images."""
    if mime == "application/pdf":
        import pypdfium2 as pdfium

        with sources.PDFIUM_LOCK:  # pdfium is not thread-safe; one lock with ingest
            pdf = pdfium.PdfDocument(path)
            try:
                return tuple(tuple(pdf[i].get_size()) for i in range(len(pdf)))  # type: ignore[misc]
            finally:
                pdf.close()
    from PIL import Image, ImageSequence

    with Image.open(path) as img:
        return tuple(frame.size for frame in ImageSequence.Iterator(img))


def sizes_for(originals_dir: Path, sha256: str, mime: str) -> tuple[tuple[float, float], ...]:
    """Page sizes of a stored original (empty when it cannot be opened)."""
    try:
        return page_sizes(str(original_path(originals_dir, sha256)), mime)
    except Exception:  # a broken original still gets a review page, just without images
        return ()


def render_page(originals_dir: Path, cache_dir: Path, sha256: str, mime: str, number: int) -> Path | None:
    """The PNG of page ``number`` (1-based), rendered on first request; None past the end."""
    sizes = sizes_for(originals_dir, sha256, mime)
    if not 1 <= number <= len(sizes):
        return None
    out = cache_dir / sha256[:2] / sha256[2:] / f"page-{number}.png"
    if out.exists():
        return out
    src = original_path(originals_dir, sha256)
    import io

    buf = io.BytesIO()
    if mime == "application/pdf":
        import pypdfium2 as pdfium

        with sources.PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(src))
            try:
                image = pdf[number - 1].render(scale=RENDER_SCALE).to_pil()
            finally:
                pdf.close()
    else:
        from PIL import Image

        with Image.open(src) as img:
            img.seek(number - 1)
            image = img.convert("RGB")
            image.thumbnail((1600, 1600))
    image.save(buf, format="PNG", optimize=False)
    atomic_write_bytes(out, buf.getvalue())
    return out


def box_percent(prov: dict[str, Any] | None, sizes: tuple[tuple[float, float], ...]) -> str | None:
    """``"left,top,width,height"`` in percent of the page for a provenance bbox, else None."""
    if not prov or not isinstance(prov.get("page"), int) or not prov.get("bbox"):
        return None
    page, box = prov["page"], prov["bbox"]
    if not 1 <= page <= len(sizes):
        return None
    try:
        x0, y0, x1, y1 = (float(box[k]) for k in ("x0", "y0", "x1", "y1"))
    except (KeyError, TypeError, ValueError):
        return None
    width, height = sizes[page - 1]
    if x1 > width * 1.05 or y1 > height * 1.05:
        scale = 72.0 / OCR_DPI
        x0, y0, x1, y1 = x0 * scale, y0 * scale, x1 * scale, y1 * scale
    parts = (x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height)
    return ",".join(f"{max(0.0, min(100.0, 100 * p)):.2f}" for p in parts)
