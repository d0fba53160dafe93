"""Soạn dự thảo (issue 7): preview and .docx from the store's reviewed records, drafters only."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures.plans import client

from extractor.draft import draft_from_store
from extractor.store import repo

URLS = ["/drafts", "/drafts?province=Hà%20Giang", "/drafts/draft.docx?province=Hà%20Giang"]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(plans_app, url):
    r = TestClient(plans_app).get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


@pytest.mark.parametrize("user", ["cloe", "poli", "ron"])
def test_only_drafters_draft(plans_app, user):
    c = client(plans_app, user)
    for url in URLS:
        assert c.get(url, follow_redirects=False).status_code == 403
    assert "Soạn dự thảo" not in c.get("/documents").text


def test_drafter_previews_and_downloads(plans_app):
    c = client(plans_app, "dana")
    assert "Soạn dự thảo" in c.get("/documents").text
    page = c.get("/drafts").text
    assert "<h1>Soạn dự thảo</h1>" in page and "Xem trước" in page and 'value="Sơn La"' in page
    assert "Tải về .docx" not in page  # nothing to download before a province is chosen
    page = c.get("/drafts", params={"programme": "1687", "province": "Hà Giang"}).text
    assert "Tải về .docx" in page and "Xem trước: Hà Giang" in page
    assert 'class="draft-sheet"' in page and "kehoach-draft" in page and "HÀ GIANG" in page
    assert "từ 2 kế hoạch" in page  # the unrelated plan is not a source
    docx = c.get("/drafts/draft.docx", params={"programme": "1687", "province": "Hà Giang"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "du-thao-Ha-Giang.docx" in docx.headers["content-disposition"]
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Hà Giang" in text


def test_preview_uses_reviewed_values_and_escapes(plans_app):
    son_la, lang = plans_app.state.ids["son_la"], plans_app.state.ids["lang_son"]
    actor = repo.Actor(None, "ron")
    for doc in (son_la, lang):
        repo.save_field(plans_app.state.store, doc, "tasks[1].lead", ["Sở Tư pháp <i>x</i>"], 1, actor)
    page = client(plans_app, "dana").get("/drafts", params={"province": "Hà Giang"}).text
    assert "Sở Tư pháp &lt;i&gt;x&lt;/i&gt;" in page and "<i>x</i>" not in page
    province = client(plans_app, "dana").get("/drafts", params={"province": "<script>x</script>"}).text
    assert "<script>x</script>" not in province


def test_docx_needs_a_province(plans_app):
    r = client(plans_app, "dana").get("/drafts/draft.docx", params={"province": "  "})
    assert r.status_code == 400 and "chọn tỉnh" in r.text


def test_draft_from_store(plans_app, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KEHOACH_DATABASE_URL", settings.database_url)
    out = draft_from_store(settings.data_dir, "1687", "Hà Giang", tmp_path / "du-thao.md")
    text = out.read_text(encoding="utf-8")
    assert "Hà Giang" in text and re.search(r"Sở Văn hóa, Thể thao và Du lịch", text)


def _post_template(c: TestClient, template: str, action: str = "preview", **extra):
    page = c.get("/drafts", params={"province": "Hà Giang"}).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    data = {"csrf": token, "programme": "1687", "province": "Hà Giang", "template": template,
            "action": action, **extra}
    return c.post("/drafts", data=data, follow_redirects=False)


def test_drafter_template_runs_in_the_sandbox(plans_app):
    c = client(plans_app, "dana")
    page = c.get("/drafts", params={"province": "Hà Giang"}).text
    assert "Sửa mẫu văn bản" in page and "<textarea" in page and "{%" in page  # the built-in text to edit
    ok = _post_template(c, "Dòng riêng của người soạn <b>đậm</b>")
    assert ok.status_code == 200 and "Dòng riêng của người soạn &lt;b&gt;đậm&lt;/b&gt;" in ok.text
    docx = _post_template(c, "Dòng riêng của người soạn", action="docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    refused = _post_template(c, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert refused.status_code == 200 and "Mẫu văn bản bị từ chối" in refused.text
    assert "subclasses" not in refused.text.split("</textarea>")[-1]


def test_template_form_needs_csrf_and_the_drafter_role(plans_app):
    c = client(plans_app, "dana")
    r = c.post("/drafts", data={"programme": "1687", "province": "Hà Giang", "template": "x"},
               follow_redirects=False)
    assert r.status_code == 403
    assert _post_template(client(plans_app, "poli"), "x").status_code == 403
