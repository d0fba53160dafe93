"""Tesseract's arguments in, its TSV out as :class:`~schemas.document.Line` objects.

Runs through :mod:`extractor.ocr.exec` (the one subprocess seam) rather than
pytesseract's own ``subprocess`` call, so fault injection and timeouts cover
every engine call. The image goes in as a temporary uncompressed TIFF (stdin stays
closed) and TSV comes back on stdout: as quick to write as PNM (~5 ms a 300 dpi A4
page) and read by tesseract ~0.1 s faster (1.66 against 1.77 s CPU on a mild 004
page; leptonica's PNM reader is slow), where PNG costs ~80 ms to write.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from extractor.ocr import exec as engine
from extractor.textlayer import COLUMN_GAP
from extractor.vietnamese import nfc
from schemas.document import BBox, Line, Word

BINARY = "tesseract"


@dataclass(frozen=True)
class OcrConfig:
    """How tesseract is asked to read one page."""

    lang: str = "Vietnamese"
    psm: int = 3
    # Sauvola local thresholding (tesseract >= 5.0): measured on the heavy-noise
    # samples to cut CER from ~18 % to < 1 % against the default Otsu (issue 2).
    thresholding: int = 2
    timeout: float = 120.0
    # Speck "words" (see _junk); measured on heavy 004 page 1: CER 7.47 % -> 4.05 % before despeckle.
    drop_junk: bool = True


def build_args(image: Path, dpi: int, config: OcrConfig) -> list[str]:
    """The tesseract argv for one page image; TSV on stdout."""
    return [BINARY, str(image), "stdout", "-l", config.lang, "--psm", str(config.psm),
            "--dpi", str(dpi), "-c", f"thresholding_method={config.thresholding}", "tsv"]


def ocr_image(image: Image.Image, dpi: int, config: OcrConfig, *, what: str = "") -> list[Line]:
    """OCR one page image into lines of words (bbox in pixels, conf 0..1)."""
    with tempfile.TemporaryDirectory(prefix="kehoach-ocr-") as tmp:
        path = Path(tmp) / "page.tif"
        image.save(path, compression=None)
        done = engine.run(build_args(path, dpi, config), timeout=config.timeout, what=what)
    return parse_tsv(done.stdout.decode("utf-8", errors="replace"), config, dpi=dpi)


# Characters a Vietnamese administrative text does not print but specks read as.
_JUNK_CHARS = set("_|`ˆ¬~¦°˜")


def _junk(text: str, conf: float) -> bool:
    """A "word" with no letter or digit that is unsure or made of speck characters."""
    if any(c.isalnum() for c in text):
        return False
    return conf < 0.5 or any(c in _JUNK_CHARS for c in text)


def parse_tsv(tsv: str, config: OcrConfig | None = None, *, dpi: int = 300) -> list[Line]:
    """Tesseract TSV (level 5 rows = words) grouped into lines, in reading order.

    A tesseract line is split where words lie more than :data:`textlayer.COLUMN_GAP`
    apart, as text-layer lines are: tesseract often reads the two header columns
    (issuing body | quốc hiệu), the Nơi nhận | signature block and table cells of a
    scan as one line, which hid "Số: .../KH-UBND" and the task table of the mild
    scans of 001 and 000 from the field extractors.
    """
    config = config or OcrConfig()
    groups: dict[tuple[int, int, int, int], list[Word]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = nfc(cols[11].strip())
        if not text:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        conf = max(0.0, min(1.0, float(cols[10]) / 100.0))
        if config.drop_junk and _junk(text, conf):
            continue
        key = (int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4]))
        groups.setdefault(key, []).append(
            Word(text=text, bbox=BBox(x0=left, y0=top, x1=left + width, y1=top + height), conf=conf))
    gap = COLUMN_GAP * dpi / 72
    return [_line(piece) for words in groups.values() for piece in _columns(words, gap)]


def _columns(words: list[Word], gap: float) -> list[list[Word]]:
    pieces: list[list[Word]] = []
    previous = None
    for word in words:
        if previous is None or word.bbox.x0 - previous.bbox.x1 > gap:  # type: ignore[union-attr]
            pieces.append([])
        pieces[-1].append(word)
        previous = word
    return pieces


# A section number in bold serif capitals ("III. NHIỆM VỤ, GIẢI PHÁP"): two I's whose
# serifs touch read as H, so tesseract gives HI., IH., IHI. (001's mild scan, page 3),
# and the task list under that heading was lost.
_ROMAN_H = re.compile(r"[IlH|]*H[IlH|]*\.")


def _roman_heading(words: list[Word]) -> list[Word]:
    if len(words) < 2 or not _ROMAN_H.fullmatch(words[0].text) or not words[1].text.isupper():
        return words
    strokes = sum(2 if c == "H" else 1 for c in words[0].text[:-1])
    fixed = words[0].model_copy(update={"text": "I" * min(strokes, 3) + "."})
    return [fixed, *words[1:]]


def _line(words: list[Word]) -> Line:
    # Line.conf is the restoration confidence (schema); OCR confidence stays on the words.
    words = _roman_heading(words)
    bbox = BBox.union([w.bbox for w in words if w.bbox is not None])
    return Line(text=" ".join(w.text for w in words), words=words, bbox=bbox)
