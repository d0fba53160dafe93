"""The review web app (FastAPI + Jinja2, Vietnamese UI)."""

from __future__ import annotations

from extractor.web.app import create_app
from extractor.web.commands import add_user, serve, watch

__all__ = ["add_user", "create_app", "serve", "watch"]
