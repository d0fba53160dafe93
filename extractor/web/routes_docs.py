"""Upload, job progress, the document list and exports."""

from __future__ import annotations

import functools
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from extractor import jobs as jobq
from extractor.errors import UploadRejectedError
from extractor.store import repo
from extractor.web.auth import check_csrf, flash, require
from extractor.web.export import record_xlsx
from extractor.web.render import JOB_LABELS, STATUS_LABELS, render

router = APIRouter()
MAX_FILES = 20


@router.get("/documents")
def documents(request: Request, province: str = "", number: str = "", date: str = "",
              status: str = "") -> Response:
    """Danh sách văn bản, searchable by province, number, date and status."""
    user = require(request)
    status = status if status in STATUS_LABELS else ""
    docs = repo.list_documents(request.app.state.store, province.strip(), number.strip(),
                               date.strip(), status)
    return render(request, "documents.html", user=user, docs=docs,
                  filters={"province": province, "number": number, "date": date, "status": status})


@router.get("/upload")
def upload_page(request: Request, jobs: str = "") -> Response:
    """The upload form, and the progress of the jobs just started (``?jobs=1,2``)."""
    user = require(request, "upload")
    ids = [int(x) for x in jobs.split(",") if x.isdigit()][:MAX_FILES]
    return render(request, "upload.html", user=user, jobs=_job_rows(request, ids),
                  max_mb=request.app.state.settings.max_upload_mb, job_ids=",".join(map(str, ids)))


def _job_rows(request: Request, ids: list[int]) -> list[dict[str, Any]]:
    store = request.app.state.store
    rows = []
    for job in jobq.jobs_by_id(store, ids) if ids else []:
        doc = repo.get_document(store, job.document_id)
        rows.append({"id": job.id, "document_id": doc.id, "filename": doc.filename, "status": job.status,
                     "label": JOB_LABELS.get(job.status, job.status), "progress": job.progress,
                     "message": job.message})
    return rows


@router.post("/upload")
async def upload(request: Request) -> Response:
    """Store each uploaded file once and queue its extraction."""
    user = require(request, "upload")
    form = await request.form(max_files=MAX_FILES, max_fields=20)
    check_csrf(request, form)
    settings, store = request.app.state.settings, request.app.state.store
    started, problems = [], []
    for item in form.getlist("files"):
        if not isinstance(item, UploadFile) or not item.filename:
            continue
        chunks = iter(functools.partial(item.file.read, 1 << 20), b"")
        try:
            doc, _ = await run_in_threadpool(repo.add_document, store, settings.originals_dir, chunks,
                                             item.filename, settings.max_upload_mb * 1024 * 1024, user.id)
            job = await run_in_threadpool(jobq.enqueue, store, doc.id)
            started.append(job.id)
        except UploadRejectedError as exc:
            problems.append(f"{item.filename}: {exc.message}")
    if problems:
        flash(request, "Không nhận: " + "; ".join(problems), "error")
    elif not started:
        flash(request, "Hãy chọn ít nhất một tệp.", "error")
    return RedirectResponse(f"/upload?jobs={','.join(map(str, started))}", status_code=303)


@router.get("/api/jobs")
def job_status(request: Request, ids: str = "") -> Response:
    """Progress of the given jobs, for the upload page's polling."""
    require(request)
    wanted = [int(x) for x in ids.split(",") if x.isdigit()][:MAX_FILES]
    return JSONResponse({"jobs": _job_rows(request, wanted)})


@router.post("/documents/{document_id}/reextract")
async def reextract(request: Request, document_id: int) -> Response:
    """Run extraction again; reviewed values stay, new machine values become suggestions."""
    require(request, "edit")
    check_csrf(request, await request.form())
    job = await run_in_threadpool(jobq.enqueue, request.app.state.store, document_id, True)
    flash(request, f"Đã xếp hàng trích xuất lại (việc số {job.id}).")
    return RedirectResponse(f"/documents/{document_id}", status_code=303)


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/documents/{document_id}/export.json")
def export_json(request: Request, document_id: int) -> Response:
    """The record as reviewed, in the SCHEMA.md contract."""
    require(request)
    record = repo.current_record(request.app.state.store, document_id)
    body = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(body, "application/json", f"kehoach-{document_id}.json")


@router.get("/documents/{document_id}/export.xlsx")
def export_xlsx(request: Request, document_id: int) -> Response:
    """The record as an Excel workbook."""
    require(request)
    record = repo.current_record(request.app.state.store, document_id)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(record_xlsx(record), media, f"kehoach-{document_id}.xlsx")


@router.get("/exports/corrections.jsonl")
def export_corrections(request: Request) -> Response:
    """Reviewer corrections of restored text: ``{"original", "corrected"}`` one per line."""
    require(request, "edit")
    lines = (json.dumps(pair, ensure_ascii=False) for pair in repo.corrections(request.app.state.store))
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    return _download(body, "application/x-ndjson", "corrections.jsonl")
