"""Failures of the drafting stage (issue 7).

Kept beside the stage until ``extractor/errors.py`` (owned elsewhere) takes them in; they
subclass :class:`extractor.errors.KehoachError` so the CLI maps them like any other.
"""

from __future__ import annotations

from extractor.errors import ExitCode, KehoachError


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
