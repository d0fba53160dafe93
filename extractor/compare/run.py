"""``compare(inputs, out_dir)``: records in, aligned tables and report files out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from extractor.compare import render, report
from extractor.compare.align import Overrides, Params, align_all
from extractor.compare.locate import with_located_provenance
from extractor.compare.reference import load
from extractor.errors import InvalidRecordError
from extractor.options import Options
from schemas.plan import Plan


def read_input(path: Path, options: Options | None = None) -> report.PlanInput:
    """A record JSON as it is, or a source document through extraction."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            plan = Plan.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValidationError, UnicodeDecodeError) as exc:
            raise InvalidRecordError(path, str(exc).splitlines()[0]) from exc
        beside = path.parent / plan.source
        source = beside if plan.source and beside.is_file() else None
        return report.PlanInput(with_located_provenance(plan, source), path, source)
    from extractor.pipeline import extract

    return report.PlanInput(extract(path, options or Options()), path, path)


def group_by_province(inputs: Sequence[report.PlanInput]) -> list[list[int]]:
    """Indices of the inputs per province, in first-seen order (a plan and its appendix together)."""
    groups: dict[str, list[int]] = {}
    for i, inp in enumerate(inputs):
        key = inp.plan.document.province or Path(inp.plan.source or inp.path.name).stem
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def build_report(
    inputs: Sequence[report.PlanInput],
    programme: str = "1687",
    out_dir: Path | None = None,
    overrides: Mapping[str, Overrides] | None = None,
    params: Params | None = None,
) -> report.Report:
    """Align and tabulate already-read inputs (no files written)."""
    reference = load(programme)
    by_index = {
        i: overrides[inp.plan.source]
        for i, inp in enumerate(inputs)
        if overrides and inp.plan.source in overrides
    }
    alignments = align_all([i.plan for i in inputs], reference, by_index, params or Params())
    provinces = []
    for idx in group_by_province(inputs):
        first = inputs[idx[0]].plan
        name = first.document.province or Path(first.source or inputs[idx[0]].path.name).stem
        provinces.append(
            report.Province(name, tuple(inputs[i] for i in idx), tuple(alignments[i] for i in idx))
        )
    return report.build(reference, provinces, out_dir)


def compare(
    inputs: list[Path],
    out_dir: Path,
    programme: str = "1687",
    *,
    options: Options | None = None,
    overrides: Mapping[str, Overrides] | None = None,
) -> report.Report:
    """Compare plans against ``programme``'s reference set; write report.html, report.xlsx, CSVs.

    ``inputs`` are source documents (extracted with ``options``) or record JSON files.
    ``overrides`` maps a record's ``source`` file name to reviewer overrides
    ``{task_number: ref_id | None}``. Returns the report with ``files`` filled in.
    """
    out_dir = Path(out_dir)
    read = [read_input(Path(p), options) for p in inputs]
    built = build_report(read, programme, out_dir, overrides)
    return replace(built, files=render.write(built, out_dir))
