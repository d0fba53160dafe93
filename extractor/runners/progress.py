"""Batch progress on stderr (rich): documents and pages done, failed, left, rate, ETA."""

from __future__ import annotations

import time
from typing import Any


class BatchProgress:
    """Counts always; draws a rich bar only when ``enabled`` (a terminal)."""

    def __init__(self, documents: int, enabled: bool):
        self.documents, self.enabled = documents, enabled
        self.docs_done = self.docs_failed = self.pages_total = self.pages_done = 0
        self.start = time.monotonic()
        self.bar: Any = None

    def __enter__(self) -> BatchProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[extra]}"), console=Console(stderr=True))
            self.bar.start()
            self.doc_task = self.bar.add_task("Văn bản", total=self.documents, extra="")
            self.page_task = self.bar.add_task("Trang", total=None, extra="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def add_pages(self, total: int, done: int) -> None:
        """A document was planned: ``total`` pages, ``done`` of them from the text layer."""
        self.pages_total += total
        self.pages_done += done
        self._draw()

    def page(self) -> None:
        """One OCR page came back."""
        self.pages_done += 1
        self._draw()

    def document(self, ok: bool, name: str = "", message: str = "") -> None:
        """One document finished (or failed, with its reason printed above the bar)."""
        if ok:
            self.docs_done += 1
        else:
            self.docs_failed += 1
            if self.bar is not None:
                self.bar.console.print(f"[red]Lỗi[/red] {name}: {message}")
        self._draw()

    def rate(self) -> float:
        """Pages per minute so far."""
        elapsed = time.monotonic() - self.start
        return 60.0 * self.pages_done / elapsed if elapsed > 0 else 0.0

    def summary(self) -> str:
        """One line: documents done/failed/left, pages, rate and ETA (pages known so far)."""
        left = self.documents - self.docs_done - self.docs_failed
        rate = self.rate()
        eta = (self.pages_total - self.pages_done) / rate * 60 if rate else 0.0
        return (f"xong {self.docs_done}, lỗi {self.docs_failed}, còn {left} văn bản; "
                f"{self.pages_done}/{self.pages_total} trang, {rate:.1f} trang/phút, còn ~{eta:.0f} giây")

    def _draw(self) -> None:
        if self.bar is None:
            return
        self.bar.update(self.doc_task, completed=self.docs_done + self.docs_failed,
                        extra=f"lỗi {self.docs_failed}")
        self.bar.update(self.page_task, total=self.pages_total, completed=self.pages_done,
                        extra=self.summary().split("; ", 1)[1])
