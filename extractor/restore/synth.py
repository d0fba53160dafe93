"""Realistic OCR-garbled/clean token pairs: render clean Vietnamese, read it with ``tesseract -l eng``.

The garbled layers of the seeds (``ctia`` for ``của``, ``t6 chirc`` for ``tổ chức``) are what
tesseract's English model makes of a Vietnamese page, so rendering any clean text and
reading it back with that model teaches the channel from text we are free to use. Used
only by scripts/build_restore_model.py; the expensive OCR runs are cached by content hash.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FONTS = ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
         "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")
# (font index, pixel size, scale, ink spread, binarisation threshold): a spread of scan
# qualities. The coarse, thresholded ones are what turn ``văn`` into ``vin`` and ``cấp`` into
# ``cip`` as in the seeds' scans; the clean ones give ``s6`` and ``x4``.
_STYLES = ((0, 44, 1.0, 0, 0), (0, 40, 0.45, 0, 110), (0, 40, 0.35, 0, 140), (0, 40, 0.5, 3, 0),
           (0, 48, 1.0, 3, 0), (0, 40, 0.5, 0, 160), (1, 36, 0.5, 0, 0), (0, 40, 0.4, 3, 180))
LINES_PER_PAGE = 36


def pages_of(text: str, width: int = 78) -> list[list[str]]:
    """Wrap clean text into page-sized lists of printed lines."""
    lines = [w for para in text.split("\n") if para.strip()
             for w in textwrap.wrap(" ".join(para.split()), width)]
    return [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]


def _render(lines: list[str], style: tuple[int, int, float, int, int], path: Path) -> list[tuple[int, int]]:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font_i, size, scale, spread, threshold = style
    font = ImageFont.truetype(FONTS[font_i], size)
    step = int(size * 1.7)
    img = Image.new("L", (int(size * 45), 120 + step * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    bands = []
    for i, line in enumerate(lines):
        y = 60 + i * step
        draw.text((80, y), line, font=font, fill=0)
        bands.append((int((y - step // 4) * scale), int((y + step - step // 4) * scale)))
    if spread:  # heavy toner: marks run into their letters
        img = img.filter(ImageFilter.MinFilter(spread))
    if scale < 1.0:  # a coarse scan
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BILINEAR)
    if threshold:
        img = img.point(lambda p: 255 if p > threshold else 0)
    img.save(path)
    return bands


def _tesseract_tsv(image: Path) -> str:
    from extractor.errors import EngineFailedError
    from extractor.ocr import exec as engine  # the one subprocess seam

    cmd = ["nice", "-n", "10", "tesseract", str(image), "-", "-l", "eng", "--psm", "6", "tsv"]
    try:
        return engine.run(cmd, timeout=120).stdout.decode("utf-8", "replace")
    except EngineFailedError:  # a page tesseract cannot read adds no training pairs
        return ""


def _read_lines(tsv: str, bands: list[tuple[int, int]]) -> list[str]:
    """Assign each OCR word to the printed line whose band holds its vertical centre."""
    words: list[list[tuple[int, str]]] = [[] for _ in bands]
    for row in tsv.split("\n")[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, height = int(cols[6]), int(cols[7]), int(cols[9])
        mid = top + height // 2
        for i, (y0, y1) in enumerate(bands):
            if y0 <= mid < y1:
                words[i].append((left, cols[11]))
                break
    return [" ".join(w for _, w in sorted(ws)) for ws in words]


def ocr_page(lines: list[str], style_i: int, cache: Path) -> list[str]:
    """OCR'd reading of each printed line (cached by the page's content and style)."""
    style = _STYLES[style_i % len(_STYLES)]
    digest = hashlib.sha1(repr((style, lines)).encode()).hexdigest()[:20]
    hit = cache / f"{digest}.txt"
    if hit.exists():
        return hit.read_text(encoding="utf-8").split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        img = Path(tmp) / "page.png"
        bands = _render(lines, style, img)
        out = _read_lines(_tesseract_tsv(img), bands)
    hit.write_text("\n".join(out), encoding="utf-8")
    return out


def ocr_pairs(texts: list[str], cache: Path, jobs: int = 2, styles: int = 2) -> Iterator[tuple[str, str]]:
    """(garbled line, clean line) for every printed line of ``texts``, each page in ``styles`` scans."""
    cache.mkdir(parents=True, exist_ok=True)
    # Styles are a function of the page, so leaving a text out never re-OCRs the others.
    work = [(page, style) for text in texts for page in pages_of(text)
            for style in random.Random("\n".join(page)).sample(range(len(_STYLES)), styles)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda w: ocr_page(w[0], w[1], cache), work)
        for (page, _), read in zip(work, results, strict=False):
            yield from zip(read, page, strict=False)
