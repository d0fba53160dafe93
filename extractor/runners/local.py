"""The default runner: a local process pool, no services (``KEHOACH_BROKER_URL`` unset)."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from extractor.runners import units
from extractor.runners.base import Done, Unit

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "plan": units.plan, "ocr_page": units.ocr_page, "assemble": units.assemble}


def call(name: str, kwargs: dict[str, Any]) -> Any:
    """Run the unit function ``name`` (or a ``module:function``) on ``kwargs``."""
    if name in FUNCTIONS:
        return FUNCTIONS[name](**kwargs)
    from extractor.jobs import load_extractor  # ``module:function`` (tests inject faults)

    function: Callable[..., Any] = load_extractor(name)
    return function(**kwargs)


class LocalRunner:
    """``workers`` processes (spawned: no fork with the caller's threads and DB connections).

    A process that dies (segfault, OOM kill) breaks the whole pool and every unit in flight
    with it. Those units are then re-run one at a time in a one-process quarantine pool, so
    only the unit that kills its process is reported failed (and charged an attempt); the
    others just finish late. A fresh pool takes the new work.
    """

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.pool = self._new_pool(self.workers)
        self.pending: dict[cf.Future[Any], Unit] = {}
        self.owner: dict[cf.Future[Any], cf.ProcessPoolExecutor] = {}
        self.suspects: deque[Unit] = deque()
        self.quarantine: cf.ProcessPoolExecutor | None = None
        self.isolated: tuple[cf.Future[Any], Unit] | None = None

    @staticmethod
    def _new_pool(workers: int) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, unit: Unit) -> None:
        """Queue one unit."""
        try:
            future = self.pool.submit(call, unit.name, unit.kwargs)
        except BrokenProcessPool:
            self._renew()
            future = self.pool.submit(call, unit.name, unit.kwargs)
        self.pending[future] = unit
        self.owner[future] = self.pool

    def poll(self, timeout: float) -> list[Done]:
        """Units finished within ``timeout`` seconds (possibly none)."""
        self._isolate_next()
        waiting = list(self.pending) + ([self.isolated[0]] if self.isolated else [])
        if not waiting:
            return []
        finished, _ = cf.wait(waiting, timeout, return_when=cf.FIRST_COMPLETED)
        out, broken = [], False
        for future in finished:
            if self.isolated and future is self.isolated[0]:
                unit, self.isolated = self.isolated[1], None
                if isinstance(future.exception(), BrokenProcessPool):
                    self._close_quarantine()
                out.append(_done(future, unit))
                continue
            unit, pool = self.pending.pop(future), self.owner.pop(future)
            if isinstance(future.exception(), BrokenProcessPool):
                broken |= pool is self.pool  # a unit of an already replaced pool is just a suspect
                self.suspects.append(unit)
            else:
                out.append(_done(future, unit))
        if broken:
            self._renew()
        self._isolate_next()
        return out

    def _isolate_next(self) -> None:
        if self.isolated or not self.suspects:
            return
        if self.quarantine is None:
            self.quarantine = self._new_pool(1)
        unit = self.suspects.popleft()
        self.isolated = (self.quarantine.submit(call, unit.name, unit.kwargs), unit)

    def _renew(self) -> None:
        # Units still queued in the broken pool failed with it: they are suspects too.
        for future, unit in list(self.pending.items()):
            if future.done() and isinstance(future.exception(), BrokenProcessPool):
                del self.pending[future], self.owner[future]
                self.suspects.append(unit)
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool(self.workers)

    def _close_quarantine(self) -> None:
        if self.quarantine is not None:
            self.quarantine.shutdown(wait=False, cancel_futures=True)
            self.quarantine = None

    def close(self) -> None:
        """Stop the processes (units still queued are dropped)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.quarantine is not None:
            self.quarantine.shutdown(wait=True, cancel_futures=True)


def _done(future: cf.Future[Any], unit: Unit) -> Done:
    exc = future.exception()
    if exc is None:
        return Done(unit, future.result())
    return Done(unit, None, _describe(exc), retry=not _final(exc))


def _describe(exc: BaseException) -> str:
    from extractor.errors import KehoachError

    if isinstance(exc, KehoachError):
        return f"[{exc.code}] {exc.message}"
    if isinstance(exc, BrokenProcessPool):
        return "[E998] bộ xử lý dừng đột ngột khi đang đọc tệp này"
    return f"[E999] lỗi nội bộ ({exc.__class__.__name__}: {exc})"


def _final(exc: BaseException) -> bool:
    """A named input error repeats on every try: fail at once instead of retrying."""
    from extractor.errors import KehoachError

    return isinstance(exc, KehoachError)
