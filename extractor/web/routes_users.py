"""Signing in and out, and the admin's user list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from extractor.errors import DuplicateUserError, NotFoundError
from extractor.store.models import ROLES
from extractor.store.users import authenticate, create_user, list_users, set_user
from extractor.web.auth import check_csrf, flash, require, sign_in, signed_in
from extractor.web.render import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """Signed in: the document list; anonymous: the login page."""
    require(request)
    return RedirectResponse("/documents", status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form."""
    if signed_in(request):
        return RedirectResponse("/documents", status_code=303)
    return render(request, "login.html")


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the name and password; a fresh session on success."""
    form = await request.form()
    check_csrf(request, form)
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    throttle, address = request.app.state.login_throttle, request.client.host if request.client else "-"
    if throttle.blocked(username, address):
        return render(request, "login.html", 429, username=username,
                      error="Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.")
    user = await run_in_threadpool(authenticate, request.app.state.store, username, password)
    if user is None:
        throttle.failed(username, address)
        return render(request, "login.html", 401, error="Sai tên đăng nhập hoặc mật khẩu.", username=username)
    throttle.succeeded(username, address)
    sign_in(request, user)
    return RedirectResponse("/documents", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    check_csrf(request, await request.form())
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/admin/users")
def users_page(request: Request) -> Response:
    """Users and their roles (admin only)."""
    user = require(request, "users")
    return render(request, "users.html", user=user, users=list_users(request.app.state.store), roles=ROLES)


@router.post("/admin/users")
async def add_user(request: Request) -> Response:
    """Create a user (admin only)."""
    require(request, "users")
    form = await request.form()
    check_csrf(request, form)
    try:
        await run_in_threadpool(create_user, request.app.state.store, str(form.get("username") or ""),
                                str(form.get("password") or ""), str(form.get("role") or ""))
        flash(request, "Đã tạo người dùng.")
    except (ValueError, DuplicateUserError) as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}")
async def change_user(request: Request, user_id: int) -> Response:
    """Change a user's role or switch them off (admin only)."""
    admin = require(request, "users")
    form = await request.form()
    check_csrf(request, form)
    role = str(form.get("role") or "") or None
    active = form.get("active")
    if user_id == admin.id and (active == "0" or (role and role != "admin")):
        flash(request, "Không thể tự bỏ quyền quản trị của chính mình.", "error")
        return RedirectResponse("/admin/users", status_code=303)
    try:
        await run_in_threadpool(lambda: set_user(request.app.state.store, user_id, role=role,
                                                 active=None if active is None else active == "1"))
        flash(request, "Đã cập nhật.")
    except (ValueError, NotFoundError) as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/admin/users", status_code=303)
