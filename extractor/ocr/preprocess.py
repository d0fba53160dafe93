"""Page-image preparation before tesseract; each step kept only where it measured better.

Binarisation is left to tesseract itself (Sauvola, ``thresholding_method=2``, see
:mod:`extractor.ocr.tesseract`). CER of single pages, ``vie``, junk-word filter on
(``nice .venv/bin/python benchmarks/bench_ocr.py --only prep --langs vie``,
2026-11-22; scans decoded at their own dpi, 300 or 200 for the photocopies):

==================================  ======  =========  =========  =========  =========
steps                               mild    heavy 004  heavy 001  harsh 004  harsh 001
==================================  ======  =========  =========  =========  =========
grayscale only                      0.08 %  4.00 %     7.85 %     8.09 %     8.72 %
+ despeckle                         0.08 %  0.17 %     0.37 %     7.39 %     8.21 %
+ despeckle + median                0.00 %  0.29 %     0.55 %     4.83 %     2.86 %
+ despeckle + median + deskew       0.08 %  0.25 %     0.46 %     1.73 %     2.12 %
  ... + upscale 200 -> 300 dpi      0.08 %  0.25 %     0.46 %     4.42 %     6.09 %
==================================  ======  =========  =========  =========  =========

So despeckle, median and deskew are on for noisy pages; upscaling is off: tesseract
given ``--dpi 200`` reads a 200 dpi photocopy better than a resampled one. Also
tried and dropped: illumination flattening (harsh 7.7-10.8 % against 5.9-6.9 %),
a global contrast stretch (worse on every page), Sauvola k 0.1-0.6 and window 0.5
(default k 0.34 best overall).

Adaptive (issue 2, pipeline overhead): the steps only pay on noisy pages, and on a
clean one they cost twice: ~0.12 s of our CPU, and tesseract reads a deskewed
(interpolated) page ~0.15 s slower than the scan itself. So the toner specks of one
band of the page are counted first (~7 ms); measured on the samples, in specks per
megapixel, born-digital pages and mild scans 0-1, heavy scans 220-276, 200 dpi
photocopies 275-356. A page under ``NOISY_SPECKS`` skips median, despeckle and deskew (mild
scans are skewed by at most 0.5 degree, which tesseract absorbs: CER 0.08 % either
way in the table above).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

TARGET_DPI = 300


@dataclass(frozen=True)
class Prep:
    """Which preprocessing steps run."""

    upscale: bool = False  # resize images scanned below 300 dpi to 300 dpi
    denoise: bool = True  # 3x3 median
    despeckle: bool = True  # erase ink blobs smaller than any Vietnamese mark
    deskew: bool = True  # projection-profile search, +-3 degrees in 0.25 degree steps
    adaptive: bool = True  # run median, despeckle and deskew only on pages measured noisy


# Specks per megapixel above which a page counts as noisy (clean/mild <= 1, heavy >= 220).
NOISY_SPECKS = 40.0


DEFAULT = Prep()


def prepare(image: Image.Image, dpi: int, prep: Prep = DEFAULT) -> tuple[Image.Image, int]:
    """Grayscale, then the switched-on steps; returns the image and its new dpi."""
    # One OpenCV thread per process, like tesseract's OMP_THREAD_LIMIT=1: pages run in parallel.
    cv2.setNumThreads(1)
    image = image.convert("L")
    gray = np.asarray(image)
    upscaled = prep.upscale and dpi < TARGET_DPI - 25
    if upscaled:
        gray, dpi = _upscale(gray, dpi)
    if prep.adaptive and speck_density(gray, dpi) < NOISY_SPECKS:
        return (Image.fromarray(gray) if upscaled else image), dpi
    if prep.denoise:
        gray = cv2.medianBlur(gray, 3)
    if prep.despeckle:
        gray = _despeckle(gray, dpi)
    if prep.deskew:
        gray = _deskew(gray)
    return Image.fromarray(gray), dpi


def speck_density(gray: np.ndarray, dpi: int) -> float:
    """Toner specks per megapixel, counted in one band (an eighth of the page, a quarter down)."""
    h = gray.shape[0]
    band = gray[h // 4: h // 4 + max(1, h // 8)]
    ink = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    top, height = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    # Glyphs cut by the band's edges leave small pieces that are not specks.
    inside = (top > 0) & (top + height < band.shape[0])
    small = inside & (stats[:, cv2.CC_STAT_AREA] < 12 * (dpi / TARGET_DPI) ** 2)
    return float(small.sum()) / (band.size / 1e6)


def _upscale(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    # Tesseract's LSTM reads best with x-heights of ~20-30 px: 12 pt text at 200 dpi is too small.
    factor = TARGET_DPI / dpi
    # Bilinear measured best on the 200 dpi photocopies (CER 4.4 vs 4.8 % cubic, 4.9 % Lanczos).
    resized = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
    return resized, TARGET_DPI


def skew_angle(gray: np.ndarray) -> float:
    """Dominant text-line angle in degrees (positive = counter-clockwise), from ink pixels."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    best, best_score = 0.0, -1.0
    h, w = ink.shape
    for angle in np.arange(-3.0, 3.01, 0.25):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _deskew(gray: np.ndarray) -> np.ndarray:
    angle = skew_angle(gray)
    if abs(angle) < 0.2:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def _despeckle(gray: np.ndarray, dpi: int) -> np.ndarray:
    # Toner specks are a few pixels; the smallest Vietnamese marks (dot below ạ, dot of i)
    # are ~25 px at 300 dpi, so only blobs under half that area are erased.
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < 12 * (dpi / TARGET_DPI) ** 2
    small[0] = False  # label 0 is the paper
    if not small.any():
        return gray
    out = gray.copy()
    out[small[labels]] = 255  # a lookup per pixel: far cheaper than np.isin over the labels
    return out
