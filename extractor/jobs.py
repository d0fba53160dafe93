"""Background extraction jobs, persisted in the database so they survive a restart.

A job is claimed by an atomic ``UPDATE ... WHERE status = 'queued'``; its ``attempts``
count is the fencing token: a worker that was presumed dead (no heartbeat for the lease)
and comes back cannot finish a job someone else has since claimed. The record, its fields,
revisions and the job's ``done`` are written in one transaction: never half a record.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from extractor.errors import KehoachError, NotFoundError
from extractor.settings import Settings, load_settings
from extractor.store import open_store, repo
from extractor.store.db import Store, rowcount
from extractor.store.models import Document, Job, utcnow
from extractor.store.originals import SUFFIX, original_path

log = logging.getLogger("kehoach.jobs")
MAX_ATTEMPTS = 3
Extractor = Callable[[Path], dict[str, Any]]


def extract_record(path: Path) -> dict[str, Any]:
    """The one call into the extraction pipeline: file → record JSON (with provenance).

    With ``KEHOACH_BROKER_URL`` set, this thread coordinates and the document's pages are
    OCR'd on the Celery workers (issue 8): same record, the job row and fencing unchanged.
    """
    from extractor.options import Options
    from extractor.pipeline import extract
    from extractor.runners.base import RunnerSettings

    options = Options.model_validate({"jobs": 1, "progress": False})
    runner_settings = RunnerSettings()
    if runner_settings.broker_url:
        from extractor.runners.batch import extract_one
        from extractor.runners.celery_app import CeleryRunner

        runner = CeleryRunner(runner_settings)
        try:
            return extract_one(path, options, runner, runner_settings)
        finally:
            runner.close()
    plan = extract(path, options)
    return plan.model_dump(mode="json") if hasattr(plan, "model_dump") else dict(plan)


def load_extractor(spec: str) -> Extractor:
    """``module:function`` → the function (``Settings.extractor``; tests swap in a fake)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def enqueue(store: Store, document_id: int, rerun: bool = False) -> Job:
    """The document's extraction job; enqueueing the same sha256 twice returns the first job."""
    with store.write() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"không có văn bản số {document_id}")
        key = doc.sha256
        if rerun:
            runs = s.scalar(select(func.count()).select_from(Job).where(Job.document_id == doc.id)) or 0
            key = f"{doc.sha256}:{runs}"
    try:
        with store.write() as s:
            job = Job(key=key, document_id=document_id, status="queued", progress=0, message="",
                      attempts=0, created_at=utcnow())
            s.add(job)
            s.flush()
            return job
    except IntegrityError:  # already queued by this or another process
        with store.read() as s:
            return s.scalars(select(Job).where(Job.key == key)).one()


def start_job(store: Store, document_id: int, worker: str) -> Job:
    """A new run of the document's extraction, already claimed by ``worker`` (batch coordinator).

    The row is what the web app shows; ``heartbeat``/``finish``/``fail`` fence it as usual.
    """
    with store.write() as s:
        runs = s.scalar(select(func.count()).select_from(Job).where(Job.document_id == document_id)) or 0
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"không có văn bản số {document_id}")
        job = Job(key=f"{doc.sha256}:{runs}:batch", document_id=document_id, status="running",
                  progress=5, message="đang xử lý", attempts=1, worker=worker, created_at=utcnow(),
                  heartbeat_at=utcnow())
        s.add(job)
        if doc.status != "approved":
            doc.status = "processing"
        s.flush()
        return job


def jobs_by_id(store: Store, ids: list[int]) -> list[Job]:
    """Jobs with these ids, in id order."""
    with store.read() as s:
        return list(s.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id)))


