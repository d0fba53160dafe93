"""Web app: sign-in, roles, CSRF, upload → job → review → save/conflict → approve → export."""

from __future__ import annotations

import io
import json
import re
import threading

import pytest
from fastapi.testclient import TestClient
from web_fixtures.helpers import make_pdf, small_record

from extractor import jobs
from extractor.store import repo
from extractor.store.users import create_user
from extractor.web.app import create_app

PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def app(settings, store):
    for name, role in (("admin", "admin"), ("ron", "reviewer"), ("rita", "reviewer"), ("cloe", "clerk"),
                       ("poli", "policy")):
        create_user(store, name, PASSWORD, role)
    application = create_app(settings)
    yield application
    application.state.store.dispose()


def client(app, username: str | None = None) -> TestClient:
    c = TestClient(app, base_url="http://127.0.0.1")  # no https: cookies still flow in tests
    if username:
        r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf": csrf_of(c, "/login")},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(url).text).group(1)


def pdf_bytes(tmp_path, name="kh.pdf") -> bytes:
    path = tmp_path / name  # made once: reportlab stamps the time into every new file
    return (path if path.exists() else make_pdf(path)).read_bytes()


def uploaded(app, tmp_path) -> int:
    """Upload as the clerk, run the worker; the document id."""
    c = client(app, "cloe")
    r = c.post("/upload", data={"csrf": csrf_of(c, "/upload")},
               files=[("files", ("ke hoach.pdf", pdf_bytes(tmp_path), "application/pdf"))],
               follow_redirects=False)
    assert r.status_code == 303 and "/upload?jobs=" in r.headers["location"]
    store, settings = app.state.store, app.state.settings
    assert jobs.work(store, settings, threading.Event(), once=True) == 1
    (doc,) = repo.list_documents(store)
    return doc.id


def field(app, doc_id: int, path: str):
    return next(f for f in repo.fields_of(app.state.store, doc_id) if f.path == path)


def save(c: TestClient, doc_id: int, path: str, value: str, version: int, **extra):
    data = {"csrf": csrf_of(c, f"/documents/{doc_id}"), "path": path, "value": value,
            "version": str(version), **extra}
    return c.post(f"/documents/{doc_id}/fields", data=data, follow_redirects=False)


@pytest.mark.parametrize("url", ["/", "/documents", "/upload", "/documents/1", "/documents/1/export.json",
                                 "/documents/1/export.xlsx", "/documents/1/pages/1.png", "/admin/users",
                                 "/exports/corrections.jsonl"])
