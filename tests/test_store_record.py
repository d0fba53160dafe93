"""Record ↔ fields: flatten/unflatten round trips, labels, parsing submitted values."""

from __future__ import annotations

import json

import pytest
from web_fixtures.helpers import small_record

from extractor.store import record as rec


def _contract(record: dict) -> dict:
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("provenance", "issues")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return {k: strip(record[k]) for k in rec.SECTIONS}


def test_round_trip_small_record():
    record = small_record()
    assert rec.unflatten(rec.flatten(record)) == _contract(record)


@pytest.mark.parametrize("gold", ["000", "001", "004"])
def test_round_trip_gold(shared, gold):
    record = json.loads((shared / "gold" / f"{gold}.json").read_text(encoding="utf-8"))
    assert rec.unflatten(rec.flatten(record)) == _contract(record)


def test_null_objects_become_fillable_fields_and_null_again():
    flat = rec.flatten({"document": {"signer": None}, "budget": None,
                        "tasks": [{"number": "1", "deadline": None}]})
    assert {"document.signer.name", "budget.total_million_vnd", "tasks[1].deadline.text"} <= set(flat)
    out = rec.unflatten(flat)
    assert out["document"]["signer"] is None and out["budget"] is None
    assert out["tasks"][0]["deadline"] is None


def test_provenance_lookup():
    record = small_record()
    assert rec.provenance(record, "tasks[1].lead")["page"] == 1
    assert rec.provenance(record, "tasks[9].lead") is None
    assert rec.provenance(record, "document.number")["bbox"]["x1"] == 200


def test_labels_in_vietnamese():
    assert rec.label("tasks[3.1].lead") == "Nhiệm vụ 3.1 · Cơ quan chủ trì"
    assert rec.label("targets[2026~ty-le-xa].value") == "Mục tiêu 2026 · Giá trị"
    assert rec.label("budget.by_period.0.period") == "Kinh phí · Theo giai đoạn · 1 · Giai đoạn"
    assert rec.label("document.number") == "Thông tin văn bản · Số ký hiệu"


def test_parse_values():
    assert rec.parse_value("tasks[1].lead", "Sở A\n\n  Sở   B ") == ["Sở A", "Sở B"]
    assert rec.parse_value("targets.0.year", "2030") == 2030
    assert rec.parse_value("targets.0.value", "15,5") == 15.5
    assert rec.parse_value("budget.total_million_vnd", "10580") == 10580
    assert rec.parse_value("document.number", "  ") is None
    assert rec.parse_value("document.title", "Ke hoa\u0323ch") == "Ke ho\u1ea1ch"
    with pytest.raises(rec.FieldValueError):
        rec.parse_value("targets.0.value", "mười")
    with pytest.raises(rec.FieldValueError):
        rec.parse_value("targets.0.year", "2030.5")


def test_items_keyed_by_number_else_title_fingerprint_issue5():
    tasks = [{"number": "3.1", "title": "A"}, {"number": None, "title": "Tuyên truyền, phổ biến mô hình"},
             {"number": "3.1", "title": "B"}, {"number": None, "title": "Tuyen truyen, pho bien mo hinh"}]
    assert rec.item_keys("tasks", tasks) == ["3.1", "~tuyen-truyen-pho-bien-mo-hinh", "3.1#2",
                                             "~tuyen-truyen-pho-bien-mo-hinh#2"]
    assert rec.item_keys("responsibilities", [{"agency": "Sở Tài chính"}]) == ["so-tai-chinh"]
    assert rec.item_keys("targets", [{"year": 2026, "indicator": "Tỷ lệ xã"}]) == ["2026~ty-le-xa"]


def test_keyed_paths_round_trip_in_given_order():
    flat = {"tasks[2].number": "2", "tasks[2].title": "Hai", "tasks[1.1].number": "1.1",
            "tasks[1.1].title": "Một phẩy một", "document.number": "5/KH"}
    out = rec.unflatten(flat)
    assert [t["number"] for t in out["tasks"]] == ["2", "1.1"]
    assert rec.document_order(list(flat), {"tasks": [{"number": "1.1", "title": "x"},
                                                     {"number": "2", "title": "y"}]})[:4] == [
        "tasks[1.1].number", "tasks[1.1].title", "tasks[2].number", "tasks[2].title"]
