"""The one place where user-facing failures are named.

Library code raises these; only the CLI maps them to exit codes and only the web
app maps them to HTTP answers. Each code is stable so an operator can quote it.
"""

from __future__ import annotations

from enum import IntEnum


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
