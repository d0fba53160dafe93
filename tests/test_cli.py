"""The CLI end to end on small real inputs: extract into the store, compare and draft from it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "samples" / "text"


def test_extract_db_then_compare_and_draft_from_the_store(tmp_path):
    data = tmp_path / "data"
    runner = CliRunner()
    out = tmp_path / "records"
    result = runner.invoke(main, ["extract", str(TEXT / "001.txt"), str(TEXT / "004.txt"),
                                  "--out", str(out), "--db", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "001.json").read_text(encoding="utf-8"))["document"]["province"] == "Lạng Sơn"
    assert (data / "kehoach.sqlite3").exists()
    again = runner.invoke(main, ["extract", str(TEXT / "001.txt"), "--json", str(tmp_path / "a.json"),
                                 "--db", "--data-dir", str(data)])
    assert again.exit_code == 0 and "(updated)" in again.output  # same sha256: found, not duplicated

    report = tmp_path / "report"
    result = runner.invoke(main, ["compare", "--db", "--data-dir", str(data), "--out", str(report)])
    assert result.exit_code == 0, result.output
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "Lạng Sơn" in html and "Sơn La" in html

    draft = tmp_path / "plan.md"
    result = runner.invoke(main, ["draft", "--db", "--data-dir", str(data), "--province", "Cao Bằng",
                                  "--out", str(draft)])
    assert result.exit_code == 0, result.output
    assert "tỉnh Cao Bằng" in draft.read_text(encoding="utf-8")


def test_compare_needs_files_or_db(tmp_path):
    result = CliRunner().invoke(main, ["compare", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "FILES or --db" in result.output


def test_bad_file_in_a_batch_gets_one_line_and_the_rest_completes(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<")  # truncated
    out = tmp_path / "records"
    result = CliRunner().invoke(main, ["extract", str(bad), str(TEXT / "001.txt"), "--out", str(out)])
    assert result.exit_code == 3
    errors = [ln for ln in result.output.splitlines() if ln.startswith("kehoach: ") and "broken.pdf" in ln]
    assert len(errors) == 1 and "[E10" in errors[0]
    assert (out / "001.json").exists() and not (out / "broken.json").exists()


def test_batch_folder_extracts_every_file_and_reports_the_bad_one(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "001.txt").write_bytes((TEXT / "001.txt").read_bytes())
    (inbox / "bad.pdf").write_bytes(b"not a pdf at all \x00\x01")
    out = tmp_path / "records"
    result = CliRunner().invoke(main, ["extract", "--batch", str(inbox), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "bad.pdf" in result.output and "1 failed" in result.output
    record = json.loads((out / "001.json").read_text(encoding="utf-8"))
    assert record["document"]["issuer"] == "Ủy ban nhân dân tỉnh Lạng Sơn"
