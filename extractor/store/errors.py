"""Store failures (E3xx). Kept beside the store until ``extractor/errors.py`` takes them in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from extractor.errors import ExitCode, KehoachError


class StoreError(KehoachError):
    """Base of store failures."""

    code = "E300"
    exit_code = ExitCode.INPUT


class NotFoundError(StoreError):
    """No such document, field, user or job."""

    code = "E301"


class FieldConflictError(StoreError):
    """Someone saved the field since this page was loaded; nothing was overwritten."""

    code = "E302"

    def __init__(self, path: str, value: Any, version: int, by: str, at: datetime | None):
        super().__init__(f"{path}: {by} đã lưu giá trị khác (phiên bản {version}); hãy xem và lưu lại")
        self.field_path, self.value, self.version, self.by, self.at = path, value, version, by, at


class LockedError(StoreError):
    """The record is approved (Duyệt) and read-only."""

    code = "E303"


class UploadRejectedError(StoreError):
    """An upload is too large, empty or not a PDF/image (by its bytes, not its name)."""

    code = "E304"


class DuplicateUserError(StoreError):
    """That user name is taken."""

    code = "E305"
