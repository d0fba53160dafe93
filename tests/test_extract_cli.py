"""`kehoach extract` end to end: ingest (+ restoration for the garbled seed) → record on disk."""

import json

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.summary import summary_rows
from schemas.plan import Plan
from tests.conftest import seed_path
from tests.plan_helpers import load_scorer


def _extract(tmp_path, *paths):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_cli_writes_contract_records(shared, tmp_path):
    out = _extract(tmp_path, seed_path(shared, "000"), seed_path(shared, "001"))
    for seed in ("000", "001"):
        record = json.loads((out / f"{seed_path(shared, seed).stem}.json").read_text(encoding="utf-8"))
        Plan.model_validate(record)
        assert record["source"] == seed_path(shared, seed).name
        assert set(record["document"]) >= {"doc_type", "number", "issuer", "title", "legal_basis", "signer"}


@pytest.mark.slow
def test_garbled_004_end_to_end_meets_the_bar(shared, tmp_path):
    """Issue 4: the raw OCR-garbled seed through ingest + restoration + extraction."""
    out = _extract(tmp_path, seed_path(shared, "004"))
    pred = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    gold = json.loads((shared / "gold" / "004.json").read_text(encoding="utf-8"))
    scorer = load_scorer(shared)
    tally = scorer.Tally()
    scorer.score_pair(gold, pred, tally, False, "004")
    f1 = {name: tally.f1(name) for name in tally.rows}
    assert sum(f1.values()) / len(f1) >= 0.95, f1
    assert min(f1.values()) >= 0.90, f1


def test_summary_has_vietnamese_headings():
    headings = [h for h, _ in summary_rows(Plan(source="x.txt"))]
    for expected in ("Số", "Cơ quan ban hành", "Ngày", "Số nhiệm vụ", "Chỉ tiêu", "Kinh phí", "Vấn đề"):
        assert expected in headings
