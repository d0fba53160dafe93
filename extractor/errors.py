"""The one place where user-facing failures are named.

Library code raises these; only the CLI maps them to exit codes and only the web
app maps them to HTTP answers. Each code is stable so an operator can quote it.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes of the ``kehoach`` CLI (documented in the README)."""

    OK = 0
    PARTIAL = 1  # some files or pages failed; the rest completed
    USAGE = 2  # bad command-line arguments (click's own code)
    INPUT = 3  # unreadable, empty, corrupt or unsupported input file
    ENCRYPTED = 4  # encrypted PDF without (or with a wrong) password
    TOO_LARGE = 5  # decompression bomb / oversized image
    ENGINE = 6  # an external engine (tesseract) is missing or failed
    INTERNAL = 70  # a bug: please report it with the log


class KehoachError(Exception):
    """Base class: a failure with a message that tells the user what to do."""

    code: str = "E000"
    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, path: str | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.page = page

    def one_line(self) -> str:
        """Render as the single line the CLI prints: file, page, code and advice."""
        where = self.path or "-"
        if self.page is not None:
            where += f" (page {self.page})"
        return f"{where}: [{self.code}] {self.message}"


class PartialResultError(KehoachError):
    """Some pages of a document failed; the rest was read and written."""

    code = "E001"
    exit_code = ExitCode.PARTIAL

    def __init__(self, path: str):
        super().__init__("some pages failed (see the lines above); the rest was written", path=path)


class InputFileError(KehoachError):
    """The file cannot be read as any supported document."""

    code = "E100"
    exit_code = ExitCode.INPUT


class EmptyFileError(InputFileError):
    """The file has zero bytes or zero pages."""

    code = "E101"


class CorruptFileError(InputFileError):
    """The file claims a known type but its content is broken or truncated."""

    code = "E102"


class UnsupportedTypeError(InputFileError):
    """The file's real type (sniffed, not its extension) is not one we read."""

    code = "E103"


class EncryptedPdfError(KehoachError):
    """The PDF is encrypted and the password is missing or wrong."""

    code = "E104"
    exit_code = ExitCode.ENCRYPTED


class ImageTooLargeError(KehoachError):
    """The image is larger than the pixel limit (a likely decompression bomb)."""

    code = "E105"
    exit_code = ExitCode.TOO_LARGE


class EngineMissingError(KehoachError):
    """An external engine or its language data is not installed."""

    code = "E200"
    exit_code = ExitCode.ENGINE


class EngineFailedError(KehoachError):
    """An external engine exited non-zero, crashed or timed out on one input."""

    code = "E201"
    exit_code = ExitCode.ENGINE


class EngineTimeoutError(EngineFailedError):
    """An external engine ran past its time limit."""

    code = "E202"


# --- store and review app (E3xx) ---


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


# --- drafting (E6xx) ---


class DraftError(KehoachError):
    """A draft could not be produced."""

    code = "E600"
    exit_code = ExitCode.INPUT


class TemplateSecurityError(DraftError):
    """A drafter's template tried to reach Python internals or the filesystem."""

    code = "E601"


class TemplateVariableError(DraftError):
    """A template uses a variable the context does not provide."""

    code = "E602"


class TemplateSyntaxProblem(DraftError):
    """A template does not parse."""

    code = "E603"


class ConversionError(DraftError):
    """LibreOffice could not turn the .docx into a PDF."""

    code = "E604"
    exit_code = ExitCode.ENGINE


class ContextFileError(DraftError):
    """The YAML/JSON override file cannot be read."""

    code = "E605"


# --- comparison (E7xx) ---


class UnknownProgramme(KehoachError):
    """No reference file for the programme asked for."""

    code = "E700"
    exit_code = ExitCode.USAGE

    def __init__(self, programme: str, known: list[str]):
        super().__init__(f"no reference task set for programme {programme!r}; known: "
                         f"{', '.join(known) or 'none'} (add extractor/data/programmes/{programme}.json)")


class InvalidProgramme(KehoachError):
    """A programme file that does not hold a usable reference task set."""

    code = "E702"
    exit_code = ExitCode.INPUT

    def __init__(self, programme: str, detail: str):
        super().__init__(f"programme file {programme!r} is not a reference task set ({detail}); "
                         "see extractor/data/programmes/README.md")


class InvalidRecordError(KehoachError):
    """A .json input is not a plan record."""

    code = "E701"
    exit_code = ExitCode.INPUT

    def __init__(self, path: Path, detail: str):
        super().__init__(
            f"not a plan record ({detail}); give a record written by `kehoach extract --json` "
            "or the source document itself",
            path=str(path),
        )


# --- runners ---


class UnitFailed(KehoachError):
    """A document failed on a runner; code and message as the unit reported them."""

    def __init__(self, reason: str):
        code, _, message = reason.partition("] ")
        super().__init__(message or reason)
        self.code = code.lstrip("[") if message else "E999"
