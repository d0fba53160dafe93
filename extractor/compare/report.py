"""The comparison as plain tables: every cell keeps a link back to the source line it came from.

Plans are grouped by province (a Kế hoạch and its Phụ lục of one province share a column); the
tables are the task coverage matrix, targets against the national ones, budgets, reporting
deadlines, agencies by province and the task-by-task alignment reviewers check.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.compare.align import PlanAlignment, TaskAlignment, canonical_agency
from extractor.compare.reference import Reference
from extractor.compare.targets import match_indicator
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
        href = f"{Path(target).as_posix()}#page={prov.page}"
    return (SourceRef(inp.plan.source, prov.page, prov.line_start, prov.line_end, href, prov.original),)


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _task_label(province: Province, i: int, task: Task) -> str:
    return f"{province.doc_label(i)} #{task.number}" if len(province.inputs) > 1 else task.number


def _matrix_cell(province: Province, ref_id: str, out_dir: Path | None) -> Cell:
    hits: list[tuple[int, Task, TaskAlignment]] = []
    for i, (inp, pa) in enumerate(zip(province.inputs, province.alignments, strict=True)):
        tasks = {t.number: t for t in inp.plan.tasks}
        hits += [(i, tasks[ta.task_number], ta) for ta in pa.by_ref().get(ref_id, [])]
    if not hits:
        return Cell("Không có", flag="absent", parts=("Không", "", "", "", ""), value=0)
    labels = ", ".join(_task_label(province, i, t) for i, t, _ in hits)
    lead = "; ".join(_unique([a for _, t, _ in hits for a in t.lead]))
    coord = "; ".join(_unique([a for _, t, _ in hits for a in t.coordinators]))
    deadline = "; ".join(_unique([t.deadline.text for _, t, _ in hits if t.deadline]))
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
            extra += [_task_label(p, i, tasks[ta.task_number]) for ta in pa.tasks if ta.ref_id is None]
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
                        Cell(_task_label(p, i, task)),
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


def _fmt(value: float, unit: str | None) -> str:
    """Vietnamese number format: 10.580 and 2,5."""
    num = (
        f"{value:,.0f}".replace(",", ".")
        if float(value).is_integer()
        else f"{value:,.2f}".rstrip("0").replace(",", " ").replace(".", ",").replace(" ", ".")
    )
    return f"{num} {unit}" if unit else num


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
            Cell(_fmt(national, unit) if national is not None else "—", value=national),
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
            flag, text = None, _fmt(value, punit)
            if national is None:
                flag = "extra"
            elif abs(value - national) > 1e-9:
                flag = "deviation"
                text += f" ({'+' if value > national else '−'}{_fmt(abs(value - national), None)})"
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


def budget_table(provinces: Sequence[Province], out_dir: Path | None) -> Table:
    """Each province's stated funding, total and by period."""
    rows = []
    for p in provinces:
        budgets = [(inp, inp.plan.budget) for inp in p.inputs if inp.plan.budget]
        if not budgets:
            rows.append((Cell(p.name), Cell("Không nêu số tiền", flag="missing"), Cell("")))
            continue
        for inp, b in budgets:
            total = Cell(
                _fmt(b.total_million_vnd, None) if b.total_million_vnd is not None else "Không nêu",
                source_ref(inp, b.provenance.get("total_million_vnd"), out_dir),
                value=b.total_million_vnd,
            )
            periods = "; ".join(f"{bp.period}: {_fmt(bp.million_vnd, None)}" for bp in b.by_period)
            refs = tuple(
                r for bp in b.by_period for r in source_ref(inp, bp.provenance.get("million_vnd"), out_dir)
            )
            rows.append((Cell(p.name), total, Cell(periods, refs)))
    cols = (Column("Tỉnh"), Column("Tổng kinh phí (triệu đồng)"), Column("Theo năm / giai đoạn (triệu đồng)"))
    return Table("kinh_phi", "Kinh phí thực hiện", cols, tuple(rows))


