"""What a runner is: submit units, poll for finished ones. Local pool or Celery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RunnerSettings(BaseSettings):
    """Where work runs (env prefix ``KEHOACH_``); no broker means the local process pool."""

    model_config = SettingsConfigDict(env_prefix="KEHOACH_", frozen=True, extra="ignore")

    broker_url: str | None = Field(None, description="redis://host:port/db: run units on Celery workers")
    result_url: str | None = Field(None, description="Celery result backend; default the broker")
    task_timeout_s: float = Field(900.0, gt=0, description="Hard limit on one unit (one page, one document)")
    max_attempts: int = Field(3, ge=1, description="Tries of one unit (crash, timeout) before it fails")
    broker_visibility_s: float | None = Field(
        None, gt=0, description="Redelivery delay of a unit whose worker vanished; default 2 × timeout + 60")

    @property
    def visibility_timeout_s(self) -> float:
        """Redis redelivers an unacknowledged unit after this; longer than any unit may run."""
        return self.broker_visibility_s or 2 * self.task_timeout_s + 60


@dataclass(frozen=True)
class Unit:
    """One call of :mod:`extractor.runners.units`; ``key`` is stable across redeliveries."""

    key: str
    name: str
    kwargs: dict[str, Any] = field(hash=False)
    attempt: int = 1


@dataclass(frozen=True)
class Done:
    """A finished unit: its result, or an error message and whether trying again may help."""

    unit: Unit
    result: Any
    error: str | None = None
    retry: bool = False


class Runner(Protocol):
    """The one interface the batch coordinator and the web app's jobs use."""

    def submit(self, unit: Unit) -> None:
        """Queue one unit."""

    def poll(self, timeout: float) -> list[Done]:
        """Units finished within ``timeout`` seconds."""

    def close(self) -> None:
        """Release workers/connections."""


def get_runner(workers: int, settings: RunnerSettings | None = None) -> Runner:
    """Celery when ``KEHOACH_BROKER_URL`` is set, else a local pool of ``workers`` processes."""
    settings = settings or RunnerSettings()
    if settings.broker_url:
        from extractor.runners.celery_app import CeleryRunner

        return CeleryRunner(settings)
    from extractor.runners.local import LocalRunner

    return LocalRunner(workers)
