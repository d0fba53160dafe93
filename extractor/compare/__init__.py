"""Compare plans against a national programme: align tasks to its reference set, tabulate, render.

``compare(inputs, out_dir, programme="1687")`` is the entry point the CLI calls; the modules
load lazily (openpyxl, the agency registry) so importing this package costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.compare.report import Report
    from extractor.options import Options

__all__ = ["compare"]


def compare(inputs: Sequence[Path], out_dir: Path, programme: str = "1687", *,
            options: Options | None = None,
            overrides: Mapping[str, Mapping[str, str | None]] | None = None) -> Report:
    """Compare plans against ``programme``; write report.html, report.xlsx and one CSV per table.

    ``inputs``: source documents (extracted with ``options``) or record JSON files.
    ``overrides``: reviewer decisions per record ``source`` name, ``{task_number: ref_id | None}``.
    """
    from extractor.compare.run import compare as run

    return run(list(inputs), out_dir, programme, options=options, overrides=overrides)
