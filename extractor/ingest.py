"""Open a file, sniff its real type, hash it and turn it into pages of text.

PDF pages keep a good text layer (pypdfium2, grouped as pdfplumber groups words; see
:mod:`extractor.textlayer`) and are rasterised one at a time (pypdfium2) for OCR where the
layer is missing or garbage; images (PNG, JPEG, multi-page TIFF) are OCR'd frame by frame;
plain UTF-8 text is split on form feeds, a .docx on hard page breaks. OCR pages run in a
process pool of ``options.jobs`` workers, each of which opens the file and renders only its
own page, so memory stays flat however long the document is. Whole-file failures raise the
named errors of :mod:`extractor.errors`; a page that fails becomes ``Page(source="failed")``
with an Issue.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree  # noqa: S405 - a docx's own XML; no DTDs or entities expanded

from extractor.errors import (
    CorruptFileError,
    EmptyFileError,
    EngineMissingError,
    InputFileError,
    KehoachError,
    UnsupportedTypeError,
)
from extractor.ocr import probe
from extractor.ocr.preprocess import prepare
from extractor.ocr.sources import ImageSource, PdfSource
from extractor.ocr.tesseract import OcrConfig, ocr_image
from extractor.options import Options
from extractor.quality import assess
from extractor.vietnamese import nfc
from schemas.document import DocumentText, Issue, Line, Page, PageQuality

log = logging.getLogger(__name__)


def ingest(path: Path, options: Options) -> DocumentText:
    """File → :class:`DocumentText`, one :class:`Page` per page, in page order."""
    path = Path(path)
    digest, size = _sha256(path)
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes); check the upload or copy it again",
                             path=str(path))
    kind = sniff(path)
    issues = _extension_issues(path, kind)
    if kind == "text":
        pages = text_pages(path)
        return DocumentText(path=str(path), sha256=digest, mime="text/plain", pages=pages, issues=issues)
    if kind == "docx":
        return DocumentText(path=str(path), sha256=digest, mime=DOCX_MIME, pages=docx_pages(path),
                            issues=issues)
    if kind == "pdf":
        source: PdfSource | ImageSource = PdfSource.open(path, options)
    elif kind in ("png", "jpeg", "tiff"):
        source = ImageSource.open(path, kind, options)
    else:
        raise UnsupportedTypeError(
            f"this is not a PDF, image or UTF-8 text file (looks like: {kind}); "
            "save it as PDF and try again", path=str(path))
    pages = _read_pages(source, options)
    return DocumentText(path=str(path), sha256=digest, mime=source.mime, pages=pages, issues=issues)


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    except FileNotFoundError as exc:
        raise InputFileError("no such file; check the path", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputFileError("this is a folder, not a file", path=str(path)) from exc
    except OSError as exc:
        raise InputFileError(f"cannot read the file ({exc.strerror})", path=str(path)) from exc
    return digest.hexdigest(), size


_EXTENSIONS = {"docx": {".docx"}, "pdf": {".pdf"}, "png": {".png"}, "jpeg": {".jpg", ".jpeg"},
               "tiff": {".tif", ".tiff"}, "text": {".txt", ".text", ".md", ""}}


def _extension_issues(path: Path, kind: str) -> list[Issue]:
    suffix = path.suffix.lower()
    if kind not in _EXTENSIONS or suffix in _EXTENSIONS[kind]:
        return []
    return [Issue(stage="ingest", kind="wrong_extension", severity="info",
                  message=f"tên tệp có đuôi {suffix} nhưng nội dung là {kind}; đã đọc như tệp {kind}")]


_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"),
          (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"PK\x03\x04", "zip"), (b"GIF8", "gif"),
          (b"\xd0\xcf\x11\xe0", "ole (old Word/Excel)"), (b"{\\rtf", "rtf"))


def sniff(path: Path) -> str:
    """The real type from the first bytes, whatever the name says."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    # PDF readers accept a header anywhere in the first 1 KB (some scanners prepend junk).
    if b"%PDF-" in head:
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return "docx" if kind == "zip" and _is_docx(path) else kind
    return "text" if _is_text(path) else "unknown binary"


