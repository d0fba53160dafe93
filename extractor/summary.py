"""A short human-readable summary of a plan record on stderr (Vietnamese headings)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from schemas.plan import Plan

_STATUS = {"success": "thành công", "partial": "một phần", "failure": "thất bại"}


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} triệu đồng".replace(",", ".")


def summary_rows(plan: Plan) -> list[tuple[str, str]]:
    """(heading, value) pairs the summary prints."""
    doc = plan.document
    budget = plan.budget
    return [
        ("Tệp", plan.source),
        ("Loại văn bản", doc.doc_type or "—"),
        ("Số", doc.number or "—"),
        ("Cơ quan ban hành", doc.issuer or "—"),
        ("Ngày", doc.issued_date or "—"),
        ("Trích yếu", (doc.title or "—")[:120]),
        ("Số nhiệm vụ", str(len(plan.tasks))),
        ("Chỉ tiêu", str(len(plan.targets))),
        ("Kinh phí", _money(budget.total_million_vnd) if budget else "—"),
        ("Trách nhiệm", str(len(plan.responsibilities))),
        ("Trạng thái", _STATUS.get(plan.status.value, plan.status.value)),
        ("Vấn đề", str(len(plan.issues))),
    ]


def print_summary(plan: Plan, console: Console | None = None) -> None:
    """Print the summary and the first issues to stderr."""
    console = console or Console(stderr=True)
    table = Table(show_header=False, box=None, pad_edge=False)
    for heading, value in summary_rows(plan):
        table.add_row(f"[bold]{heading}[/bold]", value)
    console.print(table)
    for issue in plan.issues[:10]:
        page = f" (trang {issue.page})" if issue.page else ""
        console.print(f"  [yellow]![/yellow] {issue.kind}{page}: {issue.message}", markup=True,
                      highlight=False)
    if len(plan.issues) > 10:
        console.print(f"  … và {len(plan.issues) - 10} vấn đề khác")
