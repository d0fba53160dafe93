"""Crash test (issue 5): kill the worker mid-job, restart, the job completes once, nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from web_fixtures.helpers import small_record

from extractor import jobs
from extractor.store import record as rec
from extractor.store import repo
from extractor.store.models import Extraction, FieldValue, Job, Revision

TESTS = Path(__file__).resolve().parent
LEASE_S = 2.0


def _worker_env(settings, marker: Path, sleep: float) -> dict[str, str]:
    return {**os.environ, "KEHOACH_DATA_DIR": str(settings.data_dir),
            "KEHOACH_DATABASE_URL": settings.sqlalchemy_url, "KEHOACH_JOB_LEASE_S": str(LEASE_S),
            "KEHOACH_EXTRACTOR": "web_fixtures.fake_extract:extract_slow",
            "KEHOACH_TEST_MARKER": str(marker), "KEHOACH_TEST_SLEEP": str(sleep),
            "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}


def _worker(settings, marker: Path, sleep: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor.jobs", "--once"],
                            env=_worker_env(settings, marker, sleep),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _counts(store) -> tuple[int, int, int]:
    with store.read() as s:
        return (s.scalar(select(func.count()).select_from(Extraction)),
                s.scalar(select(func.count()).select_from(FieldValue)),
                s.scalar(select(func.count()).select_from(Revision)))


def test_killed_worker_job_completes_once(store, settings, tmp_path):
    """Different machine (or an unknown pid): the job waits for its lease to run out."""
    doc, _ = repo.add_document(store, settings.originals_dir, [b"%PDF-1.4\n%%EOF\n"], "kh.pdf", 1 << 20)
    job = jobs.enqueue(store, doc.id)
    marker = tmp_path / "marker"

    first = _worker(settings, marker, sleep=60)
    deadline = time.monotonic() + 60
    while not (marker.exists() and marker.read_text().strip()):  # the extractor is running
        assert first.poll() is None, first.stdout.read().decode()
        assert time.monotonic() < deadline, "worker never started the job"
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)

    (running,) = jobs.jobs_by_id(store, [job.id])
    assert (running.status, running.attempts) == ("running", 1)
    with store.write() as s:  # as if it had run on another machine: only the lease can free it
        s.get(Job, job.id).worker = "elsewhere:1:w"
    assert _counts(store) == (0, 0, 0)  # nothing of the record was written
    assert repo.get_document(store, doc.id).status == "processing"

    time.sleep(LEASE_S + 0.5)  # the dead worker's lease runs out
    second = _worker(settings, marker, sleep=0)
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out.decode()

    (done,) = jobs.jobs_by_id(store, [job.id])
    assert (done.status, done.attempts, done.progress) == ("done", 2, 100)
    n_fields = len(rec.flatten(small_record()))
    assert _counts(store) == (1, n_fields, n_fields)  # one record, one first revision per field
    assert len(marker.read_text().split()) == 2  # extracted twice, stored once
    assert repo.get_document(store, doc.id).status == "review"
    # Enqueueing the same document again (a re-upload) is the same job: no second record.
    assert jobs.enqueue(store, doc.id).id == job.id
    assert jobs.claim(store, "again") is None
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 1
    assert not list((settings.data_dir / "tmp").glob("job-*"))  # the dead attempt's scratch is gone


def test_restart_on_same_machine_requeues_dead_worker_at_once(store, settings, tmp_path):
    doc, _ = repo.add_document(store, settings.originals_dir, [b"%PDF-1.4\n%%EOF\n"], "kh.pdf", 1 << 20)
    job = jobs.enqueue(store, doc.id)
    marker = tmp_path / "marker"
    first = _worker(settings, marker, sleep=60)
    deadline = time.monotonic() + 60
    while not (marker.exists() and marker.read_text().strip()):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    started = time.monotonic()
    second = subprocess.run([sys.executable, "-m", "extractor.jobs", "--once"], timeout=120,
                            env={**_worker_env(settings, marker, 0), "KEHOACH_JOB_LEASE_S": "3600"})
    assert second.returncode == 0 and time.monotonic() - started < 60
    (done,) = jobs.jobs_by_id(store, [job.id])
    assert (done.status, done.attempts) == ("done", 2)
    assert _counts(store)[0] == 1
