"""Accounts: argon2id password hashes, one role each."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extractor.errors import DuplicateUserError, NotFoundError
from extractor.store.db import Store
from extractor.store.models import ROLES, User

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps login time independent of names.
_DUMMY_HASH = _HASHER.hash("kehoach-no-such-user")


def create_user(store: Store, username: str, password: str, role: str) -> User:
    """A new active user; the name is trimmed, the password hashed with argon2id."""
    username = username.strip()
    if role not in ROLES:
        raise ValueError(f"vai trò không hợp lệ: {role} (chọn một trong {', '.join(ROLES)})")
    if not username or len(username) > 64:
        raise ValueError("tên đăng nhập phải có từ 1 đến 64 ký tự")
    if len(password) < 8:
        raise ValueError("mật khẩu phải có ít nhất 8 ký tự")
    try:
        with store.write() as s:
            user = User(username=username, password_hash=_HASHER.hash(password), role=role, active=True)
            s.add(user)
            s.flush()
            return user
    except IntegrityError:
        raise DuplicateUserError(f"tên đăng nhập “{username}” đã có") from None


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with this name and password, else None."""
    with store.read() as s:
        user = s.scalar(select(User).where(User.username == username.strip()))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.active else None


def get_user(store: Store, user_id: int) -> User | None:
    """The active user with this id."""
    with store.read() as s:
        user = s.get(User, user_id)
    return user if user is not None and user.active else None


def list_users(store: Store) -> list[User]:
    """All users by name."""
    with store.read() as s:
        return list(s.scalars(select(User).order_by(User.username)))


def set_user(store: Store, user_id: int, *, role: str | None = None, active: bool | None = None) -> User:
    """Change a user's role or switch them off."""
    with store.write() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(f"không có người dùng số {user_id}")
        if role is not None:
            if role not in ROLES:
                raise ValueError(f"vai trò không hợp lệ: {role}")
            user.role = role
        if active is not None:
            user.active = active
        return user
