# ruff: noqa: F811  (pytest fixtures imported from web_fixtures.helpers)
"""So sánh kế hoạch (issue 6): the store's reviewed records compared, alignment overrides, downloads."""

from __future__ import annotations

import copy
import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures.helpers import (  # noqa: F401
    _cheap_password_hashing,
    db_url,
    pg_template,
    pg_url,
    settings,
    small_record,
    store,
)

from extractor import jobs
from extractor.compare.fromstore import compare_from_store
from extractor.store import repo
from extractor.store.users import create_user
from extractor.web.app import create_app

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
def app(settings, store):
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


def override(c: TestClient, doc_id: int, task: str, ref: str, version: int, **extra):
    data = {"csrf": csrf_of(c, "/compare"), "programme": "1687", "document_id": str(doc_id), "task": task,
            "ref": ref, "version": str(version), **extra}
    return c.post("/compare/alignment", data=data, follow_redirects=False)


URLS = ["/compare", "/compare/report.xlsx", "/compare/ma_tran_nhiem_vu.csv"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(app, url):
    r = TestClient(app).get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


@pytest.mark.parametrize("user", ["cloe", "dana"])
def test_clerk_and_drafter_cannot_compare(app, user):
    c = client(app, user)
    for url in URLS:
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 403 and "Sơn La" not in r.text
    assert "So sánh kế hoạch" not in c.get("/documents").text  # no menu entry either
    r = c.post("/compare/alignment", data={"csrf": csrf_of(c, "/documents"), "document_id": "1", "task": "1",
                                           "ref": "none", "version": "0"}, follow_redirects=False)
    assert r.status_code == 403


def test_policy_sees_report_of_implementing_records_only(app):
    c = client(app, "poli")
    assert "So sánh kế hoạch" in c.get("/documents").text
    page = c.get("/compare").text
    assert "<h1>So sánh kế hoạch</h1>" in page and 'id="bang-ma_tran_nhiem_vu"' in page
    assert 'id="bang-doi_chieu_nhiem_vu"' in page and "Ghép nhiệm vụ" in page and "Không tương ứng" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="heatmap"' in page
    assert "sl.pdf" in page and "ls.pdf" in page and "thien-tai.pdf" not in page
    assert "Gia cố đê điều" not in page
    # Everything from records is escaped: in the report tables and in the override table.
    assert "<script>alert(1)" not in page and "<b>mô hình</b>" not in page
    assert "Tuyên truyền &lt;b&gt;mô hình&lt;/b&gt;" in page


def test_reviewed_values_are_compared(app):
    son_la = app.state.ids["son_la"]
    repo.save_field(app.state.store, son_la, "tasks[1].lead", ["Sở Tư pháp"], 1, repo.Actor(None, "ron"))
    page = client(app, "poli").get("/compare").text
    assert "Sở Tư pháp" in page


def _alignment_row(page: str, source: str, number: str) -> str:
    row = r"<tr[^>]*>\s*<td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>(.*?)</tr>"
    for match in re.finditer(row, page, re.S):
        if match.group(1) == source and match.group(2) == number:
            return match.group(3)
    raise AssertionError(f"no alignment row for {source} #{number}")


def test_override_stored_as_revision_and_fed_to_align(app, settings, tmp_path, monkeypatch):
    son_la, store = app.state.ids["son_la"], app.state.store
    c = client(app, "poli")
    assert "tự động" in _alignment_row(c.get("/compare").text, "sl.pdf", "1")
    r = override(c, son_la, "1", "none", 0, reason="không phải nhiệm vụ của Chương trình")
    assert r.status_code == 303 and r.headers["location"].endswith(f"#ghep-{son_la}")
    row = _alignment_row(c.get("/compare").text, "sl.pdf", "1")
    assert "Không tương ứng" in row and "người duyệt" in row and '<option value="none" selected>' in row
    (rev,) = repo.revisions_of(store, son_la, "alignment[1]")
    assert (rev.username, rev.new_value, rev.version, rev.kind) == ("poli", "none", 1, "review")
    assert rev.reason == "không phải nhiệm vụ của Chương trình"

    # A reviewer may change it too; a stale form gets the other value, not a silent overwrite.
    reviewer = client(app, "ron")
    assert override(reviewer, son_la, "1", "2", 1).status_code == 303
    stale = override(c, son_la, "1", "3", 1)
    assert stale.status_code == 409 and "Xung đột" in stale.text and "ron" in stale.text
    assert [r.new_value for r in repo.revisions_of(store, son_la, "alignment[1]")] == ["none", "2"]

    # The CLI's compare --db applies the same override.
    monkeypatch.setenv("KEHOACH_DATABASE_URL", settings.database_url)
    report = compare_from_store(settings.data_dir, tmp_path / "out", "1687")
    rows = report.table("doi_chieu_nhiem_vu").rows
    (row,) = [r for r in rows if r[0].text == "Sơn La" and r[1].text == "1"]
    assert row[3].text == "2" and row[6].text == "người duyệt"
    assert {p.name for p in report.provinces} == {"Sơn La", "Lạng Sơn"}
    assert {"report.html", "report.xlsx", "ma_tran_nhiem_vu.csv"} <= set(report.files)
    assert (tmp_path / "out" / "report.xlsx").is_file()

    # "Tự động" withdraws the override.
    assert override(reviewer, son_la, "1", "", 2).status_code == 303
    assert "tự động" in _alignment_row(c.get("/compare").text, "sl.pdf", "1")


def test_override_refused_without_csrf_or_with_unknown_task(app):
    son_la = app.state.ids["son_la"]
    c = client(app, "ron")
    r = c.post("/compare/alignment", data={"programme": "1687", "document_id": str(son_la), "task": "1",
                                           "ref": "none", "version": "0"}, follow_redirects=False)
    assert r.status_code == 403
    r = override(c, son_la, "1", "999", 0)
    assert r.status_code == 303 and "không hợp lệ" in c.get("/compare").text
    assert repo.revisions_of(app.state.store, son_la, "alignment[1]") == []


def test_downloads(app):
    c = client(app, "poli")
    page = c.get("/compare").text
    assert 'href="/compare/report.xlsx?programme=1687"' in page
    xlsx = c.get("/compare/report.xlsx?programme=1687")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]
    csv = c.get("/compare/ma_tran_nhiem_vu.csv?programme=1687")
    assert csv.status_code == 200 and csv.text.startswith("\ufeffMã,") and "Sơn La" in csv.text
    assert c.get("/compare/khong_co.csv").status_code == 404
