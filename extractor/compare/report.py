"""The comparison as plain tables: every cell keeps a link back to the source line it came from.

The task coverage matrix, targets against the national ones and the task-by-task alignment
reviewers check live here; budgets, reporting and agencies in ``tables``; the data model in
``model``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.compare.align import TaskAlignment
from extractor.compare.model import (
    Cell,
    Column,
    PlanInput,
    Province,
    Report,
    SourceRef,
    Table,
    fmt,
    source_ref,
    task_label,
    unique,
)
from extractor.compare.reference import Reference
from extractor.compare.tables import agencies_table, budget_table, reporting_table
from extractor.compare.targets import match_indicator
from schemas.plan import Task

__all__ = ["Cell", "Column", "PlanInput", "Province", "Report", "SourceRef", "Table", "build"]


def _matrix_cell(province: Province, ref_id: str, out_dir: Path | None) -> Cell:
    hits: list[tuple[int, Task, TaskAlignment]] = []
    for i, (inp, pa) in enumerate(zip(province.inputs, province.alignments, strict=True)):
        tasks = {t.number: t for t in inp.plan.tasks}
        hits += [(i, tasks[ta.task_number], ta) for ta in pa.by_ref().get(ref_id, [])]
    if not hits:
        return Cell("Không có", flag="absent", parts=("Không", "", "", "", ""), value=0)
    labels = ", ".join(task_label(province, i, t) for i, t, _ in hits)
    lead = "; ".join(unique([a for _, t, _ in hits for a in t.lead]))
    coord = "; ".join(unique([a for _, t, _ in hits for a in t.coordinators]))
    deadline = "; ".join(unique([t.deadline.text for _, t, _ in hits if t.deadline]))
    refs: dict[tuple[str, str], SourceRef] = {}
    for i, t, _ in hits:
        inp = province.inputs[i]
        found = [
            *source_ref(inp, t.provenance.get("title"), out_dir),
            *source_ref(inp, t.provenance.get("lead"), out_dir),
        ]
        if t.deadline:
            found += source_ref(inp, t.deadline.provenance.get("text"), out_dir)
        refs.update(((r.source, r.label), r) for r in found)
    return Cell(
        f"Có ({labels})", tuple(refs.values()), "present", ("Có", labels, lead, coord, deadline), len(hits)
    )


MATRIX_PARTS = ("Có/Không", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn")


def matrix_table(reference: Reference, provinces: Sequence[Province], out_dir: Path | None) -> Table:
    """Reference tasks × provinces: present?, lead, coordinators, deadline."""
    rows = []
    for ref in reference.tasks:
        cells = [Cell(ref.id), Cell(ref.title)]
        cells += [_matrix_cell(p, ref.id, out_dir) for p in provinces]
        rows.append(tuple(cells))
    extra = []
    for p in provinces:
        for i, (inp, pa) in enumerate(zip(p.inputs, p.alignments, strict=True)):
            tasks = {t.number: t for t in inp.plan.tasks}
            extra += [task_label(p, i, tasks[ta.task_number]) for ta in pa.tasks if ta.ref_id is None]
    cols = (
        Column("Mã"),
        Column("Nhiệm vụ của Chương trình"),
        *(Column(p.name, MATRIX_PARTS) for p in provinces),
    )
    note = "Nhiệm vụ của tỉnh không khớp nhiệm vụ nào: " + (", ".join(extra) if extra else "không có") + "."
    return Table("ma_tran_nhiem_vu", "Ma trận nhiệm vụ theo tỉnh", cols, tuple(rows), note)


def alignment_table(provinces: Sequence[Province], out_dir: Path | None) -> Table:
    """Every plan task, the reference task it aligned to, its score and how (tự động / người duyệt)."""
    rows = []
    for p in provinces:
        for i, (inp, pa) in enumerate(zip(p.inputs, p.alignments, strict=True)):
            tasks = {t.number: t for t in inp.plan.tasks}
            for ta in pa.tasks:
                task = tasks[ta.task_number]
                refs = source_ref(inp, task.provenance.get("title"), out_dir)
                rows.append(
                    (
                        Cell(p.name),
                        Cell(task_label(p, i, task)),
                        Cell(task.title, refs),
                        Cell(ta.ref_id or "không", flag=None if ta.ref_id else "extra"),
                        Cell(", ".join(ta.also)),
                        Cell(f"{ta.score:.3f}", value=ta.score),
                        Cell("người duyệt" if ta.method == "override" else "tự động"),
                    )
                )
    cols = tuple(
        Column(n) for n in ("Tỉnh", "Nhiệm vụ", "Nội dung", "Khớp nhiệm vụ", "Gộp thêm", "Điểm", "Cách khớp")
    )
    return Table("doi_chieu_nhiem_vu", "Đối chiếu từng nhiệm vụ", cols, tuple(rows))


def targets_table(
    reference: Reference, provinces: Sequence[Province], out_dir: Path | None
) -> tuple[Table, tuple[dict, ...]]:
    """National targets per indicator and year against each province's, deviations flagged."""
    found: dict[tuple[str, int, str], tuple[float, str | None, tuple[SourceRef, ...]]] = {}
    own: list[tuple[str, int]] = []
    for p in provinces:
        for inp in p.inputs:
            for t in inp.plan.targets:
                name = match_indicator(t.indicator, reference)
                key = name or t.indicator
                if name is None and (key, t.year) not in own:
                    own.append((key, t.year))
                found.setdefault(
                    (key, t.year, p.name),
                    (
                        t.value,
                        t.unit,
                        source_ref(inp, t.provenance.get("value") or t.provenance.get("indicator"), out_dir),
                    ),
                )
    rows = []
    timeline: dict[str, dict] = {}
    keys: list[tuple[str, int, float | None, str | None]] = [
        (t.indicator, t.year, t.value, t.unit) for t in reference.targets
    ]
    keys += [(name, year, None, None) for name, year in own]
    for name, year, national, unit in keys:
        cells = [
            Cell(name),
            Cell(str(year)),
            Cell(fmt(national, unit) if national is not None else "—", value=national),
        ]
        line = timeline.setdefault(name, {"indicator": name, "national": [], "provinces": {}})
        if national is not None:
            line["national"].append((year, national))
        for p in provinces:
            hit = found.get((name, year, p.name))
            if hit is None:
                cells.append(Cell("Không nêu", flag="missing" if national is not None else None))
                continue
            value, punit, refs = hit
            line["provinces"].setdefault(p.name, []).append((year, value))
            flag, text = None, fmt(value, punit)
            if national is None:
                flag = "extra"
            elif abs(value - national) > 1e-9:
                flag = "deviation"
                text += f" ({'+' if value > national else '−'}{fmt(abs(value - national), None)})"
            cells.append(Cell(text, refs, flag, value=value))
        rows.append(tuple(cells))
    cols = (
        Column("Chỉ tiêu"),
        Column("Năm"),
        Column(f"Quốc gia ({reference.decision})"),
        *(Column(p.name) for p in provinces),
    )
    note = (
        "Ô tô đậm: khác chỉ tiêu quốc gia (chênh lệch trong ngoặc); “Không nêu”: tỉnh không đặt chỉ tiêu này."
    )
    return Table("chi_tieu", "Chỉ tiêu so với chỉ tiêu quốc gia", cols, tuple(rows), note), tuple(
        timeline.values()
    )


def build(reference: Reference, provinces: Sequence[Province], out_dir: Path | None = None) -> Report:
    """All tables and chart data of the comparison."""
    matrix = matrix_table(reference, provinces, out_dir)
    targets, timeline = targets_table(reference, provinces, out_dir)
    heat = tuple((row[0].text, tuple(int(c.value or 0) for c in row[2:])) for row in matrix.rows)
    tables = (
        matrix,
        targets,
        budget_table(provinces, out_dir),
        reporting_table(provinces, out_dir),
        agencies_table(provinces, out_dir),
        alignment_table(provinces, out_dir),
    )
    return Report(reference, tuple(provinces), tables, heat, timeline)
