"""So sánh kế hoạch (issue 6): the store's reviewed records compared, alignment overrides, downloads."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures.plans import client, csrf_of

from extractor.compare.fromstore import compare_from_store
from extractor.store import repo


def override(c: TestClient, doc_id: int, task: str, ref: str, version: int, **extra):
    data = {"csrf": csrf_of(c, "/compare"), "programme": "1687", "document_id": str(doc_id), "task": task,
            "ref": ref, "version": str(version), **extra}
    return c.post("/compare/alignment", data=data, follow_redirects=False)


URLS = ["/compare", "/compare/report.xlsx", "/compare/ma_tran_nhiem_vu.csv"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(plans_app, url):
    r = TestClient(plans_app).get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


@pytest.mark.parametrize("user", ["cloe", "dana"])
def test_clerk_and_drafter_cannot_compare(plans_app, user):
    c = client(plans_app, user)
    for url in URLS:
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 403 and "Sơn La" not in r.text
    assert "So sánh kế hoạch" not in c.get("/documents").text  # no menu entry either
    r = c.post("/compare/alignment", data={"csrf": csrf_of(c, "/documents"), "document_id": "1", "task": "1",
                                           "ref": "none", "version": "0"}, follow_redirects=False)
    assert r.status_code == 403


def test_policy_sees_report_of_implementing_records_only(plans_app):
    c = client(plans_app, "poli")
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


def test_reviewed_values_are_compared(plans_app):
    son_la = plans_app.state.ids["son_la"]
    repo.save_field(plans_app.state.store, son_la, "tasks[1].lead", ["Sở Tư pháp"], 1,
                    repo.Actor(None, "ron"))
    page = client(plans_app, "poli").get("/compare").text
    assert "Sở Tư pháp" in page


def _alignment_row(page: str, source: str, number: str) -> str:
    row = r"<tr[^>]*>\s*<td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>(.*?)</tr>"
    for match in re.finditer(row, page, re.S):
        if match.group(1) == source and match.group(2) == number:
            return match.group(3)
    raise AssertionError(f"no alignment row for {source} #{number}")


def test_override_stored_as_revision_and_fed_to_align(plans_app, settings, tmp_path, monkeypatch):
    son_la, store = plans_app.state.ids["son_la"], plans_app.state.store
    c = client(plans_app, "poli")
    assert "tự động" in _alignment_row(c.get("/compare").text, "sl.pdf", "1")
    r = override(c, son_la, "1", "none", 0, reason="không phải nhiệm vụ của Chương trình")
    assert r.status_code == 303 and r.headers["location"].endswith(f"#ghep-{son_la}")
    row = _alignment_row(c.get("/compare").text, "sl.pdf", "1")
    assert "Không tương ứng" in row and "người duyệt" in row and '<option value="none" selected>' in row
    (rev,) = repo.revisions_of(store, son_la, "alignment[1]")
    assert (rev.username, rev.new_value, rev.version, rev.kind) == ("poli", "none", 1, "review")
    assert rev.reason == "không phải nhiệm vụ của Chương trình"

    # A reviewer may change it too; a stale form gets the other value, not a silent overwrite.
    reviewer = client(plans_app, "ron")
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


def test_override_refused_without_csrf_or_with_unknown_task(plans_app):
    son_la = plans_app.state.ids["son_la"]
    c = client(plans_app, "ron")
    r = c.post("/compare/alignment", data={"programme": "1687", "document_id": str(son_la), "task": "1",
                                           "ref": "none", "version": "0"}, follow_redirects=False)
    assert r.status_code == 403
    r = override(c, son_la, "1", "999", 0)
    assert r.status_code == 303 and "không hợp lệ" in c.get("/compare").text
    assert repo.revisions_of(plans_app.state.store, son_la, "alignment[1]") == []


def test_downloads(plans_app):
    c = client(plans_app, "poli")
    page = c.get("/compare").text
    assert 'href="/compare/report.xlsx?programme=1687"' in page
    xlsx = c.get("/compare/report.xlsx?programme=1687")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]
    csv = c.get("/compare/ma_tran_nhiem_vu.csv?programme=1687")
    assert csv.status_code == 200 and csv.text.startswith("\ufeffMã,") and "Sơn La" in csv.text
    assert c.get("/compare/khong_co.csv").status_code == 404
