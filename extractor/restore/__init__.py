"""Diacritic restoration and OCR post-correction (issue 3).

One model serves three inputs: text typed without marks, text garbled by an OCR engine
without Vietnamese data, and correct Vietnamese (which passes through). Every output line
is the reading of the same input line; tokens keep their original beside the restored
reading, with a confidence and the runners-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from schemas.document import DocumentText

FLAG_BELOW = 0.8

__all__ = ["FLAG_BELOW", "TokenRestoration", "learn", "restore_document", "restore_text", "restore_tokens"]


class TokenRestoration(BaseModel):
    """One whitespace-separated token before and after restoration."""

    model_config = ConfigDict(extra="forbid")

    original: str
    restored: str
    confidence: float = Field(description="Probability 0..1 that the restored reading is right")
    alternatives: list[str] = Field(default_factory=list, description="Runner-up readings, best first")
    flagged: bool = Field(False, description="Confidence below the review threshold")
    line: int = Field(0, description="0-based line number in the input")
    start: int = Field(0, description="Character offset of the token in its line")


def restore_text(text: str, model_dir: str | Path | None = None) -> str:
    """Restored ``text`` with the same lines and whitespace."""
    from extractor.restore import engine, model

    lines, _, _ = engine.restore_lines(model.load(model_dir), text.split("\n"))
    return "\n".join(lines)


def restore_tokens(text: str, model_dir: str | Path | None = None,
                   threshold: float = FLAG_BELOW) -> list[TokenRestoration]:
    """Per-token readings with confidence and alternatives; low-confidence ones flagged."""
    from extractor.restore import engine, model

    _, rows, _ = engine.restore_lines(model.load(model_dir), text.split("\n"), with_conf=True)
    return [
        TokenRestoration(original=t.original, restored=t.restored, confidence=round(t.conf, 4),
                         alternatives=[a for a in t.alts if a != (t.out or t.core)],
                         flagged=t.conf < threshold, line=t.line, start=t.start)
        for row in rows for t in row
    ]


def restore_document(doc: DocumentText, model_dir: str | Path | None = None) -> DocumentText:
    """A copy of ``doc`` with garbled, unaccented and OCR pages restored line by line."""
    from extractor.restore.document import restore_document as run

    return run(doc, model_dir)


def learn(pairs: Iterable[tuple[str, str]], model_dir: str | Path | None = None) -> int:
    """Learn from reviewer corrections ``(original, corrected)`` line pairs; returns tokens learnt.

    Counts go to an overlay in ``model_dir`` (default: ``$KEHOACH_DATA_DIR/restore`` or
    ``~/.local/share/kehoach/restore``) that every later restoration reads.
    """
    from extractor.restore.learn import learn as run

    return run(pairs, model_dir)
