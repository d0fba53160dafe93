"""Machine settings of the store and the review app (env prefix ``KEHOACH_``).

Per-run choices live in :class:`extractor.options.Options`; what belongs to the machine
(where data lives, which database, the cookie key) lives here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/kehoach`` (``~/.local/share/kehoach``), or ``./.kehoach`` without a home."""
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "kehoach"
    home = Path.home()
    if home.is_dir() and os.access(home, os.W_OK):
        return home / ".local" / "share" / "kehoach"
    return Path(".kehoach").resolve()


class Settings(BaseSettings):
    """Where the store lives and how the web app guards itself."""

    model_config = SettingsConfigDict(env_prefix="KEHOACH_", frozen=True, extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Originals, database, secret")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default a SQLite file in data_dir")
    secret_key: str | None = Field(None, description="Cookie signing key; generated into data_dir if unset")
    max_upload_mb: int = Field(50, ge=1, description="Largest accepted upload per file")
    workers: int = Field(1, ge=0, description="Extraction worker threads started by `serve`")
    job_lease_s: float = Field(300.0, gt=0, description="Requeue a running job silent this long")
    secure_cookies: bool = Field(False, description="Send the session cookie over HTTPS only")
    extractor: str = Field("extractor.jobs:extract_record",
                           description="module:function turning a file path into a record dict")

    @property
    def sqlalchemy_url(self) -> str:
        """The configured URL, or the SQLite file ``data_dir/kehoach.sqlite3``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'kehoach.sqlite3'}"

    @property
    def originals_dir(self) -> Path:
        """Content-addressed, read-only originals."""
        return self.data_dir / "originals"

    @property
    def cache_dir(self) -> Path:
        """Rebuildable artefacts (page images)."""
        return self.data_dir / "cache"

    def ensure_dirs(self) -> None:
        """Create the data directory tree (private to the user)."""
        for path in (self.data_dir, self.originals_dir, self.cache_dir, self.data_dir / "tmp"):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)

    def signing_key(self) -> str:
        """The configured secret, else one generated once and kept in ``data_dir/secret_key``."""
        if self.secret_key:
            return self.secret_key
        self.ensure_dirs()
        path = self.data_dir / "secret_key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip()


def load_settings(data_dir: str | Path | None = None, **overrides: object) -> Settings:
    """Settings from the environment, with ``data_dir`` (a CLI flag) taking precedence."""
    if data_dir is not None:
        overrides["data_dir"] = Path(data_dir).expanduser().resolve()
    return Settings(**overrides)  # type: ignore[arg-type]
