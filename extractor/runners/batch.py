"""``kehoach extract --batch DIR``: every file of a folder through a runner, page by page.

The coordinator (this process) plans each document, fans its OCR pages out as separate
units (a 200-page scan spreads over every worker), assembles the record when the last page
is back, and alone writes results: one JSON file and, with a store, one extraction per
document sha256. A unit that crashes or times out is retried up to ``max_attempts`` times,
then its document is marked failed with the reason; the rest of the batch goes on.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import UnitFailed
from extractor.fsutil import atomic_write_text
from extractor.options import Options
from extractor.runners.base import Done, Runner, RunnerSettings, Unit, get_runner
from extractor.runners.progress import BatchProgress

log = logging.getLogger("kehoach.batch")


@dataclass
class BatchResult:
    """What a batch did: outputs and failures per input file, pages read, wall time."""

    outputs: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0

    @property
    def pages_per_minute(self) -> float:
        """Pages (all kinds) finished per minute of wall time."""
        return 60.0 * self.pages / self.seconds if self.seconds else 0.0


@dataclass
class _Doc:
    path: Path
    plan: dict[str, Any] | None = None
    pages: dict[int, dict[str, Any]] = field(default_factory=dict)
    job: Any = None
    beat: float = 0.0


def batch_files(folder: Path) -> list[Path]:
    """The files of ``folder`` a batch reads (not hidden, not sub-folders), in name order."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))


def run_batch(folder: str | Path, out_dir: str | Path, data_dir: str | Path | None,
              options: Options, runner: Runner | None = None,
              settings: RunnerSettings | None = None) -> BatchResult:
    """Extract every file of ``folder`` into ``out_dir/<stem>.json`` (and the store with ``data_dir``)."""
    settings = settings or RunnerSettings()
    own = runner is None
    runner = runner or get_runner(options.jobs, settings)
    try:
        return _Batch(batch_files(Path(folder)), Path(out_dir), data_dir, options, runner,
                      settings).run()
    finally:
        if own:
            runner.close()


def extract_one(path: Path, options: Options, runner: Runner,
                settings: RunnerSettings | None = None) -> dict[str, Any]:
    """One document's record through ``runner`` (its OCR pages spread over the workers)."""
    batch = _Batch([Path(path)], None, None, options, runner, settings or RunnerSettings())
    result = batch.run()
    if result.failed:
        raise UnitFailed(next(iter(result.failed.values())))
    return batch.records[str(path)]


