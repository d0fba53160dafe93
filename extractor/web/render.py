"""Jinja2 rendering with autoescaping on, and the helpers every template uses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from extractor.store.record import show_value
from extractor.web.auth import ROLE_LABELS, can, csrf_token, pop_flash, signed_in

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATUS_LABELS = {"new": "mới", "processing": "đang xử lý", "review": "cần rà soát",
                 "approved": "đã duyệt", "failed": "lỗi"}
JOB_LABELS = {"queued": "đang chờ", "running": "đang xử lý", "done": "xong", "failed": "lỗi"}


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%d/%m/%Y %H:%M UTC")


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    return show_value("", value) if not isinstance(value, (dict,)) else json.dumps(value, ensure_ascii=False)


def make_env() -> Environment:
    """The template environment (autoescape for every template, whatever its suffix)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["shown"] = _shown
    env.filters["status_label"] = lambda s: STATUS_LABELS.get(s, s)
    env.filters["job_label"] = lambda s: JOB_LABELS.get(s, s)
    env.filters["role_label"] = lambda s: ROLE_LABELS.get(s, s)
    env.filters["form_text"] = show_value
    return env


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``name`` with the user, CSRF token, flash message and permission helper."""
    env: Environment = request.app.state.jinja
    user = context.pop("user", None) or signed_in(request)
    html = env.get_template(name).render(
        request=request, user=user, csrf=Markup(escape(csrf_token(request))), flash=pop_flash(request),
        can=lambda action: can(user, action), statuses=STATUS_LABELS, **context)
    return HTMLResponse(html, status_code=status_code)
