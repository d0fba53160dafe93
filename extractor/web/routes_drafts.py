"""Soạn dự thảo (issue 7): a Kế hoạch draft for a province from the store's reviewed records.

The preview is ``render_preview_html`` (sandboxed templates, values escaped there); the .docx
is ``draft()``'s own output. A drafter may edit the template on the page: it is rendered by the
sandbox (``extractor.draft.sandbox``) like every template, and kept nowhere but in the form.
Only drafters (and admins) reach these pages.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from extractor.draft import draft, draft_context, render_preview_html, store_records
from extractor.draft.render import DEFAULT_TEMPLATE, render_bytes
from extractor.draft.sandbox import templates_dir
from extractor.errors import DraftError
from extractor.vietnamese import strip_diacritics
from extractor.web.auth import check_csrf, require
from extractor.web.render import render
from extractor.web.routes_compare import programme_of

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE = 64 * 1024  # characters of a drafter's template


def _province(value: str) -> str:
    return " ".join(value.split())[:100]


def _context(request: Request, programme: str, province: str,
             template_source: str | None = None) -> dict[str, Any]:
    from extractor.compare.reference import known_programmes

    records = store_records(request.app.state.store, programme)
    provinces = sorted({r.document.province for r in records if r.document.province})
    out: dict[str, Any] = {"programme": programme, "programmes": known_programmes(), "province": province,
                           "provinces": provinces, "records": records, "preview": None, "problem": None,
                           "template_source": template_source or _builtin_template()}
    if province:
        try:
            context = draft_context(programme, province, records)
            html = render_preview_html(context, template_source=template_source, fragment=True)
            out["preview"] = Markup(html)  # noqa: S704  escaped there
        except DraftError as exc:
            out["problem"] = exc.message
    return out


def _builtin_template() -> str:
    """The built-in plan template's text, the starting point of a drafter's own."""
    try:
        return (templates_dir() / DEFAULT_TEMPLATE).read_text(encoding="utf-8")
    except OSError:
        return ""


@router.get("/drafts")
async def drafts_page(request: Request, programme: str = "", province: str = "") -> Response:
    """Soạn dự thảo: choose programme and province, Xem trước, Tải về .docx."""
    user = require(request, "draft")
    context = await run_in_threadpool(_context, request, programme_of(programme), _province(province))
    return render(request, "drafts.html", user=user, **context)


def _docx(request: Request, programme: str, province: str, template_source: str | None = None) -> bytes:
    records = store_records(request.app.state.store, programme)
    if template_source is not None:
        return render_bytes(draft_context(programme, province, records), "docx", None, template_source)
    with tempfile.TemporaryDirectory(prefix="kehoach-draft-") as tmp:
        return draft(programme, province, records, Path(tmp) / "du-thao.docx").read_bytes()


@router.get("/drafts/draft.docx")
async def draft_docx(request: Request, programme: str = "", province: str = "") -> Response:
    """The draft as .docx (Tải về .docx)."""
    require(request, "draft")
    province = _province(province)
    if not province:
        raise DraftError("Hãy chọn tỉnh để soạn dự thảo.")
    body = await run_in_threadpool(_docx, request, programme_of(programme), province)
    return _docx_response(body, province)


def _docx_response(body: bytes, province: str) -> Response:
    slug = "-".join(strip_diacritics(province).replace("đ", "d").replace("Đ", "D").split()) or "tinh"
    ascii_name = "".join(c for c in f"du-thao-{slug}.docx" if c.isascii() and (c.isalnum() or c in "-."))
    utf8_name = quote(f"Dự thảo kế hoạch {province}.docx")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"
    return Response(body, media_type=DOCX, headers={"Content-Disposition": disposition})


@router.post("/drafts")
async def drafts_with_template(request: Request) -> Response:
    """Xem trước or Tải về .docx with the drafter's own template (sandboxed)."""
    user = require(request, "draft")
    form = await request.form(max_files=0, max_fields=10)
    check_csrf(request, form)
    programme = programme_of(str(form.get("programme") or ""))
    province = _province(str(form.get("province") or ""))
    source = str(form.get("template") or "").replace("\r\n", "\n")
    if len(source) > MAX_TEMPLATE:
        raise DraftError(f"Mẫu dài quá {MAX_TEMPLATE // 1024} KB.")
    if not province:
        raise DraftError("Hãy chọn tỉnh để soạn dự thảo.")
    if form.get("action") == "docx":
        body = await run_in_threadpool(_docx, request, programme, province, source)
        return _docx_response(body, province)
    context = await run_in_threadpool(_context, request, programme, province, source)
    return render(request, "drafts.html", user=user, **context)
