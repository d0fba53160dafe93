"""So sánh kế hoạch (issue 6): the comparison over the store, alignment overrides, downloads.

The tables are ``extractor.compare``'s own HTML (``render.table_html``, escaped there), built
from the records as reviewed; a reviewer or policy user overrides a task's alignment here and
the override is stored as a revisioned field (``alignment[<task key>]``).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from extractor.compare import charts
from extractor.compare import render as report_render
from extractor.compare.align import TaskAlignment
from extractor.compare.fromstore import store_report
from extractor.compare.model import Report
from extractor.compare.reference import known_programmes, load
from extractor.errors import FieldConflictError, NotFoundError
from extractor.store import repo
from extractor.store.plans import StoredPlans
from extractor.web.auth import check_csrf, flash, require
from extractor.web.render import render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def programme_of(value: str | None) -> str:
    """A known programme id: the one asked for, else 1687 (else the first bundled one)."""
    known = known_programmes()
    if value in known:
        return str(value)
    return "1687" if "1687" in known else known[0]


def _alignment_rows(report: Report, found: StoredPlans) -> list[dict[str, Any]]:
    """One row per plan task: its alignment now and the override form's state."""
    by_source: dict[str, tuple[Any, Any]] = {}
    for province in report.provinces:
        for inp, alignment in zip(province.inputs, province.alignments, strict=True):
            by_source[inp.plan.source] = (province, alignment)
    rows = []
    for sp in found.plans:
        province, alignment = by_source[sp.plan.source]
        numbers = [t.number for t in sp.plan.tasks]
        for task, key in zip(sp.plan.tasks, sp.task_keys, strict=True):
            aligned: TaskAlignment | None = alignment.get(task.number)
            value, version = sp.override_of(key)
            rows.append({"doc": sp.document_id, "source": sp.plan.source, "province": province.name,
                         "key": key, "number": task.number, "title": task.title,
                         "ref": aligned.ref_id if aligned else None,
                         "method": aligned.method if aligned else "auto",
                         "score": aligned.score if aligned else 0.0,
                         "override": value, "version": version,
                         "settable": bool(task.number) and numbers.count(task.number) == 1})
    return rows


def _context(request: Request, programme: str) -> dict[str, Any]:
    report, found = store_report(request.app.state.store, programme)
    reference = load(programme)
    tables = [Markup(report_render.table_html(t)) for t in report.tables] if found.plans else []  # noqa: S704
    titles = {t.id: t.title for t in reference.tasks}
    heat = charts.heatmap([(rid, titles.get(rid, ""), counts) for rid, counts in report.heatmap],
                          [p.name for p in report.provinces])
    return {"heatmap": Markup(heat) if found.plans else None,  # noqa: S704  escaped in charts
"programme": programme, "programmes": known_programmes(), "reference": reference,
            "report": report, "found": found, "tables": tables,
            "keys": [t.key for t in report.tables], "rows": _alignment_rows(report, found)}


@router.get("/compare")
async def compare_page(request: Request, programme: str = "") -> Response:
    """So sánh kế hoạch: the report's tables, downloads and the task-by-task override forms."""
    user = require(request, "compare")
    context = await run_in_threadpool(_context, request, programme_of(programme))
    return render(request, "compare.html", user=user, **context)


@router.get("/compare/report.xlsx")
async def compare_xlsx(request: Request, programme: str = "") -> Response:
    """The whole comparison as one workbook."""
    require(request, "compare")
    report, _ = await run_in_threadpool(store_report, request.app.state.store, programme_of(programme))
    body = await run_in_threadpool(report_render.xlsx_bytes, report)
    return _download(body, XLSX, "so-sanh.xlsx")


@router.get("/compare/{key}.csv")
async def compare_csv(request: Request, key: str, programme: str = "") -> Response:
    """One table of the comparison as CSV."""
    require(request, "compare")
    if not re.fullmatch(r"[a-z_]{1,40}", key):
        raise NotFoundError(f"không có bảng {key}")
    report, _ = await run_in_threadpool(store_report, request.app.state.store, programme_of(programme))
    table = next((t for t in report.tables if t.key == key), None)
    if table is None:
        raise NotFoundError(f"không có bảng {key}")
    return _download(report_render.csv_text(table).encode("utf-8"), "text/csv; charset=utf-8", f"{key}.csv")


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/compare/alignment")
async def save_alignment(request: Request) -> Response:
    """Ghép nhiệm vụ: override one task's alignment (a programme task, none, or automatic again)."""
    user = require(request, "compare")
    form = await request.form()
    check_csrf(request, form)
    programme = programme_of(str(form.get("programme") or ""))
    doc_raw, key = str(form.get("document_id") or ""), str(form.get("task") or "")
    version_raw, ref = str(form.get("version") or "0"), str(form.get("ref") or "")
    reason = " ".join(str(form.get("reason") or "").split())[:500]
    ids = {t.id for t in load(programme).tasks}
    if not doc_raw.isdigit() or not version_raw.isdigit() or not key or len(key) > 200 or (
            ref and ref != repo.ALIGNMENT_NONE and ref not in ids):
        flash(request, "Lựa chọn ghép nhiệm vụ không hợp lệ.", "error")
        return RedirectResponse(f"/compare?programme={programme}", status_code=303)
    value = ref or None
    try:
        await run_in_threadpool(repo.save_alignment, request.app.state.store, int(doc_raw), key, value,
                                int(version_raw), repo.Actor(user.id, user.username), reason)
    except FieldConflictError as exc:
        context = await run_in_threadpool(_context, request, programme)
        conflict = {"doc": int(doc_raw), "key": key, "by": exc.by, "at": exc.at, "value": exc.value}
        return render(request, "compare.html", 409, user=user, conflict=conflict, **context)
    flash(request, f"Đã lưu ghép nhiệm vụ {key}.")
    return RedirectResponse(f"/compare?programme={programme}#ghep-{doc_raw}", status_code=303)
