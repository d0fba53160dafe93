"""Born-digital PDFs made in the test (reportlab): text layers with no blank lines (issue 4)."""

from pathlib import Path

import pytest

from extractor.options import Options
from extractor.pipeline import extract
from tests.plan_helpers import FONT, flow, pdf_from_rows

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVu Sans not installed")

HEADER = [(60, 40, "ỦY BAN NHÂN DÂN"), (250, 40, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
          (60, 55, "TỈNH ĐIỆN BIÊN"), (290, 55, "Độc lập - Tự do - Hạnh phúc"),
          (60, 80, "Số: 12/KH-UBND"), (300, 80, "Điện Biên, ngày 05 tháng 3 năm 2026")]


def _extract(tmp_path: Path, rows):
    pdf = pdf_from_rows(tmp_path / "plan.pdf", [rows])
    return extract(pdf, Options(no_ocr=True, restore=False))


def test_libreoffice_like_draft_paragraphs_from_spacing_and_indent(tmp_path):
    """Preamble and duty paragraphs are told apart by spacing and first-line indents only."""
    title = [(-1, 110, "KẾ HOẠCH"),
             (-1, 126, "Triển khai Chương trình “Xây dựng mô hình thư viện cơ sở phục vụ nhân dân miền"),
             (-1, 141, "núi, biên giới vùng trung du và miền núi phía Bắc giai đoạn 2025-2030”"),
             (-1, 156, "trên địa bàn tỉnh Điện Biên")]
    paras = [("Căn cứ Quyết định số 1687/QĐ-TTg ngày 30/12/2024 của Thủ tướng Chính phủ phê duyệt "
              "Chương trình xây dựng mô hình thư viện cơ sở;", 60, 30),
             ("Thực hiện Công văn số 3594/BVHTTDL-VHCSGĐTV ngày 22/7/2025 của Bộ Văn hóa, Thể thao và "
              "Du lịch, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:", 60, 30),
             ("I. NHIỆM VỤ", 60, 30),
             ("1. Rà soát mạng lưới thư viện cơ sở trên địa bàn tỉnh. Cơ quan chủ trì: Sở Văn hóa, Thể "
              "thao và Du lịch; thời gian thực hiện: Năm 2026.", 60, 30),
             ("II. TỔ CHỨC THỰC HIỆN", 60, 30),
             ("1. Sở Tài chính", 60, 30),
             ("Tham mưu bố trí kinh phí thực hiện Kế hoạch theo phân cấp ngân sách hiện hành của tỉnh "
              "và các nguồn hợp pháp khác", 60, 30),
             ("Hướng dẫn quản lý, sử dụng kinh phí đúng quy định.", 60, 30)]
    plan = _extract(tmp_path, HEADER + title + flow(paras, top=180, gap=8))
    doc = plan.document
    assert doc.title == " ".join(text for _, _, text in title[1:])
    assert doc.legal_basis == ["1687/QĐ-TTg", "3594/BVHTTDL-VHCSGĐTV"]
    (task,) = plan.tasks
    assert task.title == "Rà soát mạng lưới thư viện cơ sở trên địa bàn tỉnh"
    assert task.lead == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert task.deadline is not None and task.deadline.start == "2026"
    (finance,) = plan.responsibilities
    assert len(finance.duties) == 2 and finance.duties[1].startswith("Hướng dẫn quản lý")


ONE_LINE_ROWS = [
    "KẾ HOẠCH", "Phát triển thể thao quần chúng năm 2026", "I. NHIỆM VỤ",
    "1. Tổ chức giải chạy việt dã toàn tỉnh",
    "Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch",
    "Cơ quan phối hợp: Công an tỉnh; Sở Y tế",
    "Thời gian thực hiện: Quý II/2026",
    "2. Xây dựng sân thể thao tại các xã",
    "Cơ quan chủ trì: UBND các xã, phường",
    "Cơ quan phối hợp: Sở Tài chính",
    "Thời gian thực hiện: Năm 2026",
    "PHÓ CHỦ TỊCH", "Lò Văn Mừng",
]


def test_one_line_per_row_pdf_labelled_fields(tmp_path):
    """Issue 4 follow-up 6: each task field on its own line, page furniture below the signature."""
    rows = HEADER + [(60, 110 + 16 * i, text) for i, text in enumerate(ONE_LINE_ROWS)]
    rows.append((280, 800, "Trang 1"))
    plan = _extract(tmp_path, rows)
    first, second = plan.tasks
    assert first.title == "Tổ chức giải chạy việt dã toàn tỉnh"
    assert first.lead == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert first.coordinators == ["Công an tỉnh", "Sở Y tế"]
    assert first.deadline is not None and (first.deadline.start, first.deadline.end) == ("2026-04", "2026-06")
    assert second.title == "Xây dựng sân thể thao tại các xã"
    assert second.lead == ["Ủy ban nhân dân các xã, phường"]
    assert second.coordinators == ["Sở Tài chính"]
    agencies = [a for t in plan.tasks for a in t.lead + t.coordinators]
    assert not any("CHỦ TỊCH" in a.upper() or "Trang" in a for a in agencies)
    signer = plan.document.signer
    assert signer is not None and (signer.name, signer.title) == ("Lò Văn Mừng", "Phó Chủ tịch")


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _content(record: dict) -> dict:
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "provenance"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip({k: record[k] for k in ("document", "targets", "budget", "tasks", "responsibilities",
                                         "reporting")})


@pytest.mark.parametrize("seed", ["001", "003"])
def test_born_digital_sample_reads_like_its_text(seed):
    """Text layers without blank lines (paragraph gaps, indents, a sentence across a page break,
    a wrapped agency heading) give the record of the seed's own text."""
    import json

    pdf = SAMPLES / f"{seed}-born-digital.pdf"
    if not pdf.exists():
        pytest.skip("samples/ not built")
    plan = extract(pdf, Options(no_ocr=True, restore=False))
    golden = json.loads((GOLDEN / seed / "plan.json").read_text(encoding="utf-8"))
    assert _content(json.loads(plan.model_dump_json())) == _content(golden)