def _is_text(path: Path, limit: int = 50_000_000) -> bool:
    if path.stat().st_size > limit:
        return False
    data = path.read_bytes()
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_pages(path: Path) -> list[Page]:
    """A Word file: one Line per paragraph (table cells included), pages split at hard page breaks."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise CorruptFileError("the Word file is damaged; open and save it again, or save it as PDF",
                               path=str(path)) from exc
    chunks: list[list[str]] = [[]]
    for paragraph in root.iter(f"{_W}p"):
        if paragraph.find(f"{_W}pPr/{_W}pageBreakBefore") is not None and chunks[-1]:
            chunks.append([])
        text: list[str] = []
        broke = False
        for node in paragraph.iter():
            if node.tag == f"{_W}t":
                text.append(node.text or "")
            elif node.tag == f"{_W}tab":
                text.append("\t")
            elif node.tag == f"{_W}br" and node.get(f"{_W}type") == "page":
                if text:  # a break-only paragraph adds no blank lines around the break
                    chunks[-1].append("".join(text))
                chunks.append([])
                text, broke = [], True
        if text or not broke:
            chunks[-1].append("".join(text))
    return [_plain_page(number, "\n".join(lines)) for number, lines in enumerate(chunks, start=1)]


def _plain_page(number: int, chunk: str) -> Page:
    lines = [Line(text=nfc(line)) for line in chunk.split("\n")]
    quality, issues = assess(chunk, source="text", has_image=False, options=Options(), page=number)
    return Page(number=number, unit="none", source="text", quality=quality, lines=lines, issues=issues)


def text_pages(path: Path) -> list[Page]:
    """Plain UTF-8 text: pages split on form feeds, one Line per text line."""
    text = path.read_bytes().decode("utf-8-sig")
    if text.endswith("\n"):
        text = text[:-1]
    return [_plain_page(number, chunk) for number, chunk in enumerate(text.split("\f"), start=1)]


@dataclass(frozen=True)
class OcrTask:
    """Everything a worker process needs to OCR one page on its own (picklable)."""

    source: PdfSource | ImageSource
    index: int
    quality: PageQuality | None
    config: OcrConfig


def _read_pages(source: PdfSource | ImageSource, options: Options) -> list[Page]:
    config = OcrConfig(lang=options.lang, timeout=options.page_timeout)
    done: dict[int, Page] = {}
    tasks: list[OcrTask] = []
    for index, page, quality in source.layer_pages(options):
        if page is not None:
            done[index] = page
        else:
            tasks.append(OcrTask(source, index, quality, config))
    if tasks:
        probe.check(options.lang)
    # The pool forks before the progress bar starts its refresh thread (fork + threads is unsafe).
    with _pool(options.jobs, len(tasks)) as pool, \
            _progress(options, len(done) + len(tasks), len(done)) as advance:
        # chunksize 1: pages differ a lot in cost, and results stream back in order.
        pages = pool.map(ocr_page, tasks, chunksize=1) if pool else map(ocr_page, tasks)
        for page in pages:
            done[page.number - 1] = page
            advance()
    return [done[i] for i in sorted(done)]


def _pool(jobs: int, tasks: int) -> ProcessPoolExecutor | nullcontext:
    if jobs <= 1 or tasks <= 1:
        return nullcontext()
    return ProcessPoolExecutor(max_workers=min(jobs, tasks))


def ocr_page(task: OcrTask) -> Page:
    """Render, prepare and OCR one page; a failure becomes a failed Page with an Issue."""
    number = task.index + 1
    try:
        image, dpi = task.source.render(task.index)
        image, dpi = prepare(image, dpi)
        lines = ocr_image(image, dpi, task.config, what=f" on page {number}")
    except EngineMissingError:
        raise
    except KehoachError as exc:
        return _failed(number, task.quality, exc.code, exc.message)
    except Exception as exc:  # a bad page must not lose the document (issue 2)
        log.exception("page %d failed", number)
        return _failed(number, task.quality, "E999", f"{exc.__class__.__name__}: {exc}")
    quality = task.quality or _ocr_quality(lines, number)
    page = Page(number=number, width=image.width, height=image.height, unit="px", dpi=dpi,
                source="ocr", quality=quality, lines=lines)
    if not lines:
        page.issues.append(Issue(stage="ocr", kind="empty_page", page=number, severity="info",
                                 message="không tìm thấy chữ trên trang này"))
    return page


def _ocr_quality(lines: list[Line], number: int) -> PageQuality:
    quality, _ = assess("\n".join(line.text for line in lines), source="image", has_image=True,
                        options=Options(), page=number)
    return quality.model_copy(update={"decision": "ocr", "reason": "image without text layer"})


def _failed(number: int, quality: PageQuality | None, code: str, message: str) -> Page:
    issue = Issue(stage="ocr", kind=code, page=number, severity="error",
                  message=f"{message}; các trang khác vẫn được đọc - hãy quét lại trang này "
                          "hoặc kiểm tra bằng tay")
    return Page(number=number, source="failed", quality=quality, issues=[issue])


class _progress:
    """A rich progress bar on stderr when asked for; a no-op otherwise."""

    def __init__(self, options: Options, total: int, completed: int):
        self.enabled = options.progress and total > 1
        self.total, self.completed = total, completed

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("OCR", total=self.total, completed=self.completed)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()
