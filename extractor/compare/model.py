"""The report's plain data: cells that keep their source links, tables, provinces, the report.

Plans are grouped by province (a Kế hoạch and its Phụ lục of one province share a column).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from extractor.compare.align import PlanAlignment
from extractor.compare.reference import Reference
from schemas.plan import Plan, Provenance, Task


@dataclass(frozen=True)
class SourceRef:
    """Where a value was read: the source document, page and line span."""

    source: str
    page: int
    line_start: int
    line_end: int
    href: str | None = None
    original: str | None = None

    @property
    def label(self) -> str:
        """The link text, e.g. "tr. 1, d. 107–110" (trang, dòng)."""
        lines = (
            str(self.line_start) if self.line_start == self.line_end else f"{self.line_start}–{self.line_end}"
        )
        return f"tr. {self.page}, d. {lines}"


@dataclass(frozen=True)
class Cell:
    """One table cell: display text, optional parts (composite cells), links, a flag."""

    text: str = ""
    refs: tuple[SourceRef, ...] = ()
    flag: str | None = None  # present | absent | deviation | missing | extra
    parts: tuple[str, ...] = ()
    value: float | None = None


@dataclass(frozen=True)
class Column:
    """A column; a composite one spreads over one flat column per part in CSV/XLSX."""

    name: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A titled table (Vietnamese heading) with a file-safe key for its CSV and sheet."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class PlanInput:
    """One plan record and where it came from."""

    plan: Plan
    path: Path  # the input given: a source document or a record JSON
    source_path: Path | None = None  # the source document, when it can be found


@dataclass(frozen=True)
class Province:
    """A report column: one province and the documents of it that were compared."""

    name: str
    inputs: tuple[PlanInput, ...]
    alignments: tuple[PlanAlignment, ...]

    def doc_label(self, i: int) -> str:
        """Short label of document ``i`` ("KH 166/KH-UBND", "PL 242/KH-UBND") when a province has several."""
        doc = self.inputs[i].plan.document
        kind = "PL" if (doc.doc_type or "").startswith("Phụ lục") else "KH"
        return f"{kind} {doc.number or self.inputs[i].plan.source}"


@dataclass(frozen=True)
class Report:
    """The whole comparison: columns, tables, chart data and the alignments behind them."""

    programme: Reference
    provinces: tuple[Province, ...]
    tables: tuple[Table, ...]
    heatmap: tuple[tuple[str, tuple[int, ...]], ...]  # ref id → number of plan tasks per province
    timeline: tuple[dict, ...]  # per indicator: national and provincial (year, value) points
    files: dict[str, Path] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        """The table with ``key``."""
        return next(t for t in self.tables if t.key == key)


def source_ref(inp: PlanInput, prov: Provenance | None, out_dir: Path | None) -> tuple[SourceRef, ...]:
    """The link of one provenance item (none when the record carries no provenance)."""
    if prov is None:
        return ()
    href = None
    if inp.source_path is not None:
        target = (
            os.path.relpath(inp.source_path.resolve(), out_dir.resolve())
            if out_dir
            else inp.source_path.as_posix()
        )
        href = f"{quote(Path(target).as_posix())}#page={prov.page}"
    return (SourceRef(inp.plan.source, prov.page, prov.line_start, prov.line_end, href, prov.original),)


def unique(items: Sequence[str]) -> list[str]:
    """Non-empty items, each once, in order."""
    return list(dict.fromkeys(i for i in items if i))


def task_label(province: Province, i: int, task: Task) -> str:
    """A task's number, prefixed by its document when the province has several ("PL ... #3")."""
    return f"{province.doc_label(i)} #{task.number}" if len(province.inputs) > 1 else task.number


def fmt(value: float, unit: str | None) -> str:
    """Vietnamese number format: 10.580 and 2,5."""
    num = (
        f"{value:,.0f}".replace(",", ".")
        if float(value).is_integer()
        else f"{value:,.2f}".rstrip("0").replace(",", " ").replace(".", ",").replace(" ", ".")
    )
    return f"{num} {unit}" if unit else num