class _Batch:
    def __init__(self, files: list[Path], out_dir: Path | None, data_dir: str | Path | None, options: Options,
                 runner: Runner, settings: RunnerSettings):
        self.docs = {str(p): _Doc(p) for p in files}
        self.out_dir, self.runner, self.settings = out_dir, runner, settings
        self.opts = options.model_copy(update={"jobs": 1, "progress": False}).model_dump(mode="json")
        self.result = BatchResult()
        self.records: dict[str, dict[str, Any]] = {}  # without out_dir (one document, web jobs)
        self.progress = BatchProgress(len(files), enabled=options.progress)
        self.jobs = _JobRows(data_dir) if data_dir is not None else None

    def run(self) -> BatchResult:
        start = time.monotonic()
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        with self.progress:
            for key, doc in self.docs.items():
                if self.jobs:
                    try:
                        doc.job = self.jobs.start(doc.path)
                    except Exception as exc:  # too large, unreadable: the store refuses it
                        self._fail(key, _message(exc))
                        continue
                self.runner.submit(Unit(f"plan:{key}", "plan", {"path": key, "options": self.opts}))
            while len(self.result.outputs) + len(self.result.failed) < len(self.docs):
                for done in self.runner.poll(1.0):
                    self._on_done(done)
                self._beat()
        self.result.seconds = time.monotonic() - start
        return self.result

    def _on_done(self, done: Done) -> None:
        key = done.unit.kwargs["path"]
        if key in self.result.failed or key in self.result.outputs:
            return  # a late duplicate of a document already settled
        if done.error is not None:
            if done.retry and done.unit.attempt < self.settings.max_attempts:
                log.warning("%s: %s; trying again", done.unit.key, done.error)
                self.runner.submit(Unit(done.unit.key, done.unit.name, done.unit.kwargs,
                                        done.unit.attempt + 1))
            else:
                self._fail(key, done.error)
            return
        doc = self.docs[key]
        if done.unit.name == "plan":
            self._planned(key, doc, done.result)
        elif done.unit.name == "ocr_page":
            page = done.result
            doc.pages[page["number"] - 1] = page
            self.progress.page()
            self._maybe_assemble(key, doc)
        else:
            self._finish(key, doc, done.result)

    def _planned(self, key: str, doc: _Doc, plan: dict[str, Any]) -> None:
        doc.plan = plan
        self.progress.add_pages(len(plan["layer"]) + len(plan["ocr"]), done=len(plan["layer"]))
        for index, quality in plan["ocr"]:
            self.runner.submit(Unit(f"ocr:{plan['sha256']}:{index}", "ocr_page", {
                "path": key, "kind": plan["kind"], "index": index, "quality": quality,
                "options": self.opts}))
        self._maybe_assemble(key, doc)

    def _maybe_assemble(self, key: str, doc: _Doc) -> None:
        assert doc.plan is not None
        if len(doc.pages) < len(doc.plan["ocr"]):
            return
        self.runner.submit(Unit(f"doc:{doc.plan['sha256']}", "assemble", {
            "path": key, "options": self.opts, "planned": doc.plan,
            "ocr_pages": [doc.pages[i] for i in sorted(doc.pages)]}))

    def _finish(self, key: str, doc: _Doc, record: dict[str, Any]) -> None:
        if self.out_dir is None:
            out = doc.path
            self.records[key] = record
        else:
            out = self.out_dir / f"{doc.path.stem}.json"
            atomic_write_text(out, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        if self.jobs and doc.job is not None:
            self.jobs.finish(doc.job, record)
        assert doc.plan is not None
        self.result.outputs[key] = out
        self.result.pages += len(doc.plan["layer"]) + len(doc.plan["ocr"])
        self.result.ocr_pages += len(doc.plan["ocr"])
        self.progress.document(ok=True)

    def _fail(self, key: str, message: str) -> None:
        self.result.failed[key] = message
        doc = self.docs[key]
        if self.jobs and doc.job is not None:
            self.jobs.fail(doc.job, message)
        self.progress.document(ok=False, name=doc.path.name, message=message)

    def _beat(self) -> None:
        if not self.jobs:
            return
        now = time.monotonic()
        for key, doc in self.docs.items():
            if doc.job is None or key in self.result.outputs or key in self.result.failed:
                continue
            if now - doc.beat >= 5.0:
                doc.beat = now
                total = len(doc.plan["layer"]) + len(doc.plan["ocr"]) if doc.plan else 0
                read = len(doc.plan["layer"]) + len(doc.pages) if doc.plan else 0
                pct = 10 + int(80 * read / total) if total else 10
                self.jobs.beat(doc.job, pct, f"đã đọc {read}/{total} trang" if total else "đang đọc văn bản")


class _JobRows:
    """The batch's documents as job rows of the store, so the web app shows their progress."""

    def __init__(self, data_dir: str | Path):
        from extractor.settings import load_settings
        from extractor.store import open_store

        self.settings = load_settings(data_dir)
        self.store = open_store(self.settings)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:batch"

    def start(self, path: Path) -> Any:
        from extractor import jobs
        from extractor.store import repo

        doc, _ = repo.add_document_file(self.store, self.settings.originals_dir, path,
                                        self.settings.max_upload_mb * 1024 * 1024, allow_text=True)
        return jobs.start_job(self.store, doc.id, self.worker)

    def beat(self, job: Any, progress: int, message: str) -> None:
        from extractor import jobs

        jobs.heartbeat(self.store, job, progress, message)

    def finish(self, job: Any, record: dict[str, Any]) -> None:
        from extractor import jobs

        record = dict(record, source=Path(record.get("source") or "").name or record.get("source"))
        jobs.finish(self.store, job, record)

    def fail(self, job: Any, message: str) -> None:
        from extractor import jobs

        jobs.fail(self.store, job, message)


def _message(exc: BaseException) -> str:
    from extractor.errors import KehoachError

    if isinstance(exc, KehoachError):
        return f"[{exc.code}] {exc.message}"
    return f"[E999] lỗi nội bộ ({exc.__class__.__name__}: {exc})"