def claim(store: Store, worker: str) -> Job | None:
    """Take the oldest queued job, or None; safe against any number of competing workers."""
    for _ in range(20):
        with store.write() as s:
            job_id = s.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
            if job_id is None:
                return None
            won = rowcount(s.execute(
                update(Job).where(Job.id == job_id, Job.status == "queued")
                .values(status="running", worker=worker, attempts=Job.attempts + 1, progress=5,
                        message="đang xử lý", heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)))
            if won == 1:
                job = s.get(Job, job_id)
                assert job is not None
                s.refresh(job)
                doc = s.get(Document, job.document_id)
                if doc is not None and doc.status != "approved":
                    doc.status = "processing"
                return job
    return None


def _fenced(job: Job) -> Any:
    return update(Job).where(Job.id == job.id, Job.attempts == job.attempts, Job.status == "running")


def heartbeat(store: Store, job: Job, progress: int | None = None, message: str | None = None) -> bool:
    """Tell others this job is alive; False when it was taken from us."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
    if message is not None:
        values["message"] = message
    with store.write() as s:
        return bool(rowcount(s.execute(_fenced(job).values(**values)
                                       .execution_options(synchronize_session=False))))


def finish(store: Store, job: Job, record: dict[str, Any]) -> bool:
    """Store the record and mark the job done, atomically; False (nothing written) if fenced off."""
    with store.write() as s:
        won = rowcount(s.execute(_fenced(job).values(status="done", progress=100, message="xong",
                                                     finished_at=utcnow())
                                 .execution_options(synchronize_session=False)))
        if won != 1:
            return False
        doc = s.scalar(select(Document).where(Document.id == job.document_id).with_for_update())
        assert doc is not None
        repo.apply_extraction(s, doc, record, job.id, locked=doc.status == "approved")
        if doc.status != "approved":
            doc.status = "review"
        return True


def fail(store: Store, job: Job, message: str) -> None:
    """Mark the job failed with a message the uploader can read."""
    with store.write() as s:
        won = rowcount(s.execute(_fenced(job).values(status="failed", message=message[:2000],
                                                     finished_at=utcnow())
                                 .execution_options(synchronize_session=False)))
        doc = s.get(Document, job.document_id)
        if won and doc is not None and doc.status != "approved":
            doc.status = "failed"


def requeue_stale(store: Store, lease_s: float) -> int:
    """Put back jobs whose worker stopped beating (crash, kill); give up after MAX_ATTEMPTS."""
    cutoff = utcnow() - timedelta(seconds=lease_s)
    with store.write() as s:
        stale = (Job.status == "running", Job.heartbeat_at < cutoff)
        s.execute(update(Job).where(*stale, Job.attempts >= MAX_ATTEMPTS)
                  .values(status="failed", message="bộ xử lý dừng giữa chừng quá nhiều lần")
                  .execution_options(synchronize_session=False))
        return rowcount(s.execute(update(Job).where(*stale).values(status="queued", worker=None,
                                                                   progress=0, message="chờ xử lý lại")
                                  .execution_options(synchronize_session=False)))


def requeue_orphans(store: Store) -> int:
    """Put back at once the running jobs of dead worker processes on this machine (restart)."""
    host, count = socket.gethostname(), 0
    with store.read() as s:
        running = list(s.scalars(select(Job).where(Job.status == "running")))
    for job in running:
        owner_host, _, rest = (job.worker or "").partition(":")
        pid = rest.partition(":")[0]
        if owner_host != host or not pid.isdigit() or _alive(int(pid)):
            continue
        with store.write() as s:
            count += rowcount(s.execute(_fenced(job).values(status="queued", worker=None, progress=0,
                                                           message="chờ xử lý lại")
                                        .execution_options(synchronize_session=False)))
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_job(store: Store, settings: Settings, job: Job, extractor: Extractor) -> bool:
    """Extract one claimed job's document and store the result; True when it is done."""
    with store.read() as s:
        doc = s.get(Document, job.document_id)
    assert doc is not None
    work = settings.data_dir / "tmp" / f"job-{job.id}-{job.attempts}"
    for stale in work.parent.glob(f"job-{job.id}-*"):  # scratch of fenced-off earlier attempts
        shutil.rmtree(stale, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    # The extractor gets a name with the right suffix; the original itself stays untouched.
    src = work / f"{doc.sha256[:16]}{SUFFIX.get(doc.mime, '')}"
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(store, job, settings.job_lease_s / 4, stop), daemon=True)
    try:
        try:
            os.link(original_path(settings.originals_dir, doc.sha256), src)
        except OSError:
            shutil.copyfile(original_path(settings.originals_dir, doc.sha256), src)
        heartbeat(store, job, 10, "đang đọc văn bản")
        beat.start()
        record = extractor(src)
        record["source"] = doc.filename
        stop.set()
        heartbeat(store, job, 90, "đang lưu kết quả")
        return finish(store, job, record)
    except KehoachError as exc:
        fail(store, job, f"[{exc.code}] {exc.message}")
    except Exception as exc:  # a bug in one document must not kill the worker
        log.exception("job %s failed", job.id)
        fail(store, job, f"[E999] lỗi nội bộ ({exc.__class__.__name__}); hãy báo kèm tệp này")
    finally:
        stop.set()
        shutil.rmtree(work, ignore_errors=True)
    return False


