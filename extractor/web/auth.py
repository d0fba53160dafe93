"""Who is asking and may they: session sign-in, roles, CSRF tokens.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax); it holds only the user id
and the CSRF token. Every state-changing request carries that token in a form field
(``csrf``) or the ``X-CSRF-Token`` header and is refused without it.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request

from extractor.store.models import User
from extractor.store.users import get_user

ALL_ROLES = frozenset({"clerk", "reviewer", "policy", "drafter", "admin"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": ALL_ROLES,
    "upload": frozenset({"clerk", "reviewer", "admin"}),
    "edit": frozenset({"reviewer", "admin"}),
    "approve": frozenset({"reviewer", "admin"}),
    "reopen": frozenset({"admin"}),
    "compare": frozenset({"policy", "reviewer", "admin"}),
    "draft": frozenset({"drafter", "admin"}),
    "users": frozenset({"admin"}),
}
ROLE_LABELS = {"clerk": "Văn thư", "reviewer": "Người rà soát", "policy": "Chính sách",
               "drafter": "Soạn thảo", "admin": "Quản trị"}


class LoginRequired(Exception):
    """No signed-in user: HTML pages redirect to /login, the API answers 401."""


class Forbidden(Exception):
    """The signed-in user's role does not allow this."""

    def __init__(self, action: str):
        super().__init__(action)
        self.action = action


class CsrfFailed(Exception):
    """A state-changing request without the session's CSRF token."""


def can(user: User | None, action: str) -> bool:
    """Whether ``user`` may do ``action`` (a key of :data:`PERMISSIONS`)."""
    return user is not None and user.role in PERMISSIONS[action]


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf(request: Request, form: Any) -> None:
    """Refuse unless the form field or header carries this session's token."""
    sent = (form.get("csrf") if form is not None else None) or request.headers.get("x-csrf-token") or ""
    token = request.session.get("csrf") or ""
    if not token or not isinstance(sent, str) or not secrets.compare_digest(sent, token):
        raise CsrfFailed()


def signed_in(request: Request) -> User | None:
    """The active user of this session, if any."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    return get_user(request.app.state.store, uid)


def require(request: Request, action: str = "read") -> User:
    """The signed-in user allowed to ``action``, else LoginRequired / Forbidden."""
    user = signed_in(request)
    if user is None:
        raise LoginRequired()
    if not can(user, action):
        raise Forbidden(action)
    return user


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (new CSRF token: no session fixation)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page."""
    request.session["flash"] = [kind, message]


def pop_flash(request: Request) -> tuple[str, str] | None:
    """The pending one-time message."""
    item = request.session.pop("flash", None)
    return (item[0], item[1]) if item else None


class LoginThrottle:
    """Refuse a name from one address after ``limit`` failed passwords within ``window_s``.

    Keyed by (name, address) so a guesser cannot lock a colleague out from elsewhere; kept in
    memory (one review app per data dir), forgotten on restart.
    """

    def __init__(self, limit: int = 5, window_s: float = 900.0):
        import threading

        self.limit, self.window_s = limit, window_s
        self._fails: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        fails = [t for t in self._fails.get(key, []) if now - t < self.window_s]
        self._fails[key] = fails
        return fails

    def blocked(self, name: str, address: str) -> bool:
        """Whether this name is refused from this address now."""
        import time

        with self._lock:
            return len(self._recent((name.strip().lower(), address), time.monotonic())) >= self.limit

    def failed(self, name: str, address: str) -> None:
        """Count one wrong password."""
        import time

        with self._lock:
            key = (name.strip().lower(), address)
            self._recent(key, time.monotonic()).append(time.monotonic())
            if len(self._fails) > 10_000:  # bound memory under a spray of names
                self._fails.clear()

    def succeeded(self, name: str, address: str) -> None:
        """Forget the failures of a name that got in."""
        with self._lock:
            self._fails.pop((name.strip().lower(), address), None)
