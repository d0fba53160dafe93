"""Fixture ``plans_app``: three stored plans (two implementing 1687, one not), a user per role."""

from __future__ import annotations

import copy
import re

import pytest
from fastapi.testclient import TestClient

from extractor import jobs
from extractor.store import repo
from extractor.store.users import create_user
from extractor.web.app import create_app
from web_fixtures.helpers import small_record

PASSWORD = "mat-khau-dai-1"
ROLES = (("admin", "admin"), ("ron", "reviewer"), ("cloe", "clerk"), ("poli", "policy"), ("dana", "drafter"))


def stored(store, settings, name: str, record: dict, data: bytes) -> int:
    """A document with ``record`` extracted into the store (in review)."""
    doc, _ = repo.add_document(store, settings.originals_dir, [data], name, 1 << 20)
    job = jobs.enqueue(store, doc.id)
    claimed = jobs.claim(store, "t")
    assert claimed is not None and claimed.id == job.id and jobs.finish(store, claimed, record)
    return doc.id


def lang_son() -> dict:
    rec = small_record()
    rec["source"] = "ls.pdf"
    rec["document"].update(number="242/KH-UBND", province="Lạng Sơn", place="Lạng Sơn",
                           issuer="Ủy ban nhân dân tỉnh Lạng Sơn",
                           title="Triển khai Chương trình thư viện cơ sở <script>alert(1)</script>")
    rec["tasks"][1]["title"] = "Tuyên truyền <b>mô hình</b> thư viện cơ sở"
    return rec


def unrelated() -> dict:
    rec = small_record()
    rec["document"].update(number="9/KH-UBND", legal_basis=[],
                           title="Kế hoạch phòng chống thiên tai năm 2026")
    task = copy.deepcopy(rec["tasks"][0]) | {"title": "Gia cố đê điều trước mùa mưa lũ", "number": "1"}
    rec["tasks"] = [task]
    return rec


@pytest.fixture
def plans_app(settings, store):
    for name, role in ROLES:
        create_user(store, name, PASSWORD, role)
    ids = {"son_la": stored(store, settings, "sl.pdf", small_record(), b"%PDF-1.4 son la"),
           "lang_son": stored(store, settings, "ls.pdf", lang_son(), b"%PDF-1.4 lang son"),
           "other": stored(store, settings, "thien-tai.pdf", unrelated(), b"%PDF-1.4 thien tai")}
    application = create_app(settings)
    application.state.ids = ids
    yield application
    application.state.store.dispose()


def client(app, username: str | None = None) -> TestClient:
    c = TestClient(app, base_url="http://127.0.0.1")
    if username:
        page = c.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf": token},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(url).text).group(1)
