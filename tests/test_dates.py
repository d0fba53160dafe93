import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor import dates, references


@pytest.mark.parametrize("text,start,end,recurring,open_ended", [
    ("Năm 2026", "2026", "2026", None, False),
    ("Từ năm 2026-2030", "2026", "2030", None, False),
    ("Từ năm\n2025-2030", "2025", "2030", None, False),
    ("Giai đoạn 2025-2030 và các năm tiếp theo", "2025", "2030", None, True),
    ("Năm 2025, năm 2026 và các năm tiếp theo", "2025", None, None, True),
    ("trước ngày 10/12 hằng năm", None, None, "yearly", False),
    ("Quý III/2026", "2026-07", "2026-09", None, False),
    ("quý 1 năm 2027", "2027-01", "2027-03", None, False),
    ("trong tháng 5 năm 2018", "2018-05", "2018-05", None, False),
    ("ngày 05 tháng 08 năm 2025", "2025-08-05", "2025-08-05", None, False),
    ("từ năm 2026 đến năm 2030", "2026", "2030", None, False),
    ("Giai doan 2025-2030", "2025", "2030", None, False),  # restoration missed the marks
])
def test_normal_form(text, start, end, recurring, open_ended):
    expr = dates.parse(text)
    assert expr is not None
    assert (expr.start, expr.end, expr.recurring, expr.open_ended) == (start, end, recurring, open_ended)


def test_thuong_xuyen_is_a_deadline_without_dates():
    expr = dates.parse("Thường xuyên")
    assert expr is not None and expr.start is None and expr.end is None


@pytest.mark.parametrize("text,md", [
    ("trước ngày 10/12 hằng năm", "12-10"),
    ("trước ngày 01 tháng 11 hằng năm", "11-01"),
    ("chậm nhất ngày 5/6", "06-05"),
])
def test_month_day(text, md):
    assert dates.month_day(text) == md


@pytest.mark.parametrize("text,iso", [
    ("Sơn La, ngày 05 tháng 08 năm 2025", "2025-08-05"),
    ("Lạng Sơn, ngày tháng 9 năm 2025", "2025-09"),
    ("ngày 19 /9/2025", "2025-09-19"),
    ("ngày 31 tháng 13 năm 2025", None),
])
def test_issued_date(text, iso):
    assert dates.issued_date(text) == iso


def test_no_time_is_none():
    assert dates.parse("Sở Tài chính") is None


@given(st.text(max_size=200))
def test_parse_never_raises(text):
    expr = dates.parse(text)
    if expr is not None:
        assert expr.start is None or expr.start[:2] in ("19", "20")


def test_references_number_type_date():
    refs = references.find_references(
        "Căn cứ Quyết định số 1687/QĐ-TTg ngày 30/12/2024 của Thủ tướng Chính phủ; Công văn số "
        "3594/BVHTTDL-VHCSGĐTV ngày 22/7/2025; Quyết định số 14/2019/QD-TTg ngày 13 tháng 3 năm 2019")
    assert [(r.number, r.doc_type, r.date) for r in refs] == [
        ("1687/QĐ-TTg", "Quyết định", "2024-12-30"),
        ("3594/BVHTTDL-VHCSGĐTV", "Công văn", "2025-07-22"),
        ("14/2019/QĐ-TTg", "Quyết định", "2019-03-13"),
    ]


def test_dates_are_not_references():
    assert references.find_references("ngày 30/12/2024 và 2025-2030") == []


def test_one_blank_pipeline_labels_agencies_deadlines_and_references():
    """Issue 4: entity ruler + DEADLINE and LEGAL_REF matchers in the same blank Vietnamese pipeline."""
    from extractor import nlp

    pipe = nlp.get_nlp()
    assert pipe.lang == "vi" and pipe.pipe_names == ["entity_ruler", "deadline_matcher", "legal_ref_matcher"]
    assert nlp.get_nlp() is pipe  # built once
    text = ("Căn cứ Quyết định số 1687/QĐ-TTg ngày 30/12/2024; Sở Y tế chủ trì, "
            "thời gian thực hiện: từ năm\n2026 đến năm 2030 và hằng năm; 4 người/15 ngày")
    doc = pipe(text)
    assert [s.label_ for s in doc.spans["LEGAL_REF"]] == ["LEGAL_REF"]
    assert [text[s.start:s.end] for s in nlp.legal_ref_spans(text)] == ["1687/QĐ-TTg"]
    assert [text[s.start:s.end] for s in nlp.deadline_spans(text)] == [
        "ngày 30/12/2024", "từ năm\n2026 đến năm 2030", "hằng năm"]
    assert [text[e.start:e.end] for e in nlp.entities(text)] == ["Sở Y tế"]


@pytest.mark.parametrize("text,spans", [
    ("Năm 2025, năm 2026 và các năm tiếp theo", ["Năm 2025", "năm 2026", "các năm tiếp theo"]),
    ("Quý III/2026", ["Quý III/2026"]),
    ("Từ năm 2026-2030", ["Từ năm 2026-2030"]),
    ("Giai doan 2025-2030", ["Giai doan 2025-2030"]),  # restoration missed the marks
    ("Thường xuyên", ["Thường xuyên"]),
    ("Sở Tài chính", []),
])
def test_deadline_matcher_spans(text, spans):
    from extractor import nlp

    assert [text[s.start:s.end] for s in nlp.deadline_spans(text)] == spans


def test_reference_numbers_need_the_slash():
    # "số 14 Quyết định" is not a number; "QĐ" after "/" is; a year part may sit between
    refs = references.find_references("Điều 14 Quyết định, 3 QĐ; số 14/ 2019 /QD - TTg; Số: /KH-UBND")
    assert [r.number for r in refs] == ["14/2019/QĐ-TTg"]
