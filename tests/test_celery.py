"""Issue 8: Celery runner on a real Redis; a worker SIGKILLed mid-unit loses nothing, duplicates nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from sqlalchemy import func, select
from test_runners import assert_same_as_one_process, make_batch, needs_tesseract

from extractor.jobs import extract_record
from extractor.options import Options
from extractor.runners.base import Done, RunnerSettings, Unit
from extractor.runners.batch import run_batch
from extractor.settings import load_settings
from extractor.store import open_store
from extractor.store.models import Document, Extraction, Job

pytest.importorskip("celery", reason="celery[redis] is not installed")
from extractor.runners.celery_app import CeleryRunner  # noqa: E402

SCRIPT = ROOT / "scripts" / "redis_test_server.sh"


@pytest.fixture()
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        if os.environ.get("KEHOACH_REQUIRE_REDIS") == "1":
            pytest.fail("KEHOACH_REQUIRE_REDIS=1 but redis-server is missing: "
                        "apt-get install -y redis-server")
        pytest.skip("redis-server is not installed (apt-get install -y redis-server); "
                    "set KEHOACH_REQUIRE_REDIS=1 to make this a failure")
    out = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, check=True,
                         timeout=30).stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
    try:
        yield env["KEHOACH_TEST_REDIS_URL"]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", env["REDISTEST_DIR"]], timeout=30, check=False)


class Worker:
    """``start_worker(1)`` in its own process group (so a SIGKILL takes the whole worker)."""

    def __init__(self, name: str, env: dict[str, str], log: Path, concurrency: int = 1):
        code = (f"from extractor.runners.celery_app import start_worker; "
                f"start_worker({concurrency}, "
                f"extra=['-n', '{name}@test', '--without-gossip', '--without-mingle'])")
        self.name, self.log = f"{name}@test", log
        self.proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                                     stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log.read_bytes():
                return
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} not ready: {self.log.read_text(errors='replace')}")

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)


def kill_mid_unit(url: str, workers: list[Worker], killed: threading.Event, stop: threading.Event) -> None:
    """SIGKILL the first worker the result backend shows running an OCR page."""
    import redis

    client = redis.Redis.from_url(url)
    names = {w.name: w for w in workers}
    while not stop.is_set():
        for key in client.scan_iter("celery-task-meta-ocr:*"):
            meta = json.loads(client.get(key) or b"{}")
            host = (meta.get("result") or {}).get("hostname") if meta.get("status") == "STARTED" else None
            if host in names:
                names[host].kill()
                killed.set()
                return
        time.sleep(0.05)


class Bounded(CeleryRunner):
    """Fails the test instead of waiting forever when units stop coming back."""

    def __init__(self, settings: RunnerSettings, seconds: float):
        super().__init__(settings)
        self.deadline = time.monotonic() + seconds

    def poll(self, timeout: float) -> list[Done]:
        assert time.monotonic() < self.deadline, f"units still pending: {sorted(self.pending)}"
        return super().poll(timeout)


class SlowOcr(Bounded):
    """OCR units run through :func:`test_runners.slow_ocr_page`, so a kill lands mid-unit, never after."""

    def submit(self, unit: Unit) -> None:
        if unit.name != "ocr_page":
            super().submit(unit)
            return
        task_id = f"{unit.key}#{unit.attempt}"
        result = self.app.send_task("kehoach.unit", task_id=task_id, args=[
            "test_runners:slow_ocr_page", unit.kwargs, self.settings.max_attempts])
        self.pending[task_id] = (result, unit)  # the batch sees the real unit come back


@needs_tesseract
def test_worker_killed_mid_page_every_document_once(redis_url: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    env = {**os.environ, "KEHOACH_BROKER_URL": redis_url, "KEHOACH_TASK_TIMEOUT_S": "60",
           "KEHOACH_BROKER_VISIBILITY_S": "5",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    env.pop("KEHOACH_DATABASE_URL", None)
    folder = make_batch(tmp_path / "in")
    workers = [Worker(n, env, tmp_path / f"{n}.log") for n in ("a", "b")]
    stop, killed = threading.Event(), threading.Event()
    try:
        for worker in workers:
            worker.wait_ready()
        killer = threading.Thread(target=kill_mid_unit, args=(redis_url, workers, killed, stop), daemon=True)
        killer.start()
        settings = RunnerSettings(broker_url=redis_url, task_timeout_s=60, broker_visibility_s=5)
        result = run_batch(folder, tmp_path / "out", tmp_path / "data", Options(jobs=1),
                           runner=SlowOcr(settings, 300), settings=settings)
        # The web app's jobs take the same path when the broker is set.
        monkeypatch.setenv("KEHOACH_BROKER_URL", redis_url)
        monkeypatch.setenv("KEHOACH_BROKER_VISIBILITY_S", "5")
        text = folder / "a-003.txt"
        on_celery = extract_record(text)
        monkeypatch.delenv("KEHOACH_BROKER_URL")
        assert on_celery == json.loads(result.outputs[str(text)].read_text(encoding="utf-8"))
    finally:
        stop.set()
        for worker in workers:
            worker.kill()
    assert killed.is_set(), "no worker was seen running an OCR page"
    import redis

    client = redis.Redis.from_url(redis_url)
    deliveries = {k: int(client.get(k) or 0) for k in client.scan_iter("kehoach:deliveries:*")}
    assert 2 in deliveries.values(), f"the killed unit was not redelivered: {deliveries}"
    assert_same_as_one_process(result, folder)
    store = open_store(load_settings(tmp_path / "data"))
    with store.read() as s:  # exactly once: one document, one extraction, one done job per good file
        assert s.scalar(select(func.count()).select_from(Document)) == 4  # the broken PDF is kept too
        assert s.scalar(select(func.count()).select_from(Extraction)) == 3
        assert sorted(j.status for j in s.scalars(select(Job))) == ["done", "done", "done", "failed"]


class HangRunner(Bounded):
    """The poisoned file's planning replaced by a unit that never ends."""

    def __init__(self, settings: RunnerSettings, poison: str):
        super().__init__(settings, 120)
        self.poison, self.tries = poison, 0

    def submit(self, unit: Unit) -> None:
        if unit.kwargs.get("path") == self.poison:
            self.tries += 1
            unit = Unit(unit.key, "test_runners:hang", unit.kwargs, unit.attempt)
        super().submit(unit)


def test_unit_timing_out_every_time_fails_bounded_rest_done(redis_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "KEHOACH_BROKER_URL": redis_url, "KEHOACH_TASK_TIMEOUT_S": "10",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    folder = make_batch(tmp_path / "in", scan=False)
    poison = folder / "p-hangs.txt"
    poison.write_text("Kế hoạch\n", encoding="utf-8")
    worker = Worker("t", env, tmp_path / "t.log", concurrency=2)
    settings = RunnerSettings(broker_url=redis_url, task_timeout_s=10, max_attempts=2)
    runner = HangRunner(settings, str(poison))
    try:
        worker.wait_ready()
        result = run_batch(folder, tmp_path / "out", None, Options(jobs=1), runner=runner, settings=settings)
    finally:
        worker.kill()
    assert runner.tries == 2
    assert "TimeLimitExceeded" in result.failed[str(poison)]
    assert set(result.outputs) == {str(folder / "a-003.txt"), str(folder / "b-004.txt")}
