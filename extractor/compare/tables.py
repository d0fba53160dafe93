"""Budgets, reporting deadlines and agencies by province."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.compare.align import canonical_agency
from extractor.compare.model import (
    Cell,
    Column,
    Province,
    SourceRef,
    Table,
    fmt,
    source_ref,
    task_label,
    unique,
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
                fmt(b.total_million_vnd, None) if b.total_million_vnd is not None else "Không nêu",
                source_ref(inp, b.provenance.get("total_million_vnd"), out_dir),
                value=b.total_million_vnd,
            )
            periods = "; ".join(f"{bp.period}: {fmt(bp.million_vnd, None)}" for bp in b.by_period)
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
                label = task_label(p, i, t)
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
                f"{role}: {_compact(unique(v))}" for role, v in slot.items() if role != "refs" and v
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