def test_anonymous_is_sent_to_login_and_sees_nothing(app, tmp_path, url):
    doc_id = uploaded(app, tmp_path)
    r = TestClient(app).get(url.replace("/1", f"/{doc_id}"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "Sơn La" not in r.text and "166" not in r.text


def test_anonymous_api_gets_401_and_posts_are_refused(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    anon = TestClient(app)
    assert anon.get("/api/jobs?ids=1").status_code == 401
    r = anon.post(f"/documents/{doc_id}/fields", data={"path": "document.number", "value": "x",
                                                      "version": "1"}, follow_redirects=False)
    assert r.status_code == 303 and field(app, doc_id, "document.number").value == "166/KH-UBND"


def test_login_page_in_vietnamese_and_cookie_flags(app):
    c = TestClient(app)
    page = c.get("/login")
    assert "Đăng nhập" in page.text and 'lang="vi"' in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_wrong_password_and_missing_csrf_refused(app):
    c = TestClient(app)
    token = csrf_of(c, "/login")
    assert c.post("/login", data={"username": "ron", "password": "sai", "csrf": token}).status_code == 401
    r = c.post("/login", data={"username": "ron", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/documents", follow_redirects=False).status_code == 303


def test_repeated_wrong_passwords_throttled(app):
    c = TestClient(app)
    token = csrf_of(c, "/login")
    codes = [c.post("/login", data={"username": "ron", "password": f"sai-{i}", "csrf": token}).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]
    r = c.post("/login", data={"username": "ron", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "quá nhiều lần" in r.text
    assert client(app, "rita").get("/documents").status_code == 200  # others unaffected


def test_reviewer_cannot_act_as_admin(app):
    c = client(app, "ron")
    assert c.get("/admin/users").status_code == 403
    r = c.post("/admin/users", data={"csrf": csrf_of(c, "/documents"), "username": "mallory",
                                     "password": "12345678", "role": "admin"})
    assert r.status_code == 403
    assert repo.user_by_name(app.state.store, "mallory") is None
    ron = repo.user_by_name(app.state.store, "ron")
    r = c.post(f"/admin/users/{ron.id}", data={"csrf": csrf_of(c, "/documents"), "role": "admin"})
    assert r.status_code == 403 and repo.user_by_name(app.state.store, "ron").role == "reviewer"


def test_admin_creates_user(app):
    c = client(app, "admin")
    r = c.post("/admin/users", data={"csrf": csrf_of(c, "/admin/users"), "username": "moi",
                                     "password": "12345678", "role": "drafter"})
    assert r.status_code == 200 and "Đã tạo người dùng" in r.text
    assert repo.user_by_name(app.state.store, "moi").role == "drafter"


def test_upload_job_progress_and_list(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "cloe")
    body = c.get("/api/jobs?ids=1").json()["jobs"][0]
    assert (body["status"], body["progress"], body["document_id"]) == ("done", 100, doc_id)
    listing = c.get("/documents?province=sơn&status=review").text
    assert "166/KH-UBND" in listing and "cần rà soát" in listing and "Danh sách văn bản" in listing
    assert "166/KH-UBND" not in c.get("/documents?province=Hà Nội").text
    assert "166/KH-UBND" in c.get("/documents?province=SON LA&number=166/kh").text  # no marks, any case
    assert "166/KH-UBND" in c.get("/documents?date=2025-08").text


def test_reupload_finds_existing_document(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "cloe")
    r = c.post("/upload", data={"csrf": csrf_of(c, "/upload")},
               files=[("files", ("ban sao.pdf", pdf_bytes(tmp_path), "application/pdf"))],
               follow_redirects=False)
    assert r.headers["location"] == "/upload?jobs=1"
    assert [d.id for d in repo.list_documents(app.state.store)] == [doc_id]


def test_upload_sniffs_bytes_not_names(app):
    c = client(app, "cloe")
    r = c.post("/upload", data={"csrf": csrf_of(c, "/upload")},
               files=[("files", ("../../evil.pdf", b"<html>not a pdf</html>", "application/pdf"))])
    assert "Không nhận" in r.text and "evil.pdf" in r.text
    assert repo.list_documents(app.state.store) == []


def test_upload_too_large_refused(app, settings):
    c = client(app, "cloe")
    big = b"%PDF-1.4\n" + b"0" * (settings.max_upload_mb * 1024 * 1024 + 10)
    r = c.post("/upload", data={"csrf": csrf_of(c, "/upload")},
               files=[("files", ("big.pdf", big, "application/pdf"))])
    assert "giới hạn" in r.text and repo.list_documents(app.state.store) == []


def test_chunked_body_over_limit_refused(settings, store):
    from extractor.settings import Settings

    small = Settings(**{**settings.model_dump(), "max_upload_mb": 1})
    create_user(store, "cloe", PASSWORD, "clerk")
    application = create_app(small)
    c = client(application, "cloe")
    token = csrf_of(c, "/upload")

    def body():  # a generator: sent chunked, no Content-Length
        yield b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token.encode() + b"\r\n"
        yield b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.pdf\"\r\n\r\n%PDF-"
        for _ in range(24):
            yield b"0" * (1 << 20)

    r = c.post("/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and "yêu cầu lớn hơn giới hạn" in r.text
    assert repo.list_documents(application.state.store) == []
    application.state.store.dispose()


def test_clerk_and_policy_cannot_edit(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    for name in ("cloe", "poli"):
        c = client(app, name)
        page = c.get(f"/documents/{doc_id}")
        assert page.status_code == 200 and ">Lưu<" not in page.text and "Duyệt</button>" not in page.text
        assert save(c, doc_id, "document.number", "1/KH", 1).status_code == 403
    assert client(app, "poli").get("/upload").status_code == 403
    assert field(app, doc_id, "document.number").value == "166/KH-UBND"


def test_review_page_shows_fields_issues_and_source_box(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    page = client(app, "ron").get(f"/documents/{doc_id}").text
    assert "Rà soát" in page and "Cần chú ý" in page and "Nhiệm vụ 2 không nêu thời hạn" in page
    assert "<legend>Nhiệm vụ 1</legend>" in page and "Cơ quan chủ trì" in page
    number = field(app, doc_id, "document.number")
    box = re.search(rf'id="f{number.id}"\s+class="[^"]*"\s+data-page="1" data-box="([^"]+)"', page)
    left, top, width, height = map(float, box.group(1).split(","))
    assert 9 < left < 11 and 0 < width < 30 and 0 < top < 15 and height > 0
    # low-confidence title is listed first under "Cần chú ý"
    assert page.index("độ tin cậy 55%") < page.index('<div class="review">')


def test_review_page_before_extraction(app, tmp_path):
    doc, _ = repo.add_document(app.state.store, app.state.settings.originals_dir, [pdf_bytes(tmp_path)],
                               "kh.pdf", 1 << 22)
    page = client(app, "ron").get(f"/documents/{doc.id}")
    assert page.status_code == 200 and "đang được xử lý" in page.text


def test_page_image_is_png(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "poli")
    r = c.get(f"/documents/{doc_id}/pages/1.png")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert c.get(f"/documents/{doc_id}/pages/9.png").status_code == 404


def test_save_records_revision_and_shows_history(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "ron")
    r = save(c, doc_id, "tasks[1].lead", "Sở Tài chính\nSở Nội vụ", 1, reason="đọc lại bản gốc")
    assert r.status_code == 303
    page = c.get(f"/documents/{doc_id}").text
    assert "Đã lưu" in page and "Lịch sử chỉnh sửa" in page and "đọc lại bản gốc" in page
    assert field(app, doc_id, "tasks[1].lead").value == ["Sở Tài chính", "Sở Nội vụ"]
    (rev,) = [r for r in repo.revisions_of(app.state.store, doc_id, "tasks[1].lead") if r.kind == "review"]
    assert rev.username == "ron" and rev.old_value == ["Sở Văn hóa, Thể thao và Du lịch"]


def test_stale_save_gets_conflict_with_other_value(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    ron, rita = client(app, "ron"), client(app, "rita")
    assert save(ron, doc_id, "document.number", "167/KH-UBND", 1).status_code == 303
    r = save(rita, doc_id, "document.number", "168/KH-UBND", 1)
    assert r.status_code == 409
    assert "Xung đột" in r.text and "ron" in r.text and "167/KH-UBND" in r.text
    assert 'value="168/KH-UBND"' in r.text  # rita's value kept in the form, not lost
    assert field(app, doc_id, "document.number").value == "167/KH-UBND"
    again = save(rita, doc_id, "document.number", "168/KH-UBND", 2)  # deliberate second save
    assert again.status_code == 303 and field(app, doc_id, "document.number").value == "168/KH-UBND"


def test_bad_number_is_refused_with_message(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    r = save(client(app, "ron"), doc_id, "targets.0.value", "mười lăm", 1)
    assert r.status_code == 422 and "không phải là một số" in r.text


def test_missing_csrf_refused(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "ron")
    r = c.post(f"/documents/{doc_id}/fields", data={"path": "document.number", "value": "x", "version": "1"})
    assert r.status_code == 403 and field(app, doc_id, "document.number").value == "166/KH-UBND"


def test_values_are_escaped(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "ron")
    save(c, doc_id, "document.title", "<script>alert(1)</script>", 1)
    page = c.get(f"/documents/{doc_id}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_approve_locks_and_reextract_keeps_reviewed_values(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "ron")
    save(c, doc_id, "document.number", "167/KH-UBND", 1)
    r = c.post(f"/documents/{doc_id}/approve", data={"csrf": csrf_of(c, f"/documents/{doc_id}")})
    assert "đã duyệt" in r.text and "Đã duyệt văn bản" in r.text
    r = save(c, doc_id, "document.number", "169/KH-UBND", 2)
    assert field(app, doc_id, "document.number").value == "167/KH-UBND"
    assert client(app, "admin").post(f"/documents/{doc_id}/reopen",
                                     data={"csrf": csrf_of(c, f"/documents/{doc_id}")}).status_code == 403
    admin = client(app, "admin")
    admin.post(f"/documents/{doc_id}/reopen", data={"csrf": csrf_of(admin, f"/documents/{doc_id}")})
    admin.post(f"/documents/{doc_id}/reextract", data={"csrf": csrf_of(admin, f"/documents/{doc_id}")})
    jobs.work(app.state.store, app.state.settings, threading.Event(), once=True)
    f = field(app, doc_id, "document.number")
    assert (f.value, f.suggestion) == ("167/KH-UBND", "166/KH-UBND")
    assert "Máy đề xuất" in admin.get(f"/documents/{doc_id}").text


def test_export_json_and_xlsx(app, tmp_path):
    from openpyxl import load_workbook

    doc_id = uploaded(app, tmp_path)
    c = client(app, "poli")
    save(client(app, "ron"), doc_id, "tasks[1].coordinators", "=HYPERLINK(\"x\")", 1)
    data = c.get(f"/documents/{doc_id}/export.json").json()
    want = small_record()
    assert set(data) == {"source", "document", "targets", "budget", "tasks", "responsibilities", "reporting"}
    assert data["document"]["number"] == want["document"]["number"] and data["tasks"][1]["deadline"] is None
    wb = load_workbook(io.BytesIO(c.get(f"/documents/{doc_id}/export.xlsx").content))
    tasks = wb["Nhiệm vụ"]
    assert tasks["D2"].value == "Sở Văn hóa, Thể thao và Du lịch"
    assert tasks["E2"].data_type == "s"
    assert wb["Văn bản"]["B2"].value == "166/KH-UBND"


def test_corrections_jsonl(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    c = client(app, "ron")
    title = small_record()["document"]["title"].replace("thư viện", "thư viên")
    save(c, doc_id, "document.title", title, 1)
    lines = [json.loads(x) for x in c.get("/exports/corrections.jsonl").text.splitlines() if x]
    assert lines == [{"original": small_record()["document"]["provenance"]["title"]["original"],
                      "corrected": title}]
    assert client(app, "poli").get("/exports/corrections.jsonl").status_code == 403


def test_reviewed_lead_stays_on_its_task_when_rerun_inserts_one_issue5(app, tmp_path):
    doc_id = uploaded(app, tmp_path)
    ron = client(app, "ron")
    assert save(ron, doc_id, "tasks[2].lead", "Sở Văn hóa, Thể thao và Du lịch", 1).status_code == 303
    r = ron.post(f"/documents/{doc_id}/reextract", data={"csrf": csrf_of(ron, f"/documents/{doc_id}")},
                 follow_redirects=False)
    assert r.status_code == 303
    rerun = app.state.settings.model_copy(update={"extractor": "web_fixtures.fake_extract:extract_inserted"})
    assert jobs.work(app.state.store, rerun, threading.Event(), once=True) == 1
    page = ron.get(f"/documents/{doc_id}").text
    legends = re.findall(r"<legend>(Nhiệm vụ[^<]*)</legend>", page)
    assert legends == ["Nhiệm vụ 1", "Nhiệm vụ 1.1", "Nhiệm vụ 2"]
    task2 = page[page.index("<legend>Nhiệm vụ 2</legend>"):]
    assert "Sở Văn hóa, Thể thao và Du lịch" in task2[:task2.index("</fieldset>")]
    exported = json.loads(ron.get(f"/documents/{doc_id}/export.json").text)
    assert [(t["number"], t["lead"]) for t in exported["tasks"]] == [
        ("1", ["Sở Văn hóa, Thể thao và Du lịch"]), ("1.1", ["Sở Nội vụ"]),
        ("2", ["Sở Văn hóa, Thể thao và Du lịch"])]
