"""The review web app: ``create_app(settings)`` builds it; errors become Vietnamese pages."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor.errors import FieldConflictError, KehoachError, LockedError, NotFoundError, UploadRejectedError
from extractor.settings import Settings, load_settings
from extractor.store import open_store
from extractor.web.auth import CsrfFailed, Forbidden, LoginRequired, LoginThrottle
from extractor.web.render import make_env, render

log = logging.getLogger("kehoach.web")
STATIC = Path(__file__).resolve().parent / "static"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HTTP_STATUS = {NotFoundError: 404, FieldConflictError: 409, LockedError: 423, UploadRejectedError: 400}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app over ``settings``' store; starts ``settings.workers`` extraction threads."""
    settings = settings or load_settings()
    store = open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from extractor.jobs import WorkerPool

        pool = WorkerPool(store, settings, settings.workers).start() if settings.workers else None
        try:
            yield
        finally:
            if pool is not None:
                pool.close()

    app = FastAPI(title="kehoach", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.store, app.state.jinja = settings, store, make_env()
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(SessionMiddleware, secret_key=settings.signing_key(), session_cookie="kehoach_session",
                       max_age=12 * 3600, same_site="lax", https_only=settings.secure_cookies)
    _guards(app, settings)
    _error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    from extractor.web import routes_compare, routes_docs, routes_drafts, routes_review, routes_users

    for module in (routes_users, routes_docs, routes_review, routes_compare, routes_drafts):
        app.include_router(module.router)
    return app


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, also when sent chunked without a length."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise UploadRejectedError(f"yêu cầu lớn hơn giới hạn {self.limit // (1 << 20)} MB")
            return message

        await self.app(scope, counted, send)


def _guards(app: FastAPI, settings: Settings) -> None:
    limit = settings.max_upload_mb * 1024 * 1024 * 20 + (1 << 20)  # 20 files a request
    app.add_middleware(BodyLimit, limit=limit)

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            return PlainTextResponse("Tệp tải lên quá lớn.", status_code=413)
        response: Response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.url.path != "/static" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "cần đăng nhập"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "không có quyền"}, status_code=403)
        return render(request, "error.html", 403, title="Không có quyền",
                      message="Vai trò của bạn không được phép làm việc này.")

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "error.html", 403, title="Phiên làm việc không hợp lệ",
                      message="Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.")

    @app.exception_handler(KehoachError)
    async def _kehoach(request: Request, exc: KehoachError) -> Response:
        status = next((code for cls, code in HTTP_STATUS.items() if isinstance(exc, cls)), 400)
        if _wants_json(request):
            return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)
        return render(request, "error.html", status, title=f"Lỗi {exc.code}", message=exc.message)