def reporting_table(provinces: Sequence[Province], out_dir: Path | None) -> Table:
    """Periodic reporting obligations with their due dates."""
    rows = []
    for p in provinces:
        duties = [(inp, r) for inp in p.inputs for r in inp.plan.reporting]
        if not duties:
            rows.append(
                (Cell(p.name), Cell(""), Cell(""), Cell("Không nêu", flag="missing"), Cell(""), Cell(""))
            )
        for inp, r in duties:
            refs = source_ref(inp, r.provenance.get("when"), out_dir)
            day = ""
            if r.month_day:
                month, dd = r.month_day.split("-")
                day = f"{dd}/{month}"
            recurring = {"yearly": "hằng năm", "quarterly": "hằng quý", "monthly": "hằng tháng"}.get(
                r.recurring or "", ""
            )
            rows.append(
                (
                    Cell(p.name),
                    Cell(r.who or ""),
                    Cell(r.to or ""),
                    Cell(r.when, refs),
                    Cell(day),
                    Cell(recurring),
                )
            )
    cols = tuple(Column(n) for n in ("Tỉnh", "Đơn vị báo cáo", "Gửi", "Thời hạn", "Ngày", "Định kỳ"))
    return Table("bao_cao", "Chế độ báo cáo", cols, tuple(rows))


def _compact(labels: list[str]) -> str:
    """Task labels grouped by document: "PL 242/KH-UBND #1, 3"."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        doc, sep, number = label.rpartition(" #")
        groups.setdefault(doc if sep else "", []).append(number if sep else label)
    return "; ".join(f"{doc} #{', '.join(nums)}" if doc else ", ".join(nums) for doc, nums in groups.items())


def agencies_table(provinces: Sequence[Province], out_dir: Path | None) -> Table:
    """Canonical agencies × provinces: tasks they lead or coordinate, and a duty section."""
    roles: dict[str, dict[str, dict[str, list]]] = {}
    names: dict[str, str] = {}

    def note(name: str, province: str, role: str, label: str, refs: tuple[SourceRef, ...]) -> None:
        key = canonical_agency(name) or name.casefold()
        names.setdefault(key, name)
        slot = roles.setdefault(key, {}).setdefault(province, {"chủ trì": [], "phối hợp": [], "refs": []})
        slot.setdefault(role, []).append(label)
        slot["refs"] += refs

    for p in provinces:
        for i, inp in enumerate(p.inputs):
            for t in inp.plan.tasks:
                label = _task_label(p, i, t)
                for a in t.lead:
                    note(a, p.name, "chủ trì", label, source_ref(inp, t.provenance.get("lead"), out_dir))
                for a in t.coordinators:
                    note(
                        a,
                        p.name,
                        "phối hợp",
                        label,
                        source_ref(inp, t.provenance.get("coordinators"), out_dir),
                    )
            for r in inp.plan.responsibilities:
                note(
                    r.agency,
                    p.name,
                    "nhiệm vụ riêng",
                    "có mục",
                    source_ref(inp, r.provenance.get("agency"), out_dir),
                )
    rows = []
    for key in sorted(roles, key=lambda k: (-len(roles[k]), names[k])):
        cells = [Cell(names[key])]
        for p in provinces:
            slot = roles[key].get(p.name)
            if not slot:
                cells.append(Cell(""))
                continue
            text = "; ".join(
                f"{role}: {_compact(_unique(v))}" for role, v in slot.items() if role != "refs" and v
            )
            cells.append(Cell(text, tuple(slot["refs"][:3]), "present"))
        rows.append(tuple(cells))
    cols = (Column("Cơ quan, đơn vị"), *(Column(p.name) for p in provinces))
    return Table(
        "co_quan",
        "Cơ quan, đơn vị theo tỉnh",
        cols,
        tuple(rows),
        "Số là số thứ tự nhiệm vụ; “nhiệm vụ riêng”: có mục riêng trong phần Tổ chức thực hiện.",
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
