"""Where extraction work runs: a local process pool, or Celery workers (issue 8).

One job model, two runners: :mod:`units` are the work (plan a document, OCR a page,
assemble a record), :func:`get_runner` picks the local pool or Celery by
``KEHOACH_BROKER_URL``, and :func:`batch.run_batch` coordinates a folder.
"""

from extractor.runners.base import Done, Runner, RunnerSettings, Unit, get_runner

__all__ = ["Done", "Runner", "RunnerSettings", "Unit", "get_runner"]
