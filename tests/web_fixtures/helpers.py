"""Fixtures shared by the store/web tests: a database per test, on SQLite and PostgreSQL.

PostgreSQL runs when ``KEHOACH_TEST_PG_URL`` names a server (``scripts/pg_test_server.sh``);
``KEHOACH_REQUIRE_PG=1`` (CI) turns its absence into a failure instead of a skip.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
RECORD_PATH = HERE / "record_small.json"


def small_record() -> dict:
    """A hand-written record in the SCHEMA.md shape with provenance (see record_small.json)."""
    return copy.deepcopy(json.loads(RECORD_PATH.read_text(encoding="utf-8")))


def big_record(pages: int = 20) -> dict:
    """A record the size of a 20-page plan: ~3 tasks and a target per page, with provenance."""
    rec = small_record()
    task, target, resp = rec["tasks"][0], rec["targets"][0], rec["responsibilities"][0]
    rec["tasks"] = []
    rec["targets"] = []
    rec["responsibilities"] = []
    for page in range(1, pages + 1):
        for k in range(3):
            t = copy.deepcopy(task)
            t["number"] = f"{page}.{k + 1}"
            t["title"] = f"Nhiệm vụ số {page}.{k + 1}: rà soát, sắp xếp thư viện cơ sở"
            for prov in t["provenance"].values():
                prov["page"] = page
            rec["tasks"].append(t)
        tg = copy.deepcopy(target)
        tg["year"] = 2025 + page
        rec["targets"].append(tg)
        rs = copy.deepcopy(resp)
        rs["agency"] = f"Sở {page}"
        rec["responsibilities"].append(rs)
    rec["issues"] = [{"stage": "ocr", "kind": "low_confidence", "message": f"Trang {p} mờ",
                      "page": p, "severity": "warning"} for p in (3, 7)]
    return rec


def _pg_server_url() -> str | None:
    url = os.environ.get("KEHOACH_TEST_PG_URL")
    if not url and os.environ.get("KEHOACH_REQUIRE_PG") == "1":
        pytest.fail("KEHOACH_REQUIRE_PG=1 but KEHOACH_TEST_PG_URL is unset (scripts/pg_test_server.sh)")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    server = _pg_server_url()
    if not server:
        pytest.skip("KEHOACH_TEST_PG_URL not set (eval \"$(bash scripts/pg_test_server.sh start)\")")
    name = f"kehoach_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL of this test, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kehoach.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def settings(tmp_path: Path, db_url: str):
    from extractor.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, secret_key="test-secret-key-0123456789",
                    workers=0, extractor="web_fixtures.fake_extract:extract_small")


@pytest.fixture
def store(settings):
    from extractor.store import open_store

    st = open_store(settings)
    yield st
    st.dispose()
