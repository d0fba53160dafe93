"""The page model: what ingest/OCR produce and every later stage cites.

Coordinates are in the page's own units (``Page.unit``): PDF points for text
layers, pixels of the rasterised image for OCR. Origin top-left, y grows down.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BBox(_Strict):
    """An axis-aligned box, top-left origin."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def union(cls, boxes: list[BBox]) -> BBox | None:
        """The smallest box holding all ``boxes`` (None for none)."""
        if not boxes:
            return None
        return cls(
            x0=min(b.x0 for b in boxes),
            y0=min(b.y0 for b in boxes),
            x1=max(b.x1 for b in boxes),
            y1=max(b.y1 for b in boxes),
        )


class Word(_Strict):
    """One word as the engine read it."""

    text: str
    bbox: BBox | None = None
    conf: float | None = Field(None, description="Engine confidence 0..1 (None for plain text)")


class Line(_Strict):
    """One line of text; ``text`` is the reading later stages use."""

    text: str
    words: list[Word] = Field(default_factory=list)
    bbox: BBox | None = None
    original: str | None = Field(
        None, description="The unrestored reading when restoration changed this line"
    )
    conf: float | None = Field(None, description="Restoration confidence 0..1 when restored")


class Issue(_Strict):
    """A problem recorded on a result instead of raised (STYLE.md: per-page problems)."""

    stage: str
    kind: str
    message: str
    page: int | None = None
    severity: Literal["info", "warning", "error"] = "warning"


class PageQuality(_Strict):
    """How Vietnamese a page's text layer looks, and what we decided to do with it."""

    score: float = Field(description="Share of letter tokens that are valid accented Vietnamese 0..1")
    accented_share: float = Field(0.0, description="Share of tokens carrying a Vietnamese mark")
    verdict: Literal["good", "unaccented", "garbage", "empty"]
    decision: Literal["text_layer", "ocr", "restore", "none"]
    reason: str = ""


class Page(_Strict):
    """One page: its lines and where they came from."""

    number: int = Field(ge=1)
    width: float | None = None
    height: float | None = None
    unit: Literal["pt", "px", "none"] = "none"
    dpi: float | None = None
    source: Literal["text", "text_layer", "ocr", "failed"] = "text"
    quality: PageQuality | None = None
    lines: list[Line] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)

    @property
    def text(self) -> str:
        """The page text, one line per ``Line``."""
        return "\n".join(line.text for line in self.lines)


class Status(StrEnum):
    """Outcome of processing one document; never success while issues exist."""

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


class DocumentText(_Strict):
    """A whole ingested document: its identity, pages and problems."""

    schema_version: str = SCHEMA_VERSION
    path: str
    sha256: str
    mime: str
    pages: list[Page] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)

    @property
    def status(self) -> Status:
        """``failure`` with no usable page, ``partial`` when any issue is an error."""
        if not self.pages or all(p.source == "failed" for p in self.pages):
            return Status.FAILURE
        problems = [i for i in self.all_issues() if i.severity != "info"]
        return Status.PARTIAL if problems else Status.SUCCESS

    def all_issues(self) -> list[Issue]:
        """Document-level and page-level issues together."""
        return [*self.issues, *(i for p in self.pages for i in p.issues)]

    @property
    def text(self) -> str:
        """All pages, separated by form feeds."""
        return "\f".join(p.text for p in self.pages)
