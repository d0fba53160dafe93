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


def _db_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[str, str]]:
    """(server URL, name of a database migrated to head) to copy per test: CREATE ... TEMPLATE."""
    server = _pg_server_url()
    if not server:
        pytest.skip("KEHOACH_TEST_PG_URL not set (eval \"$(bash scripts/pg_test_server.sh start)\")")
    from extractor.store.db import init_db

    name = f"kehoach_tmpl_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    init_db(_db_url(server, name)).dispose()
    try:
        yield server, name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_template: tuple[str, str]) -> Iterator[str]:
    """A fresh PostgreSQL database at the newest schema (empty), dropped afterwards."""
    server, template = pg_template
    name = f"kehoach_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _db_url(server, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash many passwords on a shared machine: argon2id at its lowest cost (params live
    in each hash, so verification follows)."""
    from argon2 import PasswordHasher

    from extractor.store import users

    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


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


PLAN_LINES = [
    "ỦY BAN NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "TỈNH SƠN LA                          Độc lập - Tự do - Hạnh phúc",
    "Số: 166/KH-UBND                 Sơn La, ngày 05 tháng 8 năm 2025",
    "KẾ HOẠCH",
    "Triển khai Chương trình xây dựng mô hình thư viện cơ sở trên địa bàn tỉnh Sơn La",
    "Căn cứ Quyết định số 1687/QĐ-TTg của Thủ tướng Chính phủ;",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "1. Rà soát, sắp xếp, thống nhất hệ thống thư viện cơ sở.",
    "Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.",
    "Cơ quan phối hợp: Các cơ quan, đơn vị liên quan.",
    "Thời gian thực hiện: Từ năm 2026-2030.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Sở Tài chính: Tham mưu bố trí kinh phí thực hiện Kế hoạch.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
]


def make_pdf(path: Path, lines: list[str] | None = None, pages: int = 1) -> Path:
    """A small text-layer PDF (reportlab, DejaVu Sans for the Vietnamese marks)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    ttf = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if ttf.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf)))
        font = "DejaVuSans"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(pages):
        pdf.setFont(font, 11)
        y = A4[1] - 60
        for line in lines or PLAN_LINES:
            pdf.drawString(50, y, line)
            y -= 18
        pdf.drawString(50, 40, f"Trang {page + 1}")
        pdf.showPage()
    pdf.save()
    return path
