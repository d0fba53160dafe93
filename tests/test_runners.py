"""Issue 8: the local runner and the batch coordinator (no services needed)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from ingest_helpers import pdf_pages
from sqlalchemy import func, select

from extractor.jobs import extract_record
from extractor.options import Options
from extractor.runners.base import RunnerSettings, Unit
from extractor.runners.batch import run_batch
from extractor.runners.local import LocalRunner
from extractor.runners.progress import BatchProgress
from extractor.settings import load_settings
from extractor.store import open_store
from extractor.store.models import Extraction, Job

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def make_batch(folder: Path, scan: bool = True) -> Path:
    """Two text plans, a truncated PDF and (``scan``) two OCR'd pages of a mild scan."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "text" / "003.txt", folder / "a-003.txt")
    shutil.copy(SAMPLES / "text" / "004.txt", folder / "b-004.txt")
    (folder / "c-broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    if scan:
        pdf_pages(SAMPLES / "001-scan-mild.pdf", folder / "d-scan.pdf", [0, 1])
    return folder


def assert_same_as_one_process(result: Any, folder: Path) -> None:
    """Every good file's record equals ``extract_record`` of it (the web app's one-process path)."""
    assert set(result.failed) == {str(folder / "c-broken.pdf")}
    assert "[E102]" in result.failed[str(folder / "c-broken.pdf")]
    for path in folder.iterdir():
        if path.name != "c-broken.pdf":
            assert json.loads(result.outputs[str(path)].read_text(encoding="utf-8")) == extract_record(path)


def crash(**_: Any) -> None:
    """A poisoned unit: the worker process dies (as on a segfault) every time it runs it."""
    os.kill(os.getpid(), signal.SIGKILL)


def slow_ocr_page(**kwargs: Any) -> Any:
    """The real OCR unit, after a pause long enough for a test to kill its worker mid-unit."""
    from extractor.runners.units import ocr_page

    time.sleep(3)
    return ocr_page(**kwargs)


def hang(**_: Any) -> None:
    """A poisoned unit that never finishes (caught only by the runner's time limit)."""
    time.sleep(3600)


class PoisonRunner(LocalRunner):
    """The real local pool, with one file's planning replaced by :func:`crash`."""

    def __init__(self, workers: int, poison: str):
        super().__init__(workers)
        self.poison, self.tries = poison, 0

    def submit(self, unit: Unit) -> None:
        if unit.kwargs.get("path") == self.poison:
            self.tries += 1
            unit = Unit(unit.key, "test_runners:crash", unit.kwargs, unit.attempt)
        super().submit(unit)


@needs_tesseract
def test_local_batch_pages_over_workers_same_records(tmp_path: Path) -> None:
    folder = make_batch(tmp_path / "in")
    result = run_batch(folder, tmp_path / "out", None, Options(jobs=2))
    assert_same_as_one_process(result, folder)
    assert result.ocr_pages == 2 and result.pages_per_minute > 0


def test_poisoned_file_fails_bounded_rest_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    folder = make_batch(tmp_path / "in", scan=False)
    poison = folder / "p-poison.txt"
    poison.write_text("Kế hoạch\n", encoding="utf-8")
    runner = PoisonRunner(2, str(poison))
    try:
        result = run_batch(folder, tmp_path / "out", tmp_path / "data", Options(jobs=2), runner=runner,
                           settings=RunnerSettings(max_attempts=2))
    finally:
        runner.close()
    assert runner.tries == 2
    assert "[E998]" in result.failed[str(poison)]
    assert set(result.outputs) == {str(folder / "a-003.txt"), str(folder / "b-004.txt")}
    store = open_store(load_settings(tmp_path / "data"))
    with store.read() as s:  # the web app's job rows say what happened, with the reason
        rows = {j.status: j for j in s.scalars(select(Job))}
        assert sorted(j.status for j in s.scalars(select(Job))) == ["done", "done", "failed", "failed"]
        assert s.scalar(select(func.count()).select_from(Extraction)) == 2
    assert rows["failed"].message.startswith("[E")


def test_local_runner_survives_a_dead_process() -> None:
    runner = LocalRunner(1)
    try:
        runner.submit(Unit("boom", "test_runners:crash", {}))
        done = _drain(runner, 1)
        assert done[0].error and done[0].retry
        runner.submit(Unit("plan", "plan", {"path": str(SAMPLES / "text" / "003.txt"),
                                            "options": {"jobs": 1, "progress": False}}))
        done = _drain(runner, 1)
        assert done[0].error is None and done[0].result["kind"] == "text"
    finally:
        runner.close()


def _drain(runner: LocalRunner, n: int, rounds: int = 120) -> list[Any]:
    out: list[Any] = []
    for _ in range(rounds):
        out += runner.poll(0.5)
        if len(out) >= n:
            return out
    raise AssertionError("runner returned nothing in 60 s")


def test_batch_progress_counts_rate_and_eta() -> None:
    progress = BatchProgress(3, enabled=False)
    progress.start -= 60  # one minute in
    progress.add_pages(10, done=4)
    progress.page()
    progress.document(ok=True)
    progress.document(ok=False, name="x.pdf", message="[E102] hỏng")
    line = progress.summary()
    assert "xong 1, lỗi 1, còn 1 văn bản" in line
    assert "5/10 trang" in line and "5.0 trang/phút" in line and "còn ~60 giây" in line
