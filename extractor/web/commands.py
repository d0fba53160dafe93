"""Plain functions the CLI wires as ``kehoach serve | add-user | watch``."""

from __future__ import annotations

from pathlib import Path

from extractor.settings import load_settings


def serve(host: str = "127.0.0.1", port: int = 8000, data_dir: str | Path | None = None) -> None:
    """Run the review app (and its extraction workers) until interrupted."""
    import uvicorn

    from extractor.web.app import create_app

    app = create_app(load_settings(data_dir))
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False, log_level="info")


def add_user(username: str, password: str, role: str, data_dir: str | Path | None = None) -> int:
    """Create a user; returns its id. Raises ValueError / DuplicateUserError with a message."""
    from extractor.store import open_store
    from extractor.store.users import create_user

    store = open_store(load_settings(data_dir))
    try:
        return create_user(store, username, password, role).id
    finally:
        store.dispose()


def watch(inbox_dir: str | Path, data_dir: str | Path | None = None) -> None:
    """Store and extract every file dropped into ``inbox_dir`` until interrupted."""
    from extractor.jobs import watch as run_watch

    run_watch(inbox_dir, data_dir)
