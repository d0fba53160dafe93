"""Typed records that flow between the stages of kehoach (pydantic v2, strict)."""

from schemas.document import (
    BBox,
    DocumentText,
    Issue,
    Line,
    Page,
    PageQuality,
    Status,
    Word,
)

__all__ = ["BBox", "DocumentText", "Issue", "Line", "Page", "PageQuality", "Status", "Word"]
