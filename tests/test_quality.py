from __future__ import annotations

import pytest

from extractor import quality
from extractor.options import Options
from extractor.vietnamese import strip_diacritics
from tests.conftest import seed_path

CLEAN = ("Ủy ban nhân dân tỉnh Sơn La ban hành Kế hoạch triển khai Chương trình "
         "“Xây dựng mô hình thư viện cơ sở” trên địa bàn tỉnh.")


def test_clean_text_is_good():
    assert quality.verdict(quality.count(CLEAN)) == "good"


def test_seed_004_layer_is_garbage(shared):
    text = seed_path(shared, "004").read_text(encoding="utf-8")
    counts = quality.count(text)
    assert quality.verdict(counts) == "garbage"
    assert counts.valid_marked < 0.2


def test_seed_002_is_garbage(shared):
    assert quality.verdict(quality.count(seed_path(shared, "002").read_text(encoding="utf-8"))) == "garbage"


def test_issue_examples_are_garbage():
    assert quality.verdict(quality.count("Trién khai thue hién ctia t6 chirc ke hoach")) == "garbage"


def test_gold_004_is_good_and_stripped_is_unaccented(shared):
    gold = (shared / "restore" / "004.gold.txt").read_text(encoding="utf-8")
    assert quality.verdict(quality.count(gold)) == "good"
    assert quality.verdict(quality.count(strip_diacritics(gold))) == "unaccented"


@pytest.mark.parametrize("text", ["", "12/2025", "- 3 -", "a b"])
def test_empty(text):
    assert quality.verdict(quality.count(text)) == "empty"


def test_acronyms_and_one_letter_tokens_are_not_counted():
    acronyms = "UBND KH-UBND QĐ-TTg BVHTTDL VHCSGĐTV a y "
    assert quality.count(acronyms + CLEAN).tokens == quality.count(CLEAN).tokens
    assert quality.verdict(quality.count(acronyms * 5 + CLEAN)) == "good"


def test_all_caps_vietnamese_headings_count():
    assert quality.verdict(quality.count("I. MỤC ĐÍCH, YÊU CẦU KẾ HOẠCH TỔ CHỨC THỰC HIỆN")) == "good"


def _decide(text, source="pdf", has_image=True, **opts):
    q, issues = quality.assess(text, source=source, has_image=has_image, options=Options(**opts), page=1)
    return q, issues


def test_decisions_for_pdf_pages():
    assert _decide(CLEAN)[0].decision == "text_layer"
    assert _decide("Trién khai thue hién ctia t6 chirc ke hoach")[0].decision == "ocr"
    assert _decide("")[0].decision == "ocr"
    assert _decide(strip_diacritics(CLEAN))[0].decision == "ocr"
    assert _decide(strip_diacritics(CLEAN), has_image=False)[0].decision == "restore"


def test_force_ocr_and_no_ocr_override():
    assert _decide(CLEAN, force_ocr=True)[0].decision == "ocr"
    q, issues = _decide("Trién khai thue hién ctia t6 chirc ke hoach", no_ocr=True)
    assert (q.verdict, q.decision) == ("garbage", "restore")
    assert [i.severity for i in issues] == ["info"]
    assert _decide("", no_ocr=True)[0].decision == "none"


def test_decisions_for_plain_text():
    assert _decide(CLEAN, source="text", has_image=False)[0].decision == "text_layer"
    assert _decide(strip_diacritics(CLEAN), source="text", has_image=False)[0].decision == "restore"
    q = _decide("Trién khai thue hién ctia t6 chirc", source="text", has_image=False)[0]
    assert (q.verdict, q.decision) == ("garbage", "restore")


def test_quality_scores_are_recorded():
    q = _decide(CLEAN)[0]
    assert 0.6 < q.score <= 1 and 0.6 < q.accented_share <= 1


@pytest.mark.parametrize(("a", "b", "d"), [("", "", 0), ("abc", "", 3), ("kế hoạch", "ke hoach", 2),
                                           ("kitten", "sitting", 3), ("Sơn La", "Sơn La", 0)])
def test_edit_distance(a, b, d):
    assert quality.edit_distance(a, b) == d == quality.edit_distance(b, a)


def test_cer_ignores_line_breaks():
    assert quality.cer("Kế hoạch\nsố 166", "Kế hoạch số 166") == 0
    assert quality.cer("abcd", "abxd") == 0.25
