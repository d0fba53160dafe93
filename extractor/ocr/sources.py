"""Page sources: a PDF (text layers and rendering through pypdfium2) or an image file.

A source is a small picklable description (path, password, dpi, limits); every
call opens the file again and touches only one page, so a worker process can
render its own page and nothing holds a whole document in memory.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from extractor import textlayer
from extractor.errors import CorruptFileError, EmptyFileError, EncryptedPdfError, ImageTooLargeError
from extractor.options import Options
from extractor.quality import assess
from schemas.document import Line, Page, PageQuality

log = logging.getLogger(__name__)

LayerPage = tuple[int, Page | None, PageQuality | None]

# pdfium is not thread-safe (no concurrent calls at all, even on different documents),
# and the web app extracts in worker threads: every pdfium call here holds this lock.
# A forked OCR worker gets a fresh one, never a copy held by some other thread.
PDFIUM_LOCK = threading.RLock()


def _fresh_lock() -> None:
    global PDFIUM_LOCK
    PDFIUM_LOCK = threading.RLock()


os.register_at_fork(after_in_child=_fresh_lock)
DEFAULT_IMAGE_DPI = 300  # what scanners default to when an image carries no dpi


@dataclass(frozen=True)
class PdfSource:
    """A PDF file: text layers and page images through pypdfium2 (see :mod:`extractor.textlayer`)."""

    path: Path
    password: str | None
    dpi: int
    max_pixels: int
    page_count: int
    mime: str = "application/pdf"

    @classmethod
    def open(cls, path: Path, options: Options) -> PdfSource:
        """Check the PDF opens (password, corruption, pages) before any page work."""
        import pypdfium2 as pdfium

        try:
            with PDFIUM_LOCK:
                pdf = pdfium.PdfDocument(str(path), password=options.password)
                count = len(pdf)
                pdf.close()
        except pdfium.PdfiumError as exc:
            if _pdf_has_no_pages(path):
                raise EmptyFileError("the PDF has no pages; export or scan it again", path=str(path)) from exc
            raise _open_error(exc, path, options.password) from exc
        if count == 0:
            raise EmptyFileError("the PDF has no pages; export or scan it again", path=str(path))
        return cls(path, options.password, options.dpi, options.max_pixels, count)

    def layer_pages(self, options: Options) -> Iterator[LayerPage]:
        """Each page's text layer, kept as a Page when good, else (index, None, quality).

        One pdfium document serves every page (pages closed as they go: flat memory);
        pdfplumber opens only for a page the fast path cannot place (see textlayer).
        """
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(self.path), password=self.password)
        try:
            for index in range(self.page_count):
                with PDFIUM_LOCK:  # per page, never across a yield
                    page = pdf[index]
                    try:
                        width, height = page.get_size()
                        lines, image = self._read_layer(index, page)
                    finally:
                        page.close()
                yield index, *self._layer_page(index, width, height, lines, image, options)
        finally:
            with PDFIUM_LOCK:
                pdf.close()

    def _layer_page(self, index: int, width: float, height: float, lines: list[Line], image: bool,
                    options: Options) -> tuple[Page | None, PageQuality]:
        text = "\n".join(line.text for line in lines)
        quality, issues = assess(text, source="pdf", has_image=image, options=options, page=index + 1)
        if quality.decision == "ocr":
            return None, quality
        # pdfium's sizes are float32: rounded as pdfplumber printed them (595.2756 x 841.8898).
        page_out = Page(number=index + 1, width=round(width, 4), height=round(height, 4), unit="pt",
                        source="text_layer", quality=quality, lines=lines, issues=issues)
        return page_out, quality

    def _read_layer(self, index: int, page) -> tuple[list[Line], bool]:
        try:
            if textlayer.fast_path_fits(page):
                try:
                    return textlayer.page_lines(page), textlayer.has_image(page)
                except textlayer.NotUpright:
                    pass
            import pdfplumber

            with pdfplumber.open(self.path, password=self.password or "", pages=[index + 1]) as pdf:
                plumber_page = pdf.pages[0]
                return textlayer.plumber_lines(plumber_page), textlayer.plumber_has_image(plumber_page)
        except Exception as exc:
            log.warning("%s page %d: text layer unreadable (%s)", self.path, index + 1, exc)
            return [], True

    def render(self, index: int) -> tuple[Image.Image, int]:
        """One page as a grayscale image: the scan itself when the page is one, else rasterised."""
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(self.path), password=self.password)
            try:
                page = pdf[index]
                found = _scan_image(page, self.max_pixels)
                if found is None:
                    found = self._rasterise(page)
                page.close()
            finally:
                pdf.close()
        return found

    def _rasterise(self, page) -> tuple[Image.Image, int]:
        width, height = page.get_size()
        dpi = self.dpi
        while dpi > 72 and (width * dpi / 72) * (height * dpi / 72) > self.max_pixels:
            dpi = int(dpi * 0.8)
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        return image, dpi


def _scan_image(page, max_pixels: int) -> tuple[Image.Image, int] | None:
    """The page's own scan, decoded at its native resolution, when the page is just that.

    A scanned page is one upright image covering the page, plus at most an invisible
    OCR text layer. Decoding it directly is 3x faster than rasterising the page, and
    keeps a 200 dpi photocopy at 200 dpi so preprocessing upscales it properly.
    """
    import pypdfium2.raw as raw

    if page.get_rotation() % 360:
        return None
    images = []
    for obj in page.get_objects(max_depth=1):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type != raw.FPDF_PAGEOBJ_TEXT or raw.FPDFTextObj_GetTextRenderMode(obj.raw) != 3:
            return None  # visible text or drawings over the scan: rasterise everything
    if len(images) != 1:
        return None
    image = images[0]
    m = image.get_matrix()
    width, height = page.get_size()
    px_w, px_h = image.get_px_size()
    if m.b or m.c or m.a < 0.98 * width or m.d < 0.98 * height or px_w * px_h > max_pixels:
        return None
    dpi = round(px_w / (m.a / 72))
    if not 100 <= dpi <= 600:
        return None
    # The bitmap borrows pdfium's buffer: copy it out (convert) and let it be collected.
    return image.get_bitmap(render=False).to_pil().convert("L"), dpi


def _pdf_has_no_pages(path: Path) -> bool:
    # pdfium refuses a PDF whose page tree is empty as a "format error"; pypdf reads it.
    import pypdf

    try:
        return len(pypdf.PdfReader(path).pages) == 0
    except Exception:
        return False


def _open_error(exc: Exception, path: Path, password: str | None) -> Exception:
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        if password:
            return EncryptedPdfError("the password is wrong for this encrypted PDF; "
                                     "check it and pass it again with --password", path=str(path))
        return EncryptedPdfError("the PDF is encrypted; pass its password with --password",
                                 path=str(path))
    if code == raw.FPDF_ERR_SECURITY:
        return EncryptedPdfError("the PDF uses an unsupported security handler; "
                                 "print it to a new PDF and try again", path=str(path))
    return CorruptFileError("the PDF is damaged or truncated and cannot be opened; "
                            "download or export it again", path=str(path))


@dataclass(frozen=True)
class ImageSource:
    """A PNG, JPEG or (multi-page) TIFF image: one page per frame, always OCR'd."""

    path: Path
    mime: str
    frames: int
    dpi: int

    @classmethod
    def open(cls, path: Path, kind: str, options: Options) -> ImageSource:
        """Read the header only: size (bomb check before decoding), frames, dpi."""
        try:
            with Image.open(path) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                dpi = _image_dpi(image.info.get("dpi"))
        except Image.DecompressionBombError as exc:
            # Pillow refuses before decoding; its message carries the pixel count only.
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)):,} pixels" if found else "over Pillow's limit"
            raise _too_large(path, size) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise CorruptFileError(f"the {kind.upper()} image is damaged and cannot be read ({exc}); "
                                   "scan or export it again", path=str(path)) from exc
        if width * height > options.max_pixels:
            raise _too_large(path, f"{width}×{height} = {width * height:,} pixels")
        return cls(path, f"image/{kind}", frames, dpi)

    def layer_pages(self, options: Options) -> Iterator[LayerPage]:
        """Images have no text layer: every frame is an OCR task."""
        for index in range(self.frames):
            yield index, None, None

    def render(self, index: int) -> tuple[Image.Image, int]:
        """Decode one frame as grayscale, turned upright as the camera's EXIF tag says."""
        from PIL import ImageOps

        with Image.open(self.path) as image:
            image.seek(index)
            return ImageOps.exif_transpose(image).convert("L"), self.dpi


def _image_dpi(value: object) -> int:
    if isinstance(value, tuple) and value and isinstance(value[0], (int, float)) and value[0] >= 72:
        return int(round(value[0]))
    return DEFAULT_IMAGE_DPI


def _too_large(path: Path, size: str) -> ImageTooLargeError:
    return ImageTooLargeError(f"the image is too large to read safely ({size}, a likely decompression "
                              "bomb); "
                              "scan it at 300 dpi or split it into pages", path=str(path))
