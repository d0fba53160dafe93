"""The review screen: page image, fields as forms, conflicts, history, approval."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from extractor.errors import FieldConflictError, LockedError, NotFoundError
from extractor.store import record as rec
from extractor.store import repo
from extractor.store.models import Document
from extractor.web.auth import can, check_csrf, flash, require
from extractor.web.pages import box_percent, render_page, sizes_for
from extractor.web.render import render

router = APIRouter()
LOW_CONFIDENCE = 0.7


def review_context(request: Request, doc: Document) -> dict[str, Any]:
    """Everything the review template shows, in three queries."""
    store, settings = request.app.state.store, request.app.state.settings
    fields = [f for f in repo.field_rows(store, doc.id) if rec.parts(f.path)[0] in rec.SECTIONS]
    history: dict[int, list[Any]] = defaultdict(list)
    for revision in repo.changed_history(store, doc.id):
        history[revision.field_id].append(revision)
    run = repo.latest_extraction(store, doc.id)
    record = run.record if run else {}
    rank = {path: i for i, path in enumerate(rec.document_order([f.path for f in fields], record))}
    fields.sort(key=lambda f: rank[f.path])
    sizes = sizes_for(settings.originals_dir, doc.sha256, doc.mime)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    attention = []
    for field in fields:
        prov = rec.provenance(record, field.path)
        text = rec.show_value(field.path, field.value)
        original = prov.get("original") if prov else None
        row = {"field": field, "label": rec.label(field.path), "short": rec.short_label(field.path),
               "kind": rec.kind(field.path),
               "text": text, "lines": max(2, text.count("\n") + 1),
               "page": prov.get("page") if prov else None, "box": box_percent(prov, sizes),
               "original": original if original and original.casefold() != text.casefold() else None,
               "history": list(reversed(history.get(field.id, []))),
               "low": field.confidence is not None and field.confidence < LOW_CONFIDENCE}
        parts = rec.parts(field.path)
        item = len(parts) > 2 and (parts[1].isdigit() or rec.is_key(parts[1]))
        key = (parts[0], parts[1] if item else "")
        groups.setdefault(key, []).append(row)
        if row["low"] or field.has_suggestion:
            attention.append(row)
    attention.sort(key=lambda r: (not r["field"].has_suggestion, r["field"].confidence or 0))
    sections = [{"title": _group_title(section, index, rows), "rows": rows, "id": f"{section}-{n}"}
                for n, ((section, index), rows) in enumerate(groups.items())]
    return {"doc": doc, "sections": sections, "attention": attention, "pages": len(sizes),
            "issues": record.get("issues") or [], "locked": doc.status == "approved",
            "editable": doc.status != "approved" and can(_user(request), "edit")}


def _user(request: Request) -> Any:
    return request.state.user


def _group_title(section: str, index: str, rows: list[dict[str, Any]]) -> str:
    title = rec.SECTION_LABELS.get(section, section)
    if not index:
        return title
    if index.isdigit():
        return f"{title} {int(index) + 1}"
    values = {rec.parts(r["field"].path)[-1]: r["field"].value for r in rows}
    if section == "tasks":
        number = values.get("number")
        return f"{title} {number}" if number else f"{title}: {str(values.get('title') or '')[:80]}"
    if section == "targets":
        return f"{title}: {values.get('indicator') or ''} ({values.get('year') or ''})"
    return f"{title}: {values.get('agency') or ''}"


def _page(request: Request, doc: Document, status_code: int = 200, **extra: Any) -> Response:
    context = review_context(request, doc)
    return render(request, "review.html", status_code, user=request.state.user, **context, **extra)


@router.get("/documents/{document_id}")
def review(request: Request, document_id: int) -> Response:
    """Rà soát: issues and doubtful values first, then every field as a small form."""
    request.state.user = require(request)
    return _page(request, repo.get_document(request.app.state.store, document_id))


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(request: Request, document_id: int, number: int) -> Response:
    """One page of the original as PNG (rendered once, then cached)."""
    require(request)
    settings = request.app.state.settings
    doc = repo.get_document(request.app.state.store, document_id)
    path = render_page(settings.originals_dir, settings.cache_dir, doc.sha256, doc.mime, number)
    if path is None:
        raise NotFoundError(f"văn bản không có trang {number}")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.post("/documents/{document_id}/fields")
async def save(request: Request, document_id: int) -> Response:
    """Save one field; a stale page gets the other reviewer's value and keeps ours in the form."""
    user = request.state.user = require(request, "edit")
    form = await request.form()
    check_csrf(request, form)
    store = request.app.state.store
    path, raw = str(form.get("path") or ""), str(form.get("value") or "")
    if form.get("use_suggestion") == "1":
        raw = str(form.get("suggestion_text") or "")
    version = int(str(form.get("version") or "0")) if str(form.get("version") or "").isdigit() else 0
    reason = " ".join(str(form.get("reason") or "").split())[:500]
    doc = await run_in_threadpool(repo.get_document, store, document_id)
    try:
        value = rec.parse_value(path, raw)
        field = await run_in_threadpool(repo.save_field, store, document_id, path, value, version,
                                        repo.Actor(user.id, user.username), reason)
    except rec.FieldValueError as exc:
        return await run_in_threadpool(_page, request, doc, 422, problem={"path": path, "message": str(exc),
                                                                          "raw": raw})
    except FieldConflictError as exc:
        conflict = {"path": path, "raw": raw, "reason": reason, "by": exc.by, "at": exc.at,
                    "value": exc.value, "version": exc.version}
        return await run_in_threadpool(_page, request, doc, 409, conflict=conflict)
    except LockedError as exc:
        flash(request, exc.message, "error")
        return RedirectResponse(f"/documents/{document_id}", status_code=303)
    flash(request, f"Đã lưu “{rec.label(path)}”.")
    return RedirectResponse(f"/documents/{document_id}#f{field.id}", status_code=303)


@router.post("/documents/{document_id}/approve")
async def approve(request: Request, document_id: int) -> Response:
    """Duyệt: lock the record."""
    user = require(request, "approve")
    check_csrf(request, await request.form())
    await run_in_threadpool(repo.set_status, request.app.state.store, document_id, "approved",
                            repo.Actor(user.id, user.username))
    flash(request, "Đã duyệt văn bản; hồ sơ đã khóa.")
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


@router.post("/documents/{document_id}/reopen")
async def reopen(request: Request, document_id: int) -> Response:
    """Unlock an approved record for more review (admin)."""
    require(request, "reopen")
    check_csrf(request, await request.form())
    await run_in_threadpool(repo.set_status, request.app.state.store, document_id, "review")
    flash(request, "Đã mở lại để rà soát.")
    return RedirectResponse(f"/documents/{document_id}", status_code=303)
