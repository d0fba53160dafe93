"""Exports: the record as XLSX (one sheet per section), for officials who live in Excel."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

SHEETS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Mục tiêu", "targets", (("indicator", "Chỉ tiêu"), ("year", "Năm"), ("value", "Giá trị"),
                             ("unit", "Đơn vị"))),
    ("Nhiệm vụ", "tasks", (("number", "Số"), ("group", "Nhóm"), ("title", "Nhiệm vụ"),
                           ("lead", "Cơ quan chủ trì"), ("coordinators", "Cơ quan phối hợp"),
                           ("deadline", "Thời hạn"))),
    ("Tổ chức thực hiện", "responsibilities", (("agency", "Cơ quan"), ("duties", "Nhiệm vụ"))),
    ("Báo cáo", "reporting", (("who", "Đơn vị báo cáo"), ("to", "Nơi nhận"), ("when", "Thời hạn"),
                              ("month_day", "Tháng-ngày"), ("recurring", "Định kỳ"))),
)
HEADER = (("doc_type", "Loại văn bản"), ("number", "Số ký hiệu"), ("issuer", "Cơ quan ban hành"),
          ("province", "Tỉnh/thành phố"), ("place", "Địa danh"), ("issued_date", "Ngày ban hành"),
          ("title", "Trích yếu"), ("legal_basis", "Căn cứ"), ("signer", "Người ký"))


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        if "text" in value:
            return value.get("text")
        return ", ".join(str(v) for v in value.values() if v)
    return value


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col, value=_cell(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text, never a formula: reviewers type what they read


def record_xlsx(record: dict[str, Any]) -> bytes:
    """The workbook bytes of ``record`` (SCHEMA.md shape)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Văn bản"
    bold = Font(bold=True)
    doc = record.get("document") or {}
    for row, (key, title) in enumerate(HEADER, start=1):
        ws.cell(row=row, column=1, value=title).font = bold
        _put(ws, row, 2, doc.get(key))
    budget = record.get("budget") or {}
    row = len(HEADER) + 2
    ws.cell(row=row, column=1, value="Tổng kinh phí (triệu đồng)").font = bold
    _put(ws, row, 2, budget.get("total_million_vnd"))
    for period in budget.get("by_period") or []:
        row += 1
        _put(ws, row, 1, f"Kinh phí {period.get('period')}")
        _put(ws, row, 2, period.get("million_vnd"))
    for title, key, cols in SHEETS:
        sheet = wb.create_sheet(title)
        for col, (_, head) in enumerate(cols, start=1):
            sheet.cell(row=1, column=col, value=head).font = bold
        for r, item in enumerate(record.get(key) or [], start=2):
            for col, (field, _) in enumerate(cols, start=1):
                _put(sheet, r, col, item.get(field))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