def _beat(store: Store, job: Job, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        if not heartbeat(store, job):
            return


def work(store: Store, settings: Settings, stop: threading.Event, name: str = "",
         poll_s: float = 0.5, once: bool = False) -> int:
    """Claim and run jobs until ``stop`` is set (or the queue is empty with ``once``)."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{name or threading.get_ident()}"
    extractor = load_extractor(settings.extractor)
    done = 0
    requeue_orphans(store)
    while not stop.is_set():
        try:
            requeue_stale(store, settings.job_lease_s)
            job = claim(store, worker)
        except Exception:  # database away for a moment: keep the worker alive, try again
            log.exception("job queue unavailable")
            stop.wait(max(poll_s, 2.0))
            continue
        if job is None:
            if once:
                break
            stop.wait(poll_s)
            continue
        done += run_job(store, settings, job, extractor)
    return done


class WorkerPool:
    """``n`` worker threads in this process (the web app starts one pool)."""

    def __init__(self, store: Store, settings: Settings, n: int):
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=work, args=(store, settings, self.stop, f"w{i}"),
                                         daemon=True, name=f"kehoach-worker-{i}") for i in range(n)]

    def start(self) -> WorkerPool:
        """Start the threads."""
        for thread in self.threads:
            thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Ask the threads to stop after their current job."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)


def watch(inbox_dir: str | Path, data_dir: str | Path | None = None, poll_s: float = 2.0,
          stop: threading.Event | None = None) -> None:
    """Store and extract every PDF/image dropped into ``inbox_dir``; moves each to ``inbox/done``."""
    settings = load_settings(data_dir)
    store = open_store(settings)
    inbox = Path(inbox_dir)
    done_dir = inbox / "done"
    done_dir.mkdir(parents=True, exist_ok=True)
    stop = stop or threading.Event()
    pool = WorkerPool(store, settings, max(1, settings.workers)).start()
    try:
        while not stop.is_set():
            for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
                try:
                    doc, _ = repo.add_document_file(store, settings.originals_dir, path,
                                                    settings.max_upload_mb * 1024 * 1024)
                    enqueue(store, doc.id)
                    os.replace(path, done_dir / path.name)
                except KehoachError as exc:
                    log.warning("%s: [%s] %s", path.name, exc.code, exc.message)
                    os.replace(path, done_dir / f"{path.name}.rejected")
            stop.wait(poll_s)
    finally:
        pool.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m extractor.jobs [--data-dir DIR] [--once]``: a stand-alone worker."""
    import argparse

    parser = argparse.ArgumentParser(description="kehoach extraction worker")
    parser.add_argument("--data-dir")
    parser.add_argument("--once", action="store_true", help="exit when the queue is empty")
    args = parser.parse_args(argv)
    settings = load_settings(args.data_dir)
    store = open_store(settings)
    stop = threading.Event()
    work(store, settings, stop, "main", once=args.once)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
