"""Engine, sessions and schema upgrade (Alembic, configured in code: no alembic.ini)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_UPGRADE_LOCK = threading.Lock()


def rowcount(result: Any) -> int:
    """Rows an UPDATE matched (``Result`` is typed without it; ``CursorResult`` has it)."""
    return int(result.rowcount)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own implicit BEGIN breaks BEGIN IMMEDIATE; we emit BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the lock at BEGIN: a read-then-write transaction would otherwise fail
        # with SQLITE_BUSY instead of waiting when another writer got there first.
        immediate = conn.get_execution_options().get("kehoach_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(connection: Any) -> Any:
    """An Alembic config pointing at our migrations and at ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command

    # Alembic keeps its running context in module globals: one upgrade at a time per process.
    with _UPGRADE_LOCK, engine.connect() as conn:
        conn.execution_options(kehoach_write=True)  # SQLite: BEGIN IMMEDIATE serialises processes
        command.upgrade(alembic_config(conn), "head")
        conn.commit()


class Store:
    """The database handle: ``read()`` and ``write()`` sessions, one transaction each."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(kehoach_write=True)
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def init_db(url: str) -> Store:
    """Open the database at ``url`` and upgrade it to the newest schema."""
    engine = make_engine(url)
    upgrade(engine)
    return Store(engine)
