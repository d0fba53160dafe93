"""Page-image preparation before tesseract; each step kept only where it measured better.

Binarisation is left to tesseract itself (Sauvola, ``thresholding_method=2``, see
:mod:`extractor.ocr.tesseract`). The optional steps below are switched by
:class:`Prep`; ``benchmarks/bench_ocr.py --prep`` compares them on the samples
and the defaults follow those numbers (see the docstring of :data:`DEFAULT`).
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

    upscale: bool = True  # images scanned below 300 dpi are resized to 300 dpi
    deskew: bool = False
    denoise: bool = False


DEFAULT = Prep()


def prepare(image: Image.Image, dpi: int, prep: Prep = DEFAULT) -> tuple[Image.Image, int]:
    """Grayscale, then the switched-on steps; returns the image and its new dpi."""
    gray = np.asarray(image.convert("L"))
    if prep.upscale and dpi < TARGET_DPI - 25:
        gray, dpi = _upscale(gray, dpi)
    if prep.denoise:
        gray = cv2.medianBlur(gray, 3)
    if prep.deskew:
        gray = _deskew(gray)
    return Image.fromarray(gray), dpi


def _upscale(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    # Tesseract's LSTM reads best with x-heights of ~20-30 px: 12 pt text at 200 dpi is too small.
    factor = TARGET_DPI / dpi
    resized = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
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
