"""The comparison over the store's records (``kehoach compare --db`` and the web compare page).

Reviewed values win (``current_record``); only records that implement the programme are
compared; reviewer alignment overrides (``alignment[<task key>]`` fields) are passed to
``align``. Report building and rendering are the file-based comparison's own.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extractor.compare import render
from extractor.compare.model import PlanInput, Report
from extractor.compare.run import build_report
from extractor.store.db import Store
from extractor.store.plans import StoredPlans, implementing, stored_plans


def store_report(store: Store, programme: str = "1687",
                 out_dir: Path | None = None) -> tuple[Report, StoredPlans]:
    """The report over the store's plans of ``programme`` (nothing written), and those plans."""
    found = stored_plans(store, implementing(programme))
    inputs = [PlanInput(sp.plan, Path(sp.plan.source)) for sp in found.plans]
    overrides = {sp.plan.source: sp.overrides for sp in found.plans if sp.overrides}
    return build_report(inputs, programme, out_dir, overrides), found


def compare_from_store(data_dir: str | Path | None, out_dir: Path, programme: str = "1687") -> Report:
    """Compare the store's records of ``programme``; write report.html, report.xlsx, CSVs to ``out_dir``."""
    from extractor.settings import load_settings
    from extractor.store import open_store

    store = open_store(load_settings(data_dir))
    try:
        report, _ = store_report(store, programme, Path(out_dir))
    finally:
        store.dispose()
    return replace(report, files=render.write(report, Path(out_dir)))
