"""Options are one validated, frozen object passed explicitly to every stage."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field


def _default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


class Options(BaseModel):
    """What the user asked for on one run (CLI flags, web upload settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    force_ocr: bool = Field(False, description="OCR every page even where a good text layer exists")
    no_ocr: bool = Field(False, description="Never run OCR; use text layers only")
    restore: bool = Field(True, description="Restore diacritics on garbage/unaccented/OCR text")
    jobs: int = Field(default_factory=_default_jobs, ge=1, description="Pages OCR'd in parallel")
    password: str | None = Field(None, description="Password for encrypted PDFs")
    # The script model beat `vie` on every scan kind (benchmarks/bench_ocr.py --only cer).
    lang: str = Field("Vietnamese", description="Tesseract language(s): 'Vietnamese', 'vie', 'vie+eng'")
    dpi: int = Field(300, ge=72, le=600, description="Rasterisation resolution for OCR")
    page_timeout: float = Field(120.0, gt=0, description="Seconds tesseract may spend on one page")
    max_pixels: int = Field(200_000_000, description="Largest image accepted (decompression bombs)")
    progress: bool = Field(False, description="Show a progress bar on stderr")
