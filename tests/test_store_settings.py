"""Settings (env prefix KEHOACH_, generated secret) and the watch folder."""

from __future__ import annotations

import stat
import threading
import time

from web_fixtures.helpers import _cheap_password_hashing, make_pdf  # noqa: F401

from extractor.settings import Settings, load_settings


def test_defaults_live_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    monkeypatch.setenv("KEHOACH_MAX_UPLOAD_MB", "7")
    settings = load_settings(tmp_path / "d")
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'd' / 'kehoach.sqlite3'}"
    assert settings.max_upload_mb == 7 and settings.originals_dir == tmp_path / "d" / "originals"


def test_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("KEHOACH_DATA_DIR", raising=False)
    assert Settings().data_dir == tmp_path / "kehoach"


def test_secret_generated_once_and_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "d")
    first = settings.signing_key()
    assert len(first) >= 40 and Settings(data_dir=tmp_path / "d").signing_key() == first
    assert stat.S_IMODE((tmp_path / "d" / "secret_key").stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "d", secret_key="given").signing_key() == "given"


def test_watch_folder_stores_and_extracts(tmp_path, monkeypatch):
    from extractor.jobs import watch
    from extractor.store import open_store, repo

    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    monkeypatch.setenv("KEHOACH_EXTRACTOR", "web_fixtures.fake_extract:extract_small")
    make_pdf(inbox / "ke-hoach.pdf")
    (inbox / "notes.txt").write_text("không phải PDF", encoding="utf-8")
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(inbox, data), kwargs={"poll_s": 0.2, "stop": stop})
    thread.start()
    store = open_store(load_settings(data))
    try:
        deadline = time.monotonic() + 60
        while not [d for d in repo.list_documents(store) if d.status == "review"]:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(30)
    (doc,) = repo.list_documents(store)
    assert doc.filename == "ke-hoach.pdf" and doc.number == "166/KH-UBND"
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["ke-hoach.pdf", "notes.txt.rejected"]
    store.dispose()
