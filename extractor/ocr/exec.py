"""The only module that starts a subprocess (STYLE.md: engines behind three layers).

Argv lists only, never a shell; stdin closed; a timeout on every call; stderr
logged. Tests replace :data:`runner` to inject faults (timeout, non-zero exit,
bad output) at this one seam.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractor.errors import EngineFailedError, EngineMissingError, EngineTimeoutError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completed:
    """What an engine run produced."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes


def _subprocess_run(argv: Sequence[str], timeout: float, env: dict[str, str]) -> Completed:
    proc = subprocess.run(  # noqa: S603 - argv list, no shell
        list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env, check=False
    )
    return Completed(tuple(argv), proc.returncode, proc.stdout, proc.stderr)


# Replaced by tests (fault injection); signature (argv, timeout, env) -> Completed.
runner: Callable[[Sequence[str], float, dict[str, str]], Completed] = _subprocess_run


def run(argv: Sequence[str], *, timeout: float, what: str = "") -> Completed:
    """Run ``argv`` and return its output; raise a named error on timeout, absence or failure."""
    # One tesseract thread per process: pages are parallelised by ingest instead,
    # and OpenMP threads fighting over 2 cores made every page slower.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = runner(argv, timeout, env)
    except FileNotFoundError as exc:
        raise EngineMissingError(f"{argv[0]} is not installed; run: apt-get install tesseract-ocr") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineTimeoutError(
            f"{argv[0]} ran past {timeout:.0f} s{what}; the page image may be damaged or far too large"
        ) from exc
    if done.stderr:
        log.debug("%s stderr: %s", argv[0], done.stderr.decode("utf-8", "replace").strip())
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise EngineFailedError(f"{argv[0]} exited with code {done.returncode}{what}: {tail[0]}")
    return done
