"""Run once at start-up: is tesseract installed, with the language data we need."""

from __future__ import annotations

from functools import lru_cache

from extractor.errors import EngineMissingError
from extractor.ocr import exec as engine
from extractor.ocr.tesseract import BINARY

# Language code → the Debian package that ships its traineddata.
_PACKAGES = {"vie": "tesseract-ocr-vie", "eng": "tesseract-ocr-eng",
             "Vietnamese": "tesseract-ocr-script-viet", "Latin": "tesseract-ocr-script-latn"}


@lru_cache(maxsize=8)
def check(lang: str) -> str:
    """Return tesseract's version line; raise EngineMissingError with an install hint."""
    version = engine.run([BINARY, "--version"], timeout=30).stdout.decode("utf-8", "replace")
    listed = engine.run([BINARY, "--list-langs"], timeout=30).stdout.decode("utf-8", "replace")
    have = {ln.strip() for ln in listed.splitlines()[1:]}
    for code in lang.split("+"):
        if code not in have:
            package = _PACKAGES.get(code, f"tesseract-ocr-{code.lower()}")
            raise EngineMissingError(
                f"tesseract has no '{code}' language data; run: apt-get install {package}")
    return version.splitlines()[0] if version else "tesseract"
