"""The store: originals, plan records, per-field revisions, users and jobs (SQLAlchemy 2)."""

from __future__ import annotations

from extractor.settings import Settings
from extractor.store.db import Store, init_db


def open_store(settings: Settings) -> Store:
    """The settings' database, created and upgraded to the newest schema."""
    settings.ensure_dirs()
    return init_db(settings.sqlalchemy_url)


__all__ = ["Settings", "Store", "init_db", "open_store"]
