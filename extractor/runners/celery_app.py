"""The Celery runner (``KEHOACH_BROKER_URL=redis://...``) and ``kehoach worker``.

At-least-once, effectively once: a unit is acknowledged only after it ran (``acks_late``),
goes back to the queue when its worker process dies (``task_reject_on_worker_lost``) or, when
the whole worker vanished, after Redis's visibility timeout, which is longer than the hard
time limit of any unit. Units are pure (see :mod:`extractor.runners.units`) and their task id
is the unit's key (document sha256, page, attempt), so a redelivered unit recomputes the same
result under the same id; only the coordinator writes records. A unit whose deliveries keep
killing workers is counted in Redis and refused after ``max_attempts`` deliveries.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery import Celery
from celery.result import AsyncResult

from extractor.runners.base import Done, RunnerSettings, Unit

DELIVERIES = "kehoach:deliveries:"


def make_app(settings: RunnerSettings | None = None) -> Celery:
    """A Celery app configured from ``KEHOACH_`` settings (no broker: memory, for imports only)."""
    settings = settings or RunnerSettings()
    broker = settings.broker_url or "memory://"
    visibility = settings.visibility_timeout_s
    # kombu sweeps for abandoned units every interval × throttle s (default 100 s): once per
    # interval is a cheap ZRANGEBYSCORE, and it bounds redelivery at visibility + interval.
    transport = {"visibility_timeout": visibility, "unacked_restore_throttle": 1,
                 "unacked_restore_interval": int(min(10, max(1, visibility // 5)))}
    app = Celery("kehoach", broker=broker, backend=settings.result_url or settings.broker_url or "cache+memory://")
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1, task_track_started=True,
        task_time_limit=settings.task_timeout_s, task_soft_time_limit=0.9 * settings.task_timeout_s,
        broker_transport_options=transport, result_backend_transport_options=transport,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        result_expires=7 * 24 * 3600, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False)
    app.task(name="kehoach.unit", bind=True)(_run_unit)
    return app


def _run_unit(task: Any, name: str, kwargs: dict[str, Any], max_attempts: int) -> dict[str, Any]:
    from extractor.errors import KehoachError
    from extractor.runners.local import call

    if _deliveries(task) > max_attempts:
        return {"error": f"[E998] bộ xử lý dừng đột ngột {max_attempts} lần khi đang đọc tệp này",
                "retry": False}
    try:
        return {"result": call(name, kwargs)}
    except KehoachError as exc:  # the same input fails the same way: no retry
        return {"error": f"[{exc.code}] {exc.message}", "retry": False}


def _deliveries(task: Any) -> int:
    """How many times this task id was started (redeliveries after a worker died included)."""
    url = task.app.conf.broker_url or ""
    if not url.startswith("redis"):
        return 1
    import redis

    client = redis.Redis.from_url(url)
    key = DELIVERIES + task.request.id
    count = int(client.incr(key))
    client.expire(key, 7 * 24 * 3600)
    return count


app = make_app()


class CeleryRunner:
    """Units as Celery tasks; results polled from the result backend."""

    def __init__(self, settings: RunnerSettings):
        self.settings = settings
        self.app = make_app(settings)
        self.pending: dict[str, tuple[AsyncResult, Unit]] = {}

    def submit(self, unit: Unit) -> None:
        """Send one unit; its task id is its key and attempt (stable across redeliveries)."""
        task_id = f"{unit.key}#{unit.attempt}"
        result = self.app.send_task("kehoach.unit", args=[unit.name, unit.kwargs, self.settings.max_attempts],
                                    task_id=task_id)
        self.pending[task_id] = (result, unit)

    def poll(self, timeout: float) -> list[Done]:
        """Units finished within ``timeout`` (checks at most 500 pending a round)."""
        deadline = time.monotonic() + timeout
        while True:
            out = []
            for task_id in list(self.pending)[:500]:
                result, unit = self.pending[task_id]
                if not result.ready():
                    continue
                del self.pending[task_id]
                out.append(_done(result, unit))
            if out or time.monotonic() >= deadline or not self.pending:
                return out
            time.sleep(0.1)

    def close(self) -> None:
        """Forget pending units (they still run; their results expire)."""
        self.pending.clear()


def _done(result: AsyncResult, unit: Unit) -> Done:
    if result.successful():
        value = result.result
        if "error" in value:
            return Done(unit, None, value["error"], retry=value["retry"])
        return Done(unit, value["result"])
    exc = result.result
    return Done(unit, None, f"[E998] {exc.__class__.__name__}: {exc}", retry=True)


def start_worker(concurrency: int, data_dir: str | os.PathLike[str] | None = None,
                 extra: list[str] | None = None) -> None:
    """``kehoach worker``: a Celery worker of ``concurrency`` processes (blocks until stopped)."""
    settings = RunnerSettings()
    if not settings.broker_url:
        from extractor.errors import KehoachError

        raise KehoachError("KEHOACH_BROKER_URL is not set; set it to redis://host:port/0 "
                           "(without it, extraction runs on the local process pool)")
    if data_dir is not None:
        os.environ["KEHOACH_DATA_DIR"] = str(data_dir)
    worker_app = make_app(settings)
    worker_app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={max(1, concurrency)}",
                            "-O", "fair", "-n", f"kehoach-{os.getpid()}@%h", *(extra or [])])
