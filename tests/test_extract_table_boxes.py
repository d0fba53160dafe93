"""The task table read by word positions: cells joined on one line by a text layer or OCR."""

from pathlib import Path

import pytest

from extractor.fields import extract_plan
from schemas.document import BBox, DocumentText, Line, Page, Word

ROOT = Path(__file__).resolve().parent.parent
# column left edges of a made-up table (points): TT, task, lead, coordinators, deadline
COLS = {"no": 70, "title": 100, "lead": 400, "coord": 540, "deadline": 700}


def _line(y: float, cells: list[tuple[str, str]]) -> Line:
    words = []
    for column, text in cells:
        x = COLS[column]
        for token in text.split():
            words.append(Word(text=token, bbox=BBox(x0=x, y0=y, x1=x + 6 * len(token), y1=y + 10)))
            x += 6 * len(token) + 4
    return Line(text=" ".join(w.text for w in words), words=words, bbox=BBox.union([w.bbox for w in words]))


def _doc() -> DocumentText:
    header = [_line(100, [("no", "TT"), ("title", "Nhiệm vụ"), ("lead", "Cơ quan chủ trì"),
                          ("coord", "Cơ quan phối hợp"), ("deadline", "Thời gian")])]
    page1 = header + [
        _line(130, [("no", "I"), ("title", "Hạ tầng số")]),
        _line(150, [("no", "1."), ("title", "Xây dựng trung tâm dữ liệu"), ("lead", "Sở Khoa học và"),
                    ("coord", "Sở Tài chính;"), ("deadline", "Năm 2027")]),
        _line(165, [("title", "của tỉnh"), ("lead", "Công nghệ"), ("coord", "Công an tỉnh")]),
        _line(185, [("no", "2."), ("title", "Số hóa hồ sơ hộ tịch"), ("lead", "Sở Tư pháp"),
                    ("coord", "UBND các xã,"), ("deadline", "Quý IV/2026")]),
    ]
    page2 = header + [_line(130, [("coord", "phường")])]  # the row goes on after the page break
    pages = [Page(number=i, unit="pt", width=842, height=595, source="text_layer", lines=lines)
             for i, lines in enumerate((page1, page2), start=1)]
    return DocumentText(path="t.pdf", sha256="0" * 64, mime="application/pdf", pages=pages)


def test_cells_recovered_from_word_positions():
    plan = extract_plan(_doc())
    first, second = plan.tasks
    assert (first.number, first.group) == ("1", "Hạ tầng số")
    assert first.title == "Xây dựng trung tâm dữ liệu của tỉnh"
    assert first.lead == ["Sở Khoa học và Công nghệ"]
    assert first.coordinators == ["Sở Tài chính", "Công an tỉnh"]
    assert (first.deadline.start, first.deadline.end) == ("2027", "2027")
    assert second.coordinators == ["Ủy ban nhân dân các xã, phường"]
    assert (second.deadline.start, second.deadline.end) == ("2026-10", "2026-12")
    box = first.provenance["lead"].bbox
    assert box is not None and box.x0 >= COLS["lead"] and box.x1 < COLS["coord"]


@pytest.mark.skipif(not (ROOT / "samples" / "000-table.pdf").exists(), reason="samples/ not built")
def test_seed_000_table_pdf():
    from extractor.ingest import ingest
    from extractor.options import Options

    plan = extract_plan(ingest(ROOT / "samples" / "000-table.pdf", Options(no_ocr=True, restore=False)))
    assert len(plan.tasks) == 12
    assert "Công an tỉnh" in plan.tasks[1].coordinators
    assert all(t.deadline is not None for t in plan.tasks)
