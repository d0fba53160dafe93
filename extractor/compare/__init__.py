"""Compare plans against a national programme: align tasks to its reference set, tabulate, render.

``compare(inputs, out_dir, programme="1687")`` is the entry point the CLI calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.compare.report import Report

__all__ = ["compare"]


def compare(*args, **kwargs) -> Report:  # noqa: D103 - documented in extractor.compare.run
    from extractor.compare.run import compare as _compare

    return _compare(*args, **kwargs)
